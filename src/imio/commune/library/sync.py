"""The sync: a commune's copies brought in line with the library's change feed.

The whole pull (every page of the feed) is read before anything is written:
a library that does not answer leaves the commune as it was. The cursor and
the ETag are kept in the site's annotation once the changes are applied;
a feed with nothing new (304, or no change) writes nothing at all.
"""

from imio.commune.answers import stored_answers
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

import http.client
import json
import os
import socket
import time
import transaction
import urllib.error
import urllib.parse
import urllib.request


CURSOR_KEY = "imio.commune.library.cursor"
FOLDER = "demarches"
ATTEMPTS = 3
# Seconds to wait before the second and the third attempt; an operator may
# set others in IMIO_LIBRARY_RETRY_SECONDS ("2 5").
BACKOFF = (2.0, 5.0)
PAGE_LIMIT = 200
# A feed that keeps saying "more" past this many pages is broken.
MAX_PAGES = 1000
COUNTS = {
    "created": "créées",
    "updated": "mises à jour",
    "flagged": "à revoir",
    "withdrawn": "retirées",
}
RESULT = "résultat"
USER_AGENT = "imio-commune-sync"


class SyncError(Exception):
    """The sync cannot go on; the message is one French line."""


class Refused(SyncError):
    """The library refused a request (4xx): retrying it would not help."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


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


class Feed:
    """The library's change feed for one language, read over HTTP.

    The regional agenda reads the communes' feeds with the same client
    (``imio.commune.region.harvest``): ``path``, ``noun`` (the source in
    messages, with its article) and ``setting`` (where its address is set)
    say whose feed it is.
    """

    path = "@library-changes"
    noun = "la bibliothèque"
    kind = "d'une bibliothèque"
    setting = "library.url"

    def __init__(self, subscription: dict, language: str, opener, clock):
        self.url = subscription["url"]
        self.timeout = subscription["timeout"]
        self.language = language
        self.opener = opener or urllib.request.urlopen
        self.clock = clock

    def page_url(self, since: str | None) -> str:
        query = {"language": self.language, "limit": PAGE_LIMIT}
        if since is not None:
            query["since"] = since
        return f"{self.url}/{self.path}?{urllib.parse.urlencode(query)}"

    def pull(self, cursor: str | None, etag: str | None) -> dict | None:
        """Every change after the cursor; None when the library has nothing new.

        A cursor the library refuses (a library restored from an older backup
        does not know it) starts again from every published sheet.
        """
        try:
            return self.pull_from(cursor, etag)
        except Refused as exc:
            if cursor is None or exc.status != 400:
                raise
            return self.pull_from(None, None)

    def pull_from(self, cursor: str | None, etag: str | None) -> dict | None:
        """The changes after the cursor, page by page.

        Pages are read until one brings no change, so that the ETag kept is
        that of the next pull's first request: a later pull with nothing new
        costs one 304.
        """
        changes, source = [], None
        for _page in range(MAX_PAGES):
            answer = self.get(self.page_url(cursor), etag)
            if answer is None:
                if not changes:
                    return None
                break
            page, etag = answer
            # What a commune's feed says of itself (the library says nothing).
            source = page.get("commune", source)
            if not page["changes"] and not page["more"]:
                if not changes and page["cursor"] == cursor:
                    return None
                cursor = page["cursor"]
                break
            if page["more"] and page["cursor"] == cursor:
                raise SyncError(
                    f"le flux de {self.url} n'avance pas (curseur {cursor})."
                )
            changes.extend(page["changes"])
            cursor = page["cursor"]
            # The ETag of a page with changes is not that of the next request.
            etag = None
        else:
            raise SyncError(f"le flux de {self.url} ne finit pas ({MAX_PAGES} pages).")
        return {"changes": changes, "cursor": cursor, "etag": etag, "commune": source}

    def get(self, url: str, etag: str | None) -> tuple[dict, str | None] | None:
        """The page and its ETag, None for 304; three attempts with a pause."""
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if etag:
            headers["If-None-Match"] = etag
        problem = ""
        pauses = backoff()
        for attempt in range(ATTEMPTS):
            if attempt:
                self.clock.sleep(pauses[attempt - 1])
            try:
                request = urllib.request.Request(url, headers=headers)  # noqa: S310
                return self.read(request)
            except urllib.error.HTTPError as exc:
                if exc.code == 304:
                    return None
                if exc.code < 500:
                    raise Refused(refusal(self.url, exc, self.noun), exc.code) from exc
                problem = f"erreur {exc.code}"
            except TimeoutError:
                problem = f"pas de réponse en {self.timeout} s"
            except urllib.error.URLError as exc:
                problem = unreachable(exc.reason)
            except (OSError, http.client.HTTPException) as exc:
                problem = unreachable(exc)
        raise SyncError(
            f"{self.noun.split()[-1]} injoignable à {self.url} après {ATTEMPTS} essais "
            f"({problem})."
        )

    def read(self, request) -> tuple[dict, str | None] | None:
        with self.opener(request, timeout=self.timeout) as response:
            if response.status == 304:
                return None
            body = response.read()
            etag = response.headers.get("ETag")
        return checked_page(self.url, body, self.kind, self.setting), etag


def backoff() -> tuple[float, ...]:
    """The pauses between attempts: IMIO_LIBRARY_RETRY_SECONDS, else BACKOFF."""
    try:
        pauses = tuple(
            float(each) for each in os.environ["IMIO_LIBRARY_RETRY_SECONDS"].split()
        )
    except (KeyError, ValueError):
        return BACKOFF
    if len(pauses) != ATTEMPTS - 1 or any(not 0 <= each <= 60 for each in pauses):
        return BACKOFF
    return pauses


def unreachable(reason) -> str:
    if isinstance(reason, TimeoutError | socket.timeout):
        return "pas de réponse dans le délai"
    return getattr(reason, "strerror", None) or " ".join(str(reason).split())


def refusal(url: str, error, noun: str = Feed.noun) -> str:
    """A 4xx of the library, with its own French explanation when it gives one."""
    try:
        detail = json.loads(error.read())["error"]
    except Exception:  # any body that is not the feed's JSON error
        detail = error.reason
    return f"{noun} {url} refuse la requête ({error.code} : {detail})."


def checked_page(
    url: str, body: bytes, kind: str = Feed.kind, setting: str = Feed.setting
) -> dict:
    """The feed's page, or SyncError when the answer is not one."""
    try:
        page = json.loads(body)
    except ValueError as exc:
        raise SyncError(
            f"la réponse de {url} n'est pas le flux {kind} "
            f"(JSON illisible) ; vérifiez l'adresse {setting} du profil."
        ) from exc
    if (
        not isinstance(page, dict)
        or not isinstance(page.get("cursor"), str)
        or not isinstance(page.get("changes"), list)
        or not all(isinstance(entry, dict) for entry in page["changes"])
    ):
        raise SyncError(
            f"la réponse de {url} n'est pas le flux {kind} ; "
            f"vérifiez l'adresse {setting} du profil."
        )
    page["more"] = bool(page.get("more"))
    return page
