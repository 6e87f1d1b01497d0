"""``GET {region}/@region-nearby?refnis=…``: a commune's neighbouring events.

The coming events (the next DAYS days) of the other communes of the asking
commune's administrative arrondissement, without those it publishes itself:
what its home page shows under "Autour de chez vous".
"""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from imio.belgium import arrondissement_refnis
from imio.belgium import get_commune
from imio.belgium import InvalidInput
from plone.restapi.services import Service


DAYS = 60
DEFAULT_LIMIT = 6
MAX_LIMIT = 50


class NearbyRequestError(ValueError):
    """A parameter that makes no answer; the message is one French line."""


def asked_limit(value) -> int:
    if value in (None, ""):
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except (TypeError, ValueError):
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise NearbyRequestError(
            f"limit doit être un nombre entier de 1 à {MAX_LIMIT}."
        )
    return limit


def asked_commune(value):
    if not isinstance(value, str) or not value:
        raise NearbyRequestError("refnis manque : le code INS de la commune.")
    try:
        return get_commune(value)
    except InvalidInput as exc:
        raise NearbyRequestError(f"refnis : {exc}") from exc


def nearby_items(site, refnis: str, limit: int, now: datetime) -> list[dict]:
    """The first occurrence of each coming event of the neighbours."""
    # The store is the harvest's; only a regional site, which has one, asks.
    from imio.commune.region.store import search

    brains = search(
        site,
        kind="event",
        start_from=now,
        start_to=now + timedelta(days=DAYS),
        arrondissements=(arrondissement_refnis(refnis),),
    )
    items, seen = [], set()
    for brain in brains:
        communes = list(brain.communes or ())
        if brain.item in seen or any(c["refnis"] == refnis for c in communes):
            continue
        seen.add(brain.item)
        items.append({
            "title": brain.title,
            "url": brain.url,
            "start": brain.start_local,
            "end": brain.end_local,
            "whole_day": bool(brain.whole_day),
            "location": brain.location or "",
            "communes": [
                {"title": commune["title"], "url": commune["url"]}
                for commune in communes
            ],
        })
        if len(items) == limit:
            break
    return items


class RegionNearbyGet(Service):
    """The neighbours' events of one commune, for its site's home page."""

    def check_permission(self):
        # Open to anonymous clients, as the agenda's pages: viewing the
        # regional site is the check, not "Use REST API".
        return

    def reply(self):
        try:
            commune = asked_commune(self.request.form.get("refnis"))
            limit = asked_limit(self.request.form.get("limit"))
        except NearbyRequestError as exc:
            self.request.response.setStatus(400)
            return {"error": str(exc)}
        return {
            "commune": {
                "refnis": commune.refnis,
                "title": commune.name_fr,
                "arrondissement": commune.arrondissement_refnis,
            },
            "items": nearby_items(
                self.context, commune.refnis, limit, datetime.now(UTC)
            ),
        }
