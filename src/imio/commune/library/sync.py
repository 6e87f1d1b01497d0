"""The sync: a commune's copies brought in line with the library's change feed.

The whole pull (every page of the feed) is read before anything is written:
a library that does not answer leaves the commune as it was. The cursor and
the ETag are kept in the site's annotation once the changes are applied;
a feed with nothing new (304, or no change) writes nothing at all.
"""

from imio.commune.answers import stored_answers
from imio.commune.feeds import ATTEMPTS  # noqa: F401
from imio.commune.feeds import backoff  # noqa: F401
from imio.commune.feeds import checked_page  # noqa: F401
from imio.commune.feeds import FeedClient
from imio.commune.feeds import PAGE_LIMIT  # noqa: F401
from imio.commune.feeds import Refused  # noqa: F401
from imio.commune.feeds import SyncError
from imio.commune.feeds import unreachable  # noqa: F401
from imio.commune.library.copy import apply_entry
from imio.commune.library.copy import copy_state
from imio.commune.library.copy import adopt_procedure
from imio.commune.library.copy import create_copy
from imio.commune.library.interfaces import ILibraryCopy
from imio.website.content.procedure.content import IProcedure
from imio.commune.library.subscription import selected
from persistent.mapping import PersistentMapping
from plone import api
from zope.annotation.interfaces import IAnnotations

import time
import transaction


CURSOR_KEY = "imio.commune.library.cursor"
FOLDER = "demarches"
COUNTS = {
    "created": "créées",
    "updated": "mises à jour",
    "flagged": "à revoir",
    "withdrawn": "retirées",
}
RESULT = "résultat"


def subscription_of(site) -> dict | None:
    """The site's ``library`` answers, None when it has not subscribed."""
    return (stored_answers(site) or {}).get("library")


def new_row(site) -> dict:
    return {"site": site.getId(), **dict.fromkeys(COUNTS.values(), 0), RESULT: ""}


def sync_site(site, *, opener=None, clock=None) -> dict:
    """Pull the library's changes into the site's copies; the summary row.

    ``opener(request, timeout=...)`` opens a URL (urllib's urlopen by
    default); ``clock.sleep(seconds)`` waits between attempts (``time``).
    Nothing is written when the pull fails or when nothing is new.
    """
    row = new_row(site)
    try:
        subscription = subscription_of(site)
        if not subscription:
            raise SyncError(
                "le site n'est abonné à aucune bibliothèque (clé library du profil)."
            )
        language = stored_answers(site)["default_language"]
        feed = Feed(subscription, language, opener, clock or time)
        known = sync_state(site, subscription["url"], language)
        pull = feed.pull(known.get("cursor"), known.get("etag"))
    except SyncError as exc:
        row[RESULT] = f"échec : {exc}"
        return row
    if pull is None:
        row[RESULT] = "inchangé"
        return row
    savepoint = transaction.savepoint()
    try:
        with api.env.adopt_roles(["Manager"]):
            apply_changes(site, subscription, language, pull["changes"], row)
        keep_state(site, subscription["url"], language, pull, known)
    except Exception as exc:  # a copy that cannot be written: the site stays
        savepoint.rollback()
        row.update(dict.fromkeys(COUNTS.values(), 0))
        message = " ".join(str(exc).split())
        if not isinstance(exc, SyncError):
            message = f"une copie n'a pas pu être écrite ({message})."
        row[RESULT] = f"échec : {message}"
        return row
    changed = any(row[column] for column in COUNTS.values())
    row[RESULT] = "synchronisé" if changed else "inchangé"
    return row


def sync_state(site, url: str, language: str) -> dict:
    """The cursor and ETag of the last pull from this library, in this language."""
    state = IAnnotations(site).get(CURSOR_KEY)
    if not state or state.get("url") != url or state.get("language") != language:
        return {}
    return dict(state)


def keep_state(site, url: str, language: str, pull: dict, known: dict) -> None:
    """Remember where the pull ended; written only when it changed."""
    state = {
        "url": url,
        "language": language,
        "cursor": pull["cursor"],
        "etag": pull["etag"],
    }
    if state != known:
        IAnnotations(site)[CURSOR_KEY] = PersistentMapping(state)


def apply_changes(site, subscription, language, changes, row) -> None:
    folder = site.get(FOLDER)
    if folder is None:
        raise SyncError(f"le site n'a pas de rubrique {FOLDER} pour les copies.")
    copies = copies_by_key(
        site, {entry["key"] for entry in changes if entry.get("key")}
    )
    for entry in changes:
        if entry.get("language", language) != language or not entry.get("key"):
            continue
        copy = copies.get(entry["key"])
        if copy is not None and (
            entry.get("withdrawn") or selected(subscription["sheets"], entry)
        ):
            outcome = apply_entry(copy, entry)
        elif copy is None and not entry.get("withdrawn"):
            if not selected(subscription["sheets"], entry):
                continue
            local = own_procedure(folder, entry["key"])
            if local is not None:
                # The commune wrote it itself: that page becomes the copy.
                outcome = adopt_procedure(local, entry)
                copies[entry["key"]] = local
            else:
                copies[entry["key"]] = create_copy(folder, entry)
                outcome = "created"
        else:
            # Out of the selection: the copy stays as it is, never deleted.
            continue
        if outcome in COUNTS:
            row[COUNTS[outcome]] += 1


def own_procedure(folder, key: str):
    """The commune's own procedure named as the sheet, if there is one."""
    obj = folder.get(key)
    if obj is None or not IProcedure.providedBy(obj) or ILibraryCopy.providedBy(obj):
        return None
    return obj


def copies_by_key(site, keys: set | None = None) -> dict:
    """The site's copies of library sheets, by the sheet's key.

    With ``keys``, only the copies whose id may be one of theirs (``key`` or
    ``key-2``...) are woken, as long as each key is found that way: an
    incremental sync of one sheet reads one copy, not all of them. A key not
    found (a new sheet, a copy an editor renamed) reads them all.
    """
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        object_provides=ILibraryCopy.__identifier__
    )
    if keys is not None:
        copies = copies_of(
            brain for brain in brains if possible_keys(brain.getId) & keys
        )
        if keys <= copies.keys():
            return copies
    return copies_of(brains)


def possible_keys(copy_id: str) -> set:
    """The keys a copy's id may stand for: itself, or ``key`` for ``key-2``."""
    base, _, number = copy_id.rpartition("-")
    return {copy_id, base} if number.isdigit() else {copy_id}


def copies_of(brains) -> dict:
    copies = {}
    for brain in brains:
        obj = brain._unrestrictedGetObject()
        state = copy_state(obj)
        if state is not None:
            copies[state["key"]] = obj
    return copies


class Feed(FeedClient):
    """The library's change feed for one language."""

    def __init__(self, subscription: dict, language: str, opener, clock):
        super().__init__(
            subscription["url"],
            "@library-changes",
            {"language": language},
            subscription["timeout"],
            opener,
            clock,
            what="la bibliothèque",
        )
        self.language = language
