"""A sheet's key and version, and its changes in the library's change log.

Only sheets of a library site count: a Procedure directly in a language folder
(``/fr``, ``/de``) of a site marked ILibrarySite. A commune's procedures are
left alone.
"""

from Acquisition import aq_base
from Acquisition import aq_parent
from imio.commune.library.changelog import change_log
from imio.commune.library.sheets import TAXONOMY_FIELDS
from imio.commune.library.site import is_library
from imio.website.content.procedure.content import SECTIONS
from plone import api

import hashlib
import json


DIGEST = "_library_digest"


def library_place(folder):
    """(site, language) when ``folder`` is a language folder of a library."""
    if folder is None:
        return None
    site = aq_parent(folder)
    if not is_library(site) or getattr(aq_base(folder), "portal_type", "") != "Folder":
        return None
    return site, folder.getId()


def digest(sheet) -> str:
    """What the feed publishes of a sheet, condensed: title, texts, taxonomies."""
    content = {
        "title": sheet.title or "",
        "description": sheet.description or "",
        **{
            name: getattr(getattr(sheet, name, None), "raw", None) or ""
            for name in SECTIONS
        },
        **{
            field: sorted(getattr(sheet, field, None) or ())
            for _name, (_taxonomy, field) in TAXONOMY_FIELDS.items()
        },
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_published(sheet) -> bool:
    return api.content.get_state(sheet, default=None) == "published"


def record(site, language: str, key: str, published: bool) -> None:
    """Log a change of a sheet the feed shows, or showed once."""
    log = change_log(site, create=published)
    if log is not None and (published or log.knows(language, key)):
        log.record(language, key)


def sheet_moved(sheet, event) -> None:
    """Added, moved or deleted: withdrawn from its old place, logged at the new.

    A new sheet gets version 1; a sheet moved keeps its version.
    """
    old = library_place(event.oldParent)
    if old is not None:
        record(*old, event.oldName, False)
    place = library_place(event.newParent)
    if place is None:
        return
    sheet.library_key = event.newName
    if not getattr(aq_base(sheet), "library_version", None):
        sheet.library_version = 1
        setattr(sheet, DIGEST, digest(sheet))
    record(*place, event.newName, is_published(sheet))


def sheet_modified(sheet, event) -> None:
    """One more version when the title, a text or a taxonomy changed."""
    place = library_place(aq_parent(sheet))
    if place is None:
        return
    new_digest = digest(sheet)
    if getattr(aq_base(sheet), DIGEST, None) == new_digest:
        return
    setattr(sheet, DIGEST, new_digest)
    sheet.library_version = (getattr(aq_base(sheet), "library_version", 0) or 0) + 1
    record(*place, sheet.getId(), is_published(sheet))


def sheet_transitioned(sheet, event) -> None:
    """Published or withdrawn: the feed says so at the next pull."""
    place = library_place(aq_parent(sheet))
    if place is not None and event.transition is not None:
        record(*place, sheet.getId(), is_published(sheet))
