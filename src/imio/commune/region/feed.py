"""``GET {commune}/@region-changes``: the commune's events and news for its region.

The regional site reads it anonymously, a page at a time, from the cursor it
kept: only the published events and news of the commune site are shown in
full; an item unpublished, moved out of the site or deleted is a withdrawn
entry with its UID alone. Without ``since``, every published item, and no
withdrawn ones. The ETag comes from the change log alone, so that a regional
site up to date costs one annotation read and no catalog search.
"""

from datetime import datetime
from datetime import UTC
from imio.commune.answers import stored_answers
from imio.commune.library.feed import BadParameter
from imio.commune.library.feed import cursor_and_limit
from imio.commune.library.sheets import TAXONOMY_FIELDS
from imio.commune.region.changes import LANE
from imio.commune.region.changes import PORTAL_TYPES
from imio.commune.region.changes import region_log
from imio.commune.region.subscription import region_of
from imio.website.behaviors.event_details import event_place
from plone.event.interfaces import IEventAccessor
from plone.restapi.services import Service
from itertools import islice
from Products.CMFCore.utils import getToolByName

import logging
import re
import unicodedata


logger = logging.getLogger("imio.commune.region")
KINDS = {"Event": "event", "News Item": "news"}
PLACE_FIELDS = ("street", "postal_code", "city", "latitude", "longitude")
# What says "free" in a price, in French, German or English, accents and case
# aside.
FREE = re.compile(
    r"\b(gratuit(e|s|es)?|entree libre|acces libre|libre acces|free|gratis"
    r"|kostenlos|kostenfrei|eintritt frei|freier eintritt|frei)\b"
)
AMOUNT = re.compile(r"\d+(?:[.,]\d+)?")


def plain(text: str) -> str:
    """Lower case, without accents, with single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(letters.split())


def is_free(price, language: str = "fr") -> bool | None:
    """Whether a price says the event is free: True, False, or None (unknown).

    No price, "gratuit", "entrée libre", "kostenlos", "Eintritt frei", "0 €"…
    is free; an amount (digits or €) other than zero is not; anything else is
    not known. ``language`` is the item's, the words of every language count.
    """
    text = plain(price or "")
    if not text:
        return True
    amounts = [float(each.replace(",", ".")) for each in AMOUNT.findall(text)]
    paying = any(amounts) or ("€" in text and not amounts)
    if "€" in text or "eur" in text.split():
        return not paying
    if FREE.search(text):
        return True
    if paying:
        return False
    return None


def iso_utc(value) -> str | None:
    """A Zope DateTime or a datetime in ISO 8601, in UTC."""
    if value is None:
        return None
    if hasattr(value, "asdatetime"):
        value = value.asdatetime()
    if not isinstance(value, datetime) or value.year < 1000:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def text(value) -> str:
    return value if isinstance(value, str) else ""


def image_url(item, url: str) -> str | None:
    image = getattr(item, "image", None)
    if not image or not getattr(image, "size", 0):
        return None
    return f"{url}/@@images/image/preview"


def place_of(item) -> dict | None:
    try:
        place = event_place(item)
    except Exception:
        place = None
    if place is None:
        return None
    found = {"title": text(place.title)}
    for name in PLACE_FIELDS:
        value = getattr(place, name, None)
        if name in ("latitude", "longitude"):
            found[name] = value if isinstance(value, float | int) else None
        else:
            found[name] = text(value)
    return found


def event_fields(item, language: str) -> dict:
    accessor = IEventAccessor(item)
    price = text(getattr(item, "price", None))
    return {
        "start": accessor.start.isoformat() if accessor.start else None,
        "end": accessor.end.isoformat() if accessor.end else None,
        "timezone": accessor.timezone or "",
        "whole_day": bool(accessor.whole_day),
        "open_end": bool(accessor.open_end),
        "recurrence": accessor.recurrence or "",
        "location": text(accessor.location),
        "place": place_of(item),
        "price": price,
        "free": is_free(price, language),
        "reduced_mobility_access": bool(
            getattr(item, "reduced_mobility_access", False)
        ),
    }


def entry(item, brain, default_language: str) -> dict:
    """What the regional agenda shows of a published event or news item."""
    url = brain.getURL()
    language = text(getattr(item, "language", None)) or default_language
    found = {
        "uid": brain.UID,
        "type": KINDS[brain.portal_type],
        "withdrawn": False,
        "url": url,
        "title": text(item.title),
        "description": text(item.description),
        "language": language,
        "modified": iso_utc(item.modified()),
        "effective": iso_utc(getattr(item, "effective_date", None)),
        **{
            name: list(getattr(item, field, None) or ())
            for name, (_taxonomy, field) in TAXONOMY_FIELDS.items()
        },
        "image": image_url(item, url),
    }
    if found["type"] == "event":
        found.update(event_fields(item, language))
    return found


def withdrawn(uid: str) -> dict:
    return {"uid": uid, "withdrawn": True}


class RegionChangesGet(Service):
    """The commune's events and news changed after a cursor, a page at a time."""

    def check_permission(self):
        # Open to anonymous clients like the published items themselves:
        # viewing the site is the check, not "Use REST API".
        return

    def parameters(self) -> tuple[int | None, int]:
        return cursor_and_limit(self.request.form)

    def refuse(self, status: int, message: str) -> dict:
        self.request.response.setStatus(status)
        return {"error": message}

    def reply(self):
        if region_of(self.context) is None:
            return self.refuse(
                404,
                "ce site ne participe à aucun agenda régional : son profil n'a "
                "pas de clé region.",
            )
        try:
            since, limit = self.parameters()
        except BadParameter as exc:
            return self.refuse(400, str(exc))
        log = region_log(self.context)
        last = log.last_of(LANE) if log is not None else 0
        if since is not None and since > (log.last if log is not None else 0):
            return self.refuse(
                400,
                f"le curseur {since} est plus récent que le dernier changement "
                "de la commune : reprenez sans since.",
            )
        response = self.request.response
        etag = f'"{last}-{"" if since is None else since}-{limit}"'
        response.setHeader("ETag", etag)
        response.setHeader("Cache-Control", "max-age=0, must-revalidate")
        if etag in self.request_etags():
            return self.reply_no_content(status=304)
        return self.page(log, since, limit)

    def request_etags(self) -> set[str]:
        header = self.request.getHeader("If-None-Match") or ""
        return {each.strip().removeprefix("W/") for each in header.split(",")}

    def shown(self, brain, uid: str, language: str) -> dict:
        """The item's entry; withdrawn, and logged, when it cannot be read."""
        try:
            return entry(brain._unrestrictedGetObject(), brain, language)
        except Exception:
            logger.exception("@region-changes: %s illisible", brain.getPath())
            return withdrawn(uid)

    def commune(self) -> dict:
        answers = stored_answers(self.context) or {}
        return {
            "refnis": text(answers.get("refnis")),
            "title": text(self.context.title),
            "url": self.context.absolute_url(),
            "language": text(answers.get("default_language")) or "fr",
        }

    def published(self, uids: list[str]) -> dict:
        """The brains of the published items among ``uids``, by UID.

        Published and open to anonymous visitors, whoever asks: the feed is
        the same for the regional site and for a manager trying it.
        """
        if not uids:
            return {}
        catalog = getToolByName(self.context, "portal_catalog")
        root = "/".join(self.context.getPhysicalPath())
        brains = catalog.unrestrictedSearchResults(
            UID=uids,
            portal_type=PORTAL_TYPES,
            review_state="published",
            allowedRolesAndUsers="Anonymous",
            path=root,
        )
        # An item pasted into another site may leave its entry here: only
        # what lies in this site counts.
        return {
            brain.UID: brain
            for brain in brains
            if brain.getPath().startswith(f"{root}/")
        }

    def page(self, log, since: int | None, limit: int) -> dict:
        commune = self.commune()
        changes, cursor, more = [], since or 0, False
        pending = log.since(LANE, since or 0) if log is not None else iter(())
        # A chunk of the log at a time, one catalog search for its UIDs.
        while not more:
            chunk = list(islice(pending, limit))
            if not chunk:
                break
            published = self.published([uid for _sequence, uid in chunk])
            for sequence, uid in chunk:
                brain = published.get(uid)
                if brain is None and since is None:
                    # A first pull: what is not published was never seen.
                    cursor = sequence
                    continue
                if len(changes) == limit:
                    more = True
                    break
                cursor = sequence
                changes.append(
                    withdrawn(uid)
                    if brain is None
                    else self.shown(brain, uid, commune["language"])
                )
            if len(changes) == limit and not more:
                more = next(pending, None) is not None
        return {
            "cursor": str(cursor),
            "more": more,
            "commune": commune,
            "changes": changes,
        }
