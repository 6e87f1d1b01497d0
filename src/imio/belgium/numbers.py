"""Validation and formatting of Belgian personal, bank and enterprise numbers."""

# Every validate_* function returns the compact form of the number and raises
# InvalidInput, and nothing else, whatever it is given: form code can then rely
# on a single except clause. Every format_* function validates first, so that a
# formatted number is always a valid one.

import re

from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum import numdb
from stdnum.be import bis as stdnum_bis
from stdnum.be import iban as stdnum_be_iban
from stdnum.be import nn as stdnum_nn
from stdnum.be import vat as stdnum_vat
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError

from imio.belgium._text import ALPHANUMERIC, DIGITS, compact
from imio.belgium.errors import InvalidInput

_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+")
_IBAN_FIELD = re.compile(r"([0-9]+)!")


def _eleven_digits(value: object, kind: str) -> str:
    number = compact(value, kind)
    if not DIGITS.fullmatch(number):
        raise InvalidInput(f"{kind}.format")
    if len(number) != 11:
        raise InvalidInput(f"{kind}.length")
    return number


def validate_nrn(value: object) -> str:
    """Return a national register number as 11 digits, or raise InvalidInput."""
    number = _eleven_digits(value, "nrn")
    try:
        stdnum_nn.validate(number)
    except InvalidComponent as exc:
        # Both numbers share one layout and only differ by the month, so a
        # citizen easily types the one in place of the other.
        if stdnum_bis.is_valid(number):
            raise InvalidInput("nrn.is_bis") from exc
        raise InvalidInput("nrn.birth_date") from exc
    except ValidationError as exc:
        raise InvalidInput("nrn.checksum") from exc
    return number


def format_nrn(value: object) -> str:
    """Return a national register number as YY.MM.DD-XXX.CC."""
    return stdnum_nn.format(validate_nrn(value))


def validate_bis(value: object) -> str:
    """Return a BIS number as 11 digits, or raise InvalidInput."""
    number = _eleven_digits(value, "bis")
    try:
        stdnum_bis.validate(number)
    except InvalidComponent as exc:
        if stdnum_nn.is_valid(number):
            raise InvalidInput("bis.is_nrn") from exc
        raise InvalidInput("bis.birth_date") from exc
    except ValidationError as exc:
        raise InvalidInput("bis.checksum") from exc
    return number


def format_bis(value: object) -> str:
    """Return a BIS number as YY.MM.DD-XXX.CC."""
    return stdnum_bis.format(validate_bis(value))


def _iban_length(country: str) -> int | None:
    """Return the IBAN length of a country, or None for a country without IBAN."""
    found = numdb.get("iban").info(country)
    structure = found[0][1].get("bban") if found else None
    if not structure:
        return None
    # The structure reads like "3!n7!n2!n": fixed-size fields after the
    # country code and the two check digits.
    return 4 + sum(int(size) for size in _IBAN_FIELD.findall(structure))


def _check_iban_shape(number: str, belgian: bool) -> None:
    """Check country, characters and length, the mistakes a citizen can fix."""
    country = number[:2]
    if belgian and country.isalpha() and country != "BE":
        raise InvalidInput("iban.not_belgian")
    if not _IBAN.fullmatch(number):
        raise InvalidInput("iban.format")
    length = _iban_length(country)
    if length is None:
        raise InvalidInput("iban.country")
    # Checked before the check digits so that a forgotten digit is reported as
    # such rather than as a wrong number.
    if len(number) != length:
        raise InvalidInput("iban.length")


def _check_iban_number(number: str) -> None:
    """Check the check digits, and for Belgium the bank code."""
    try:
        stdnum_iban.validate(number, check_country=False)
    except InvalidChecksum as exc:
        raise InvalidInput("iban.checksum") from exc
    except ValidationError as exc:
        raise InvalidInput("iban.format") from exc
    if number.startswith("BE"):
        try:
            stdnum_be_iban.validate(number)
        except InvalidComponent as exc:
            raise InvalidInput("iban.bank") from exc
        except ValidationError as exc:
            raise InvalidInput("iban.checksum") from exc
    else:
        try:
            stdnum_iban.validate(number)
        except InvalidChecksum as exc:
            raise InvalidInput("iban.checksum") from exc
        except ValidationError as exc:
            raise InvalidInput("iban.format") from exc


def _iban(value: object, belgian: bool) -> str:
    number = compact(value, "iban")
    _check_iban_shape(number, belgian)
    _check_iban_number(number)
    return number


def validate_iban(value: object) -> str:
    """Return an IBAN of any country in compact form, or raise InvalidInput."""
    return _iban(value, belgian=False)


def validate_belgian_iban(value: object) -> str:
    """Return a Belgian IBAN in compact form, or raise InvalidInput."""
    return _iban(value, belgian=True)


def format_iban(value: object) -> str:
    """Return an IBAN of any country in groups of four characters."""
    return stdnum_iban.format(validate_iban(value))


def bic_for_belgian_iban(value: object) -> str | None:
    """Return the BIC of the bank of a Belgian IBAN, or None when it has none."""
    return stdnum_be_iban.to_bic(validate_belgian_iban(value))


def validate_bic(value: object) -> str:
    """Return a BIC in compact upper-case form, or raise InvalidInput."""
    number = compact(value, "bic")
    if not ALPHANUMERIC.fullmatch(number):
        raise InvalidInput("bic.format")
    if len(number) not in (8, 11):
        raise InvalidInput("bic.length")
    try:
        stdnum_bic.validate(number)
    except InvalidComponent as exc:
        raise InvalidInput("bic.country") from exc
    except ValidationError as exc:
        raise InvalidInput("bic.format") from exc
    return number


def _enterprise_number(value: object, kind: str) -> str:
    number = compact(value, kind)
    if number.startswith("BE"):
        number = number[2:]
    elif kind == "vat" and number[:2].isalpha():
        raise InvalidInput("vat.country")
    if not DIGITS.fullmatch(number):
        raise InvalidInput(f"{kind}.format")
    # Numbers given before 2005 had 9 digits; the leading 0 was added later.
    if len(number) == 9:
        number = "0" + number
    if len(number) != 10:
        raise InvalidInput(f"{kind}.length")
    if number[0] not in "01":
        raise InvalidInput(f"{kind}.first_digit")
    try:
        stdnum_vat.validate(number)
    except ValidationError as exc:
        raise InvalidInput(f"{kind}.checksum") from exc
    return number


def validate_bce(value: object) -> str:
    """Return an enterprise number (BCE/KBO) as 10 digits, or raise InvalidInput."""
    return _enterprise_number(value, "bce")


def format_bce(value: object) -> str:
    """Return an enterprise number as 0123.456.749."""
    number = validate_bce(value)
    return f"{number[:4]}.{number[4:7]}.{number[7:]}"


def validate_vat(value: object) -> str:
    """Return a Belgian VAT number as BE and 10 digits, or raise InvalidInput."""
    return "BE" + _enterprise_number(value, "vat")


def format_vat(value: object) -> str:
    """Return a Belgian VAT number as BE 0123.456.749."""
    number = validate_vat(value)[2:]
    return f"BE {number[:4]}.{number[4:7]}.{number[7:]}"
