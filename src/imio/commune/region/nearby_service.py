"""``GET {region}/@region-nearby?refnis=…``: a commune's neighbouring events.

The coming events (the next DAYS days) of the other communes of the asking
commune's administrative arrondissement, without those it publishes itself:
what its home page shows under "Autour de chez vous". With ``lat``, ``lon``
(the commune's centre) and ``km``, also the events whose place lies within
that distance, whatever their arrondissement.
"""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from imio.belgium import arrondissement_refnis
from imio.belgium import get_commune
from imio.belgium import InvalidInput
from plone.restapi.services import Service

import math


DAYS = 60
DEFAULT_LIMIT = 6
MAX_LIMIT = 50
MAX_KM = 50
EARTH_RADIUS_KM = 6371.0


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


def number(value, name: str, low: float, high: float) -> float:
    try:
        found = float(value)
    except (TypeError, ValueError):
        found = None
    if found is None or not low <= found <= high:
        raise NearbyRequestError(f"{name} doit être un nombre de {low:g} à {high:g}.")
    return found


def asked_circle(form) -> tuple[float, float, float] | None:
    """The centre (latitude, longitude) and radius in km, or None."""
    given = [form.get(name) not in (None, "") for name in ("lat", "lon", "km")]
    if not any(given):
        return None
    if not all(given):
        raise NearbyRequestError(
            "lat, lon et km vont ensemble : le centre de la commune et le rayon."
        )
    return (
        number(form.get("lat"), "lat", -90, 90),
        number(form.get("lon"), "lon", -180, 180),
        number(form.get("km"), "km", 1, MAX_KM),
    )


def distance_km(latitude, longitude, other_latitude, other_longitude) -> float:
    """Great-circle distance (haversine), in km."""
    lat1, lon1, lat2, lon2 = map(
        math.radians, (latitude, longitude, other_latitude, other_longitude)
    )
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def within(brain, circle) -> bool:
    if brain.latitude is None or brain.longitude is None:
        return False
    latitude, longitude, km = circle
    return distance_km(latitude, longitude, brain.latitude, brain.longitude) <= km


def nearby_items(
    site, refnis: str, limit: int, now: datetime, circle=None
) -> list[dict]:
    """The first occurrence of each coming event of the neighbours.

    Neighbours: the other communes of the arrondissement and, with
    ``circle`` (latitude, longitude, km), the places within that distance.
    """
    # The store is the harvest's; only a regional site, which has one, asks.
    from imio.commune.region.store import search

    arrondissement = arrondissement_refnis(refnis)
    brains = search(
        site,
        kind="event",
        start_from=now,
        start_to=now + timedelta(days=DAYS),
        # With a radius, every arrondissement may hold a neighbour: the
        # dates come in order and the first ``limit`` are kept.
        arrondissements=() if circle else (arrondissement,),
    )
    items, seen = [], set()
    for brain in brains:
        communes = list(brain.communes or ())
        if brain.item in seen or any(c["refnis"] == refnis for c in communes):
            continue
        if circle and not (
            arrondissement in (brain.arrondissements or ()) or within(brain, circle)
        ):
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
            circle = asked_circle(self.request.form)
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
                self.context, commune.refnis, limit, datetime.now(UTC), circle
            ),
        }
