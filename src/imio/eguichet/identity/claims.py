"""The provider's claims, once mapped to our names, as the member keeps them."""

from imio.belgium.errors import InvalidInput
from imio.belgium.numbers import validate_bis
from imio.belgium.numbers import validate_nrn


LANGUAGES = ("fr", "de", "nl", "en")


def national_number(value: str) -> str:
    """A national register or BIS number as 11 digits, "" for anything else."""
    for validate in (validate_nrn, validate_bis):
        try:
            return validate(value)
        except InvalidInput:
            continue
    return ""


def language(value: str) -> str:
    """ "fr", "de", "nl", "en" from a language tag ("FR", "de-BE"), else ""."""
    code = value.strip().lower()[:2]
    return code if code in LANGUAGES else ""


def clean(claims: dict) -> dict:
    return {
        **claims,
        "national_number": national_number(claims.get("national_number") or ""),
        "language": language(claims.get("language") or ""),
    }
