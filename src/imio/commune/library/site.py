"""The library site: one published folder per language, holding the sheets."""

from imio.commune import _
from imio.commune.library.interfaces import ILibrarySite
from imio.commune.library.sheets import load_sheets
from plone import api
from zope.interface import alsoProvides
from zope.i18n import translate


LANGUAGE_NAMES = {"fr": _("Sheets in French"), "de": _("Sheets in German")}


def library_languages(answers: dict) -> list[str]:
    return [answers["default_language"], *answers["other_languages"]]


def is_library(site) -> bool:
    return site is not None and ILibrarySite.providedBy(site)


def apply_language_folders(site, answers: dict, changes: list[str]) -> None:
    """A published folder per language of the library, named by its code."""
    for language in library_languages(answers):
        folder = site.get(language)
        if folder is None:
            folder = api.content.create(
                container=site,
                type="Folder",
                id=language,
                title=translate(LANGUAGE_NAMES[language], target_language=language),
            )
            folder.setLanguage(language)
            changes.append(f"/{language}")
        if api.content.get_state(folder, default=None) not in ("published", None):
            api.content.transition(folder, to_state="published")
            changes.append(f"/{language}: publié")


def apply_library(site, answers: dict, changes: list[str]) -> None:
    """Mark the site as a library, then its folders and the shipped sheets."""
    if not ILibrarySite.providedBy(site):
        alsoProvides(site, ILibrarySite)
        changes.append("bibliothèque")
    apply_language_folders(site, answers, changes)
    if answers["library_content"]:
        load_sheets(site, changes)
