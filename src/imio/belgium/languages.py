"""Languages of the Belgian communes, for choosing how to address citizens."""

# Source: the laws on the use of languages in administrative matters, coordinated
# on 18 July 1966 (lois sur l'emploi des langues en matière administrative), which
# define the language regions and the 27 communes with language facilities
# (communes à facilités): the nine communes of the German-speaking Community, the
# two communes of the Malmedy area, the communes along the language border and
# the six communes around Brussels.
#
# Keys are the REFNIS codes Statbel publishes since the mergers of 1 January 2025.

WALLOON_REGION = "03000"
FLEMISH_REGION = "02000"
BRUSSELS_REGION = "04000"

# The official language of the commune first, then the facility language.
_FACILITIES: dict[str, tuple[str, ...]] = {
    # German language region, with facilities for French speakers
    "63001": ("de", "fr"),  # Amel
    "63012": ("de", "fr"),  # Büllingen
    "63087": ("de", "fr"),  # Burg-Reuland
    "63013": ("de", "fr"),  # Bütgenbach
    "63023": ("de", "fr"),  # Eupen
    "63040": ("de", "fr"),  # Kelmis
    "63048": ("de", "fr"),  # Lontzen
    "63061": ("de", "fr"),  # Raeren
    "63067": ("de", "fr"),  # Sankt Vith
    # Malmedy area, with facilities for German speakers
    "63049": ("fr", "de"),  # Malmedy
    "63080": ("fr", "de"),  # Waimes
    # Walloon side of the language border, with facilities for Dutch speakers
    "57097": ("fr", "nl"),  # Comines-Warneton
    "51067": ("fr", "nl"),  # Enghien
    "51019": ("fr", "nl"),  # Flobecq
    "57096": ("fr", "nl"),  # Mouscron
    # Flemish side of the language border, with facilities for French speakers
    "23009": ("nl", "fr"),  # Bever
    "73028": ("nl", "fr"),  # Herstappe
    "33016": ("nl", "fr"),  # Mesen
    "45041": ("nl", "fr"),  # Ronse
    "34043": ("nl", "fr"),  # Spiere-Helkijn
    "73109": ("nl", "fr"),  # Voeren
    # Around Brussels, with facilities for French speakers
    "23098": ("nl", "fr"),  # Drogenbos
    "23099": ("nl", "fr"),  # Kraainem
    "23100": ("nl", "fr"),  # Linkebeek
    "23101": ("nl", "fr"),  # Sint-Genesius-Rode
    "23102": ("nl", "fr"),  # Wemmel
    "23103": ("nl", "fr"),  # Wezembeek-Oppem
}

# Brussels communes are officially bilingual; French comes first because this
# distribution serves French-speaking administrations.
_REGION_LANGUAGES: dict[str, tuple[str, ...]] = {
    WALLOON_REGION: ("fr",),
    FLEMISH_REGION: ("nl",),
    BRUSSELS_REGION: ("fr", "nl"),
}

# The reference data only has French and Dutch names; these are the official
# German names of the communes where German is used.
_GERMAN_NAMES: dict[str, str] = {
    "63001": "Amel",
    "63012": "Büllingen",
    "63087": "Burg-Reuland",
    "63013": "Bütgenbach",
    "63023": "Eupen",
    "63040": "Kelmis",
    "63048": "Lontzen",
    "63061": "Raeren",
    "63067": "Sankt Vith",
    "63049": "Malmedy",
    "63080": "Weismes",
}


def languages_for(refnis: str, region_refnis: str) -> tuple[str, ...]:
    """Return the languages of a commune in its region, its official one first."""
    return _FACILITIES.get(refnis) or _REGION_LANGUAGES[region_refnis]


def german_name(refnis: str) -> str | None:
    """Return the German name of a commune where German is used, else None."""
    return _GERMAN_NAMES.get(refnis)


def commune_languages(refnis: object) -> tuple[str, ...]:
    """Return the languages of a commune by REFNIS code, its official one first."""
    # Imported here because the commune data itself is built from this module.
    from imio.belgium.communes import get_commune

    return get_commune(refnis).languages
