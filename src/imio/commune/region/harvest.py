"""The regional site's harvest of its communes' change feeds.

Each source (a commune site) is read with the procedure library's feed client
(cursor, pages, ETag and 304, timeouts, three attempts): the whole pull of a
source is read before anything of it is written, so that a commune that fails
midway leaves its items as they were, and the next harvest starts from the
same cursor. One source failing never stops the others. Dates already over
leave the agenda at each harvest.
"""

from datetime import datetime
from datetime import UTC
from imio.commune.answers import stored_answers
from imio.commune.feeds import FeedClient
from imio.commune.feeds import SyncError
from imio.commune.region.store import drop_past
from imio.commune.region.site import shown_anew
from imio.commune.region.store import store_entries
from persistent.mapping import PersistentMapping
from plone import api
from zope.annotation.interfaces import IAnnotations

import time
import transaction


CURSORS_KEY = "imio.commune.region.cursors"
COUNTS = {
    "created": "créés",
    "updated": "mis à jour",
    "withdrawn": "retirés",
}
REFUSED = "refusés"
RESULT = "résultat"
DETAIL = "détail"


def new_row(site, source: str) -> dict:
    return {
        "site": site.getId(),
        "source": source,
        **dict.fromkeys(COUNTS.values(), 0),
        REFUSED: 0,
        RESULT: "",
        DETAIL: [],
    }


def harvest_site(site, *, opener=None, clock=None, now=None) -> list[dict]:
    """Pull every source's changes into the regional store; a row per source."""
    answers = stored_answers(site) or {}
    now = now or datetime.now(UTC)
    rows = []
    cursors = IAnnotations(site).get(CURSORS_KEY) or {}
    for source in answers.get("sources", []):
        rows.append(
            harvest_source(
                site, source, answers, cursors.get(source) or {}, opener, clock, now
            )
        )
    with api.env.adopt_roles(["Manager"]):
        dropped = drop_past(site, now)
    if dropped or any(row[RESULT] == "récolté" for row in rows):
        shown_anew(site)
    if dropped and not any(row[RESULT] == "récolté" for row in rows):
        for row in rows:
            if row[RESULT] == "inchangé":
                row[RESULT] = "dates passées retirées"
                break
    return rows


def harvest_source(site, source, answers, known, opener, clock, now) -> dict:
    row = new_row(site, source)
    feed = FeedClient(
        source,
        "@region-changes",
        timeout=answers.get("timeout", 10),
        opener=opener,
        clock=clock or time,
        what="la commune",
    )
    try:
        pull = feed.pull(known.get("cursor"), known.get("etag"))
    except SyncError as exc:
        row[RESULT] = f"échec : {exc}"
        return row
    if pull is None:
        row[RESULT] = "inchangé"
        return row
    savepoint = transaction.savepoint()
    try:
        commune = pull.get("commune") or {}
        counts = store_entries(site, commune, pull["changes"], now)
        keep_cursor(site, source, pull, known)
    except Exception as exc:  # an item that cannot be stored: the source stays
        savepoint.rollback()
        message = " ".join(str(exc).split())
        row[RESULT] = f"échec : un élément n'a pas pu être enregistré ({message})."
        return row
    for name, column in COUNTS.items():
        row[column] = counts[name]
    row[REFUSED] = len(counts["refused"])
    row[DETAIL] = [f"{title} : {reason}" for title, reason in counts["refused"]]
    changed = any(counts[name] for name in COUNTS) or counts["refused"]
    row[RESULT] = "récolté" if changed else "inchangé"
    return row


def keep_cursor(site, source: str, pull: dict, known: dict) -> None:
    state = {"cursor": pull["cursor"], "etag": pull["etag"]}
    if state == known:
        return
    annotations = IAnnotations(site)
    cursors = annotations.get(CURSORS_KEY)
    if cursors is None:
        cursors = annotations[CURSORS_KEY] = PersistentMapping()
    cursors[source] = state
