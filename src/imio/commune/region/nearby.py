"""The "Autour de chez vous" list: the coming events of a commune's neighbours.

A commune site with a ``region`` key keeps, in its own annotation, the list
that its regional site answers at ``@region-nearby`` for its REFNIS code: the
events of the other communes of its arrondissement. The list is refreshed by
the region sync (``refresh_nearby``), never while a page is rendered: a
regional site that does not answer costs freshness, never a page.
"""

from imio.commune.answers import stored_answers
from imio.commune.library.sync import ATTEMPTS
from imio.commune.library.sync import backoff
from imio.commune.library.sync import unreachable
from imio.commune.region.subscription import region_of
from imio.commune.region.site import shown_anew
from imio.website.browser.home import ADMINISTRATION
from zope.annotation.interfaces import IAnnotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request


NEARBY_KEY = "imio.commune.region.nearby"
LIMIT = 6
DEFAULT_TIMEOUT = 10
EVENTS = "événements"
RESULT = "résultat"
USER_AGENT = "imio-commune-region"
TEXT_FIELDS = ("title", "url", "start", "end", "location")


class NearbyError(Exception):
    """The list cannot be read; the message is one French line."""


def nearby_events(site) -> list[dict]:
    """The stored list, as the regional site last gave it."""
    return [dict(item) for item in IAnnotations(site).get(NEARBY_KEY, ())]


def nearby_url(region: dict, refnis: str, centre: dict | None = None) -> str:
    parameters = {"refnis": refnis, "limit": LIMIT}
    if centre and region.get("radius_km"):
        parameters.update(
            lat=centre["latitude"], lon=centre["longitude"], km=region["radius_km"]
        )
    query = urllib.parse.urlencode(parameters)
    return f"{region['url'].rstrip('/')}/@region-nearby?{query}"


def commune_centre(site, region: dict) -> dict | None:
    """The profile's centre, or the position of the administration's page."""
    if region.get("centre"):
        return region["centre"]
    service = site
    for name in ADMINISTRATION:
        service = service.get(name) if hasattr(service, "get") else None
    latitude = getattr(service, "latitude", None)
    longitude = getattr(service, "longitude", None)
    if latitude is None or longitude is None:
        return None
    return {"latitude": latitude, "longitude": longitude}


def fetch_json(url: str, timeout: float, opener, clock) -> object:
    """The JSON at ``url``; three attempts with a pause, French errors."""
    request = urllib.request.Request(  # noqa: S310 (http(s), checked in answers)
        url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
    )
    problem = ""
    pauses = backoff()
    for attempt in range(ATTEMPTS):
        if attempt:
            clock.sleep(pauses[attempt - 1])
        try:
            with opener(request, timeout=timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                raise NearbyError(
                    f"le site régional refuse la requête ({exc.code} {exc.reason})."
                ) from exc
            problem = f"erreur {exc.code}"
            continue
        except TimeoutError:
            problem = f"pas de réponse en {timeout} s"
            continue
        except urllib.error.URLError as exc:
            problem = unreachable(exc.reason)
            continue
        except (OSError, http.client.HTTPException) as exc:
            problem = unreachable(exc)
            continue
        try:
            return json.loads(body)
        except ValueError as exc:
            raise NearbyError(
                f"la réponse de {url} n'est pas du JSON ; vérifiez l'adresse "
                "region.url du profil."
            ) from exc
    raise NearbyError(
        f"site régional injoignable à {url} après {ATTEMPTS} essais ({problem})."
    )


def checked_items(answer) -> list[dict]:
    """The events of the answer, only the fields the home page shows."""
    if not isinstance(answer, dict) or not isinstance(answer.get("items"), list):
        raise NearbyError(
            "la réponse du site régional n'est pas une liste d'événements ; "
            "vérifiez l'adresse region.url du profil."
        )
    items = []
    for entry in answer["items"]:
        if not isinstance(entry, dict):
            continue
        item = {name: str(entry.get(name) or "") for name in TEXT_FIELDS}
        if not item["title"] or not item["url"].startswith(("http://", "https://")):
            continue
        item["whole_day"] = bool(entry.get("whole_day"))
        item["communes"] = [
            {"title": str(commune.get("title") or ""), "url": str(commune.get("url"))}
            for commune in entry.get("communes") or ()
            if isinstance(commune, dict)
        ]
        items.append(item)
    return items


def refresh_nearby(site, opener=None, clock=None) -> dict:
    """Read the neighbours' events from the regional site; the summary row.

    ``opener(request, timeout=...)`` opens a URL (urllib's urlopen by
    default), ``clock.sleep(seconds)`` waits between attempts (``time``).
    The list is written only when it changed (and the pages cached for
    visitors renewed then); on failure it stays.
    """
    row = {"site": site.getId(), EVENTS: len(nearby_events(site)), RESULT: ""}
    region = region_of(site)
    if not region:
        row[RESULT] = (
            "échec : le site ne participe à aucun agenda régional "
            "(clé region du profil)."
        )
        return row
    refnis = stored_answers(site).get("refnis", "")
    centre = commune_centre(site, region) if region.get("radius_km") else None
    url = nearby_url(region, refnis, centre)
    timeout = region.get("timeout") or DEFAULT_TIMEOUT
    try:
        items = checked_items(
            fetch_json(url, timeout, opener or urllib.request.urlopen, clock or time)
        )
    except NearbyError as exc:
        row[RESULT] = f"échec : {exc}"
        return row
    row[EVENTS] = len(items)
    if items == nearby_events(site):
        row[RESULT] = "inchangé"
    else:
        IAnnotations(site)[NEARBY_KEY] = tuple(items)
        # The home page shows the list: no page cached for visitors (in the
        # instance or a caching proxy) may keep the old one.
        shown_anew(site)
        row[RESULT] = "mis à jour"
    if region.get("radius_km") and centre is None:
        row[RESULT] += (
            " (rayon ignoré : la page services/administration est sans position ; "
            "donnez-lui latitude et longitude, ou region.centre au profil)"
        )
    return row
