"""Belgian reference data and number validation for the communes of Wallonia."""

from imio.belgium.communes import (
    Commune,
    communes_for_postal_code,
    find_commune,
    get_commune,
    validate_postal_code,
    walloon_communes,
)
from imio.belgium.errors import MESSAGES, InvalidInput
from imio.belgium.languages import commune_languages
from imio.belgium.numbers import (
    bic_for_belgian_iban,
    format_bce,
    format_bis,
    format_iban,
    format_nrn,
    format_vat,
    validate_bce,
    validate_belgian_iban,
    validate_bic,
    validate_bis,
    validate_iban,
    validate_nrn,
    validate_vat,
)

__all__ = [
    "MESSAGES",
    "Commune",
    "InvalidInput",
    "bic_for_belgian_iban",
    "commune_languages",
    "communes_for_postal_code",
    "find_commune",
    "format_bce",
    "format_bis",
    "format_iban",
    "format_nrn",
    "format_vat",
    "get_commune",
    "validate_bce",
    "validate_belgian_iban",
    "validate_bic",
    "validate_bis",
    "validate_iban",
    "validate_nrn",
    "validate_postal_code",
    "validate_vat",
    "walloon_communes",
]
