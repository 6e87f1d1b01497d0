"""A client of the change feeds the sites publish: pages, cursor, ETag and retries.

The library's ``@library-changes`` (read by the communes) and the communes'
``@region-changes`` (read by the regional agenda) answer alike: JSON pages
with a cursor, ``more`` for the next page, an ETag and 304 when nothing is
new. ``FeedClient`` reads one of them over HTTP with a timeout and three
attempts; every error it raises is one French line.
"""

import http.client
import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request


ATTEMPTS = 3
# Seconds to wait before the second and the third attempt; an operator may
# set others in IMIO_LIBRARY_RETRY_SECONDS ("2 5").
BACKOFF = (2.0, 5.0)
PAGE_LIMIT = 200
# A feed that keeps saying "more" past this many pages is broken.
MAX_PAGES = 1000
USER_AGENT = "imio-commune-sync"


class SyncError(Exception):
    """The feed cannot be read; the message is one French line."""


class Refused(SyncError):
    """The source refused a request (4xx): retrying it would not help."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


NOUNS = {
    "la bibliothèque": ("d'une bibliothèque", "library.url"),
    "la commune": ("d'une commune", "sources"),
}


class FeedClient:
    """One site's change feed, read over HTTP.

    ``what`` names the source in messages, with its article ("la
    bibliothèque", "la commune"); ``kind`` and ``setting`` (the profile key
    holding its address) follow from it unless given.
    """

    def __init__(
        self,
        url: str,
        path: str,
        params: dict | None = None,
        timeout: float = 10,
        opener=None,
        clock=None,
        what: str = "la bibliothèque",
        kind: str | None = None,
        setting: str | None = None,
    ):
        self.url = url.rstrip("/")
        self.path = path
        self.params = dict(params or {})
        self.timeout = timeout
        self.opener = opener or urllib.request.urlopen
        self.clock = clock
        self.noun = what
        default_kind, default_setting = NOUNS.get(what, ("", "url"))
        self.kind = kind or default_kind
        self.setting = setting or default_setting

    def page_url(self, since: str | None) -> str:
        query = {**self.params, "limit": PAGE_LIMIT}
        if since is not None:
            query["since"] = since
        return f"{self.url}/{self.path}?{urllib.parse.urlencode(query)}"

    def pull(self, cursor: str | None, etag: str | None) -> dict | None:
        """Every change after the cursor; None when the source has nothing new.

        A cursor the source refuses (a site restored from an older backup
        does not know it) starts again from every published item.
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


def refusal(url: str, error, noun: str = "la bibliothèque") -> str:
    """A 4xx of the source, with its own French explanation when it gives one."""
    try:
        detail = json.loads(error.read())["error"]
    except Exception:  # any body that is not the feed's JSON error
        detail = error.reason
    return f"{noun} {url} refuse la requête ({error.code} : {detail})."


def checked_page(
    url: str,
    body: bytes,
    kind: str = "d'une bibliothèque",
    setting: str = "library.url",
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
