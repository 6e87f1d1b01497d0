"""Belgian numbers and communes checked in easyform's fields, chosen in the form editor.

Each validator is an easyform ``IFieldValidator`` utility: it returns nothing
for an acceptable (or empty) value, and the message to show otherwise.
"""

from imio.belgium import find_commune
from imio.belgium import InvalidInput
from imio.belgium import validate_bce
from imio.belgium import validate_bis
from imio.belgium import validate_iban
from imio.belgium import validate_nrn
from imio.belgium import validate_postal_code
from imio.belgium import validate_vat
from imio.eguichet import _


NOT_A_COMMUNE = _("This is not the name of a Belgian commune.")

# imio.belgium's error codes, as messages of our catalogue.
MESSAGES = {
    "nrn.format": _(
        "The national register number may only hold digits, spaces, dots and dashes."
    ),
    "nrn.length": _("The national register number has 11 digits."),
    "nrn.checksum": _(
        "This national register number is not valid (wrong check digits)."
    ),
    "nrn.birth_date": _(
        "This national register number is not valid (wrong date of birth)."
    ),
    "nrn.is_bis": _("This is a BIS number, not a national register number."),
    "bis.format": _("The BIS number may only hold digits, spaces, dots and dashes."),
    "bis.length": _("The BIS number has 11 digits."),
    "bis.checksum": _("This BIS number is not valid (wrong check digits)."),
    "bis.birth_date": _("This BIS number is not valid (wrong month of birth)."),
    "bis.is_nrn": _("This is a national register number, not a BIS number."),
    "iban.format": _(
        "The IBAN holds 2 letters (the country), 2 digits, then letters or digits."
    ),
    "iban.country": _(
        "The IBAN must start with a valid country code (BE for Belgium)."
    ),
    "iban.length": _(
        "The IBAN does not have the right length for its country (16 "
        "characters for a Belgian account)."
    ),
    "iban.checksum": _("This IBAN is not valid (wrong check digits)."),
    "iban.bank": _("This IBAN belongs to no known Belgian bank."),
    "bce.format": _(
        "The enterprise number may only hold digits, spaces, dots and dashes."
    ),
    "bce.length": _("The enterprise number has 10 digits."),
    "bce.first_digit": _("The enterprise number starts with 0 or 1."),
    "bce.checksum": _("This enterprise number is not valid (wrong check digits)."),
    "postal_code.format": _("The postal code may only hold digits."),
    "postal_code.length": _("The postal code has 4 digits."),
    "postal_code.range": _("A Belgian postal code lies between 1000 and 9999."),
    "postal_code.unknown": _("This postal code does not exist in Belgium."),
    "vat.format": _(
        "The VAT number is BE followed by the enterprise number (10 digits), "
        "e.g. BE 0123.456.749."
    ),
    "vat.country": _("The VAT number must be a Belgian one (starting with BE)."),
    "vat.length": _("The VAT number has 10 digits after BE."),
    "vat.first_digit": _("The VAT number starts with BE0 or BE1."),
    "vat.checksum": _("This VAT number is not valid (wrong check digits)."),
    "commune.name_required": NOT_A_COMMUNE,
    "commune.name_unknown": NOT_A_COMMUNE,
}
NOT_VALID = _("This value is not valid.")


def belgian_validator(validate):
    """An easyform validator made of one of imio.belgium's ``validate_*``."""

    def validator(value, **kwargs):
        if value in (None, ""):
            # Whether a value is required is the field's own business.
            return None
        try:
            validate(value)
        except InvalidInput as error:
            return MESSAGES.get(error.code, NOT_VALID)
        return None

    validator.__doc__ = validate.__doc__
    return validator


isNationalRegisterNumber = belgian_validator(validate_nrn)
isBisNumber = belgian_validator(validate_bis)
isIBAN = belgian_validator(validate_iban)
isEnterpriseNumber = belgian_validator(validate_bce)
isBelgianPostalCode = belgian_validator(validate_postal_code)
isBelgianVAT = belgian_validator(validate_vat)
# The name of a commune as it exists today, in French, Dutch or German.
isBelgianCommune = belgian_validator(find_commune)

# Names as the form editor lists them.
VALIDATORS = {
    "isNationalRegisterNumber": isNationalRegisterNumber,
    "isBisNumber": isBisNumber,
    "isIBAN": isIBAN,
    "isEnterpriseNumber": isEnterpriseNumber,
    "isBelgianPostalCode": isBelgianPostalCode,
    "isBelgianVAT": isBelgianVAT,
    "isBelgianCommune": isBelgianCommune,
}
