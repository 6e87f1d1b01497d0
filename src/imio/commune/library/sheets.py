"""The library's sheets, shipped as data: one YAML file per sheet.

Each file is ``sheets/<key>.yaml``; the key (the file's name) becomes the id of
the sheet in every language folder of the library: lowercase letters, digits
and hyphens, starting with a letter (``carte-identite``). The file holds one
block per language, ``fr`` and ``de``, both required, nothing else::

    fr:
      title: Carte d'identité électronique            # required, one line
      description: Demander ou renouveler sa carte.   # required, one line
      sections:                                       # HTML, one key per section
        what_you_get: <p>…</p>                        # required
        who_may_ask: <p>…</p>                         # required
        how_to_proceed: <ol><li>…</li></ol>           # required
        documents: <ul><li>…</li></ul>                # optional
        cost: <p>…</p>                                # required
        delay: <p>…</p>                               # optional
        legal_basis: <p>…</p>                         # optional
        exceptions: <p>…</p>                          # optional
      topics: [etat-civil-et-population]              # optional lists of ids
      life_events: [perdre-ses-documents]             # of the shipped taxonomies
      audiences: [citoyen]                            # (imio.website)
    de:
      title: Elektronischer Personalausweis
      …

A section written as a plain sentence becomes a paragraph. Taxonomy ids are
those of imio.website's taxonomies (profiles/default/taxonomies/*.xml); the
same ids serve both languages. Check every file with
``python -m imio.commune.library.sheets``: it names each wrong file and field.

``load_sheets`` creates the sheets missing from a library site, published;
it never touches a sheet that exists, and never brings back one that the
library's editors deleted.
"""

from dataclasses import dataclass
from functools import cache
from imio.website.content.procedure.content import MANDATORY_SECTIONS
from imio.website.content.procedure.content import SECTIONS
from lxml import etree
from pathlib import Path
from plone import api
from plone.app.textfield.value import RichTextValue
from zope.annotation.interfaces import IAnnotations

import re
import sys
import yaml


SHEETS_DIR = Path(__file__).parent / "sheets"
LANGUAGES = ("fr", "de")
KEY = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
TAXONOMIES_DIR = (
    Path(__file__).parents[2] / "website" / "profiles" / "default" / "taxonomies"
)
# The sheet's lists and the Procedure fields (collective.taxonomy) they fill.
TAXONOMY_FIELDS = {
    "topics": ("topic", "taxonomy_topic"),
    "life_events": ("life_event", "taxonomy_life_event"),
    "audiences": ("audience", "taxonomy_audience"),
}
LANGUAGE_FIELDS = {"title", "description", "sections", *TAXONOMY_FIELDS}
# Sheets created once in a site, by "language/key": never created again.
RECORD_KEY = "imio.commune.library.loaded"


class SheetError(ValueError):
    """A sheet file that cannot be loaded: the file, the field and why, in French."""

    def __init__(self, path: Path, field: str, message: str):
        where = f"champ {field} : " if field else ""
        super().__init__(f"{path.name} : {where}{message}")
        self.path = path
        self.field = field


@dataclass(frozen=True)
class Sheet:
    """One sheet in every language: ``texts[language]`` holds its fields."""

    key: str
    texts: dict


@cache
def taxonomy_ids(name: str) -> frozenset[str]:
    """The term ids of one of imio.website's shipped taxonomies."""
    tree = etree.parse(str(TAXONOMIES_DIR / f"{name}.xml"))
    return frozenset(
        element.text.strip()
        for element in tree.iter()
        if isinstance(element.tag, str)
        and etree.QName(element).localname == "termIdentifier"
        and element.text
    )


def _one_line(path: Path, field: str, value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SheetError(path, field, "texte obligatoire, absent ou vide.")
    if "\n" in value.strip():
        raise SheetError(path, field, "doit tenir sur une ligne.")
    return value.strip()


def _html(text: str) -> str:
    text = text.strip()
    return text if text.startswith("<") else f"<p>{text}</p>"


def _sections(path: Path, field: str, value) -> dict[str, str]:
    if not isinstance(value, dict):
        raise SheetError(path, field, "doit être un dictionnaire section: HTML.")
    unknown = sorted(set(value) - set(SECTIONS))
    if unknown:
        raise SheetError(
            path,
            f"{field}.{unknown[0]}",
            f"section inconnue ; les sections sont : {', '.join(SECTIONS)}.",
        )
    sections = {}
    for name, text in value.items():
        if text is None or (isinstance(text, str) and not text.strip()):
            continue
        if not isinstance(text, str):
            raise SheetError(path, f"{field}.{name}", "doit être du texte (HTML).")
        sections[name] = _html(text)
    for name in MANDATORY_SECTIONS:
        if name not in sections:
            raise SheetError(
                path,
                f"{field}.{name}",
                "section obligatoire pour publier une démarche, absente ou vide.",
            )
    return sections


def _terms(path: Path, field: str, value, taxonomy: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise SheetError(path, field, "doit être une liste d'identifiants.")
    known = taxonomy_ids(taxonomy)
    for term in value:
        if term not in known:
            raise SheetError(
                path,
                field,
                f"« {term} » n'existe pas ; valeurs possibles : "
                f"{', '.join(sorted(known))}.",
            )
    if len(set(value)) != len(value):
        raise SheetError(path, field, "contient deux fois le même identifiant.")
    return list(value)


def _language(path: Path, language: str, value) -> dict:
    if not isinstance(value, dict):
        raise SheetError(path, language, "doit être un dictionnaire de champs.")
    unknown = sorted(set(value) - LANGUAGE_FIELDS)
    if unknown:
        raise SheetError(
            path,
            f"{language}.{unknown[0]}",
            f"champ inconnu ; les champs sont : {', '.join(sorted(LANGUAGE_FIELDS))}.",
        )
    texts = {
        "title": _one_line(path, f"{language}.title", value.get("title")),
        "description": _one_line(
            path, f"{language}.description", value.get("description")
        ),
        "sections": _sections(path, f"{language}.sections", value.get("sections")),
    }
    for name, (taxonomy, _field) in TAXONOMY_FIELDS.items():
        texts[name] = _terms(path, f"{language}.{name}", value.get(name), taxonomy)
    return texts


def read_sheet(path: Path) -> Sheet:
    """One sheet file, checked; SheetError names what is wrong."""
    key = path.stem
    if path.suffix != ".yaml":
        raise SheetError(path, "", "une fiche est un fichier .yaml.")
    if not KEY.match(key):
        raise SheetError(
            path,
            "",
            "le nom du fichier est la clé de la fiche : lettres minuscules, "
            "chiffres et tirets, en commençant par une lettre.",
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SheetError(path, "", f"lecture impossible ({exc.strerror}).") from exc
    except UnicodeDecodeError as exc:
        raise SheetError(path, "", "le fichier doit être écrit en UTF-8.") from exc
    except yaml.YAMLError as exc:
        raise SheetError(path, "", f"YAML invalide ({exc}).") from exc
    if not isinstance(data, dict):
        raise SheetError(path, "", "doit contenir un bloc par langue (fr, de).")
    unknown = sorted(set(data) - set(LANGUAGES), key=str)
    if unknown:
        raise SheetError(
            path, str(unknown[0]), "langue inconnue ; les langues sont fr et de."
        )
    for language in LANGUAGES:
        if language not in data:
            raise SheetError(path, language, "bloc de langue obligatoire, absent.")
    return Sheet(
        key=key,
        texts={
            language: _language(path, language, data[language])
            for language in LANGUAGES
        },
    )


def read_sheets(directory: Path = SHEETS_DIR) -> list[Sheet]:
    """Every sheet of a directory, by key; the first wrong file stops the reading."""
    return [read_sheet(path) for path in sorted(directory.glob("*.yaml"))]


def procedure_fields(texts: dict) -> dict:
    """The Procedure fields of a sheet in one language."""
    fields = {"title": texts["title"], "description": texts["description"]}
    for name, html in texts["sections"].items():
        fields[name] = RichTextValue(html, "text/html", "text/x-html-safe")
    for name, (_taxonomy, field) in TAXONOMY_FIELDS.items():
        if texts[name]:
            fields[field] = list(texts[name])
    return fields


def create_sheet(folder, key: str, language: str, texts: dict):
    """A new published sheet in a language folder."""
    sheet = api.content.create(
        container=folder, type="Procedure", id=key, **procedure_fields(texts)
    )
    sheet.setLanguage(language)
    api.content.transition(sheet, to_state="published")
    sheet.reindexObject()
    return sheet


def load_sheets(site, changes: list[str], sheets: list[Sheet] | None = None) -> None:
    """Create the sheets missing from the site's language folders, published."""
    sheets = read_sheets() if sheets is None else sheets
    annotations = IAnnotations(site)
    record = set(annotations.get(RECORD_KEY, ()))
    created = []
    for sheet in sheets:
        for language, texts in sheet.texts.items():
            folder = site.get(language)
            path = f"{language}/{sheet.key}"
            if folder is None or path in record:
                continue
            record.add(path)
            if sheet.key not in folder.objectIds():
                create_sheet(folder, sheet.key, language, texts)
                created.append(f"/{path}")
    if created:
        annotations[RECORD_KEY] = sorted(record)
        changes.extend(created)


def main() -> int:
    """Check every sheet file; print the errors in French."""
    errors = []
    paths = sorted(SHEETS_DIR.glob("*.yaml"))
    for path in paths:
        try:
            read_sheet(path)
        except SheetError as exc:
            errors.append(str(exc))
    for error in errors:
        print(error, file=sys.stderr)
    print(f"{len(paths) - len(errors)} fiches correctes sur {len(paths)}.")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
