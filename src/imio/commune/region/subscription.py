"""A commune's part in a regional agenda: the profile's ``region`` key.

::

    region:
      url: https://agenda.example.be/region   # the regional site
      timeout: 10                             # seconds per request, 10 by default
      radius_km: 15                           # also the events within 15 km
      centre: {latitude: 50.46, longitude: 4.87}  # else the administration's

"Autour de chez vous" lists the events of the other communes of the
arrondissement and, with ``radius_km``, those whose place lies within that
distance of the commune's centre: ``centre``, or else the position of the
administration's service page.

A commune with this key publishes its events and news at ``@region-changes``
for the regional site, and shows its neighbours' events on its home page.
"""

from imio.commune.library.subscription import check_timeout
from imio.commune.library.subscription import SubscriptionError
from urllib.parse import urlsplit


DEFAULT_TIMEOUT = 10
FIELDS = {"url", "timeout", "radius_km", "centre"}
MAX_RADIUS_KM = 50
# Belgium, with a margin: a centre outside is a typing mistake.
LATITUDES = (49.4, 51.6)
LONGITUDES = (2.4, 6.5)


def check_region(region) -> dict:
    """The ``region`` key with its defaults, or SubscriptionError (French)."""
    if not isinstance(region, dict):
        raise SubscriptionError("region", "doit donner url, et éventuellement timeout.")
    unknown = sorted(set(region) - FIELDS)
    if unknown:
        raise SubscriptionError(
            f"region.{unknown[0]}",
            "clé inconnue ; les clés possibles sont url, timeout, radius_km et centre.",
        )
    url = region.get("url")
    parts = urlsplit(url) if isinstance(url, str) else None
    if not parts or parts.scheme not in ("http", "https") or not parts.hostname:
        raise SubscriptionError(
            "region.url",
            "l'adresse du site de l'agenda régional est requise, en http:// ou "
            "https:// (par exemple https://agenda.example.be/region).",
        )
    if parts.query or parts.fragment:
        raise SubscriptionError(
            "region.url", "l'adresse du site ne prend ni paramètres ni ancre."
        )
    try:
        timeout = check_timeout(region.get("timeout", DEFAULT_TIMEOUT))
    except SubscriptionError as exc:
        raise SubscriptionError("region.timeout", str(exc)) from exc
    checked = {"url": url.rstrip("/"), "timeout": timeout}
    if "radius_km" in region:
        checked["radius_km"] = check_radius(region["radius_km"])
    if "centre" in region:
        if "radius_km" not in region:
            raise SubscriptionError(
                "region.centre", "ne sert qu'avec radius_km, le rayon en km."
            )
        checked["centre"] = check_centre(region["centre"])
    return checked


def check_radius(radius) -> int:
    if type(radius) is not int or not 1 <= radius <= MAX_RADIUS_KM:
        raise SubscriptionError(
            "region.radius_km",
            f"le rayon est un nombre entier de kilomètres, de 1 à {MAX_RADIUS_KM}.",
        )
    return radius


def check_centre(centre) -> dict:
    numbers = (int, float)
    if (
        not isinstance(centre, dict)
        or set(centre) != {"latitude", "longitude"}
        or not all(
            isinstance(centre[name], numbers) and not isinstance(centre[name], bool)
            for name in centre
        )
    ):
        raise SubscriptionError(
            "region.centre",
            "donnez latitude et longitude en degrés décimaux "
            "(par exemple {latitude: 50.4646, longitude: 4.8665}).",
        )
    if not (
        LATITUDES[0] <= centre["latitude"] <= LATITUDES[1]
        and LONGITUDES[0] <= centre["longitude"] <= LONGITUDES[1]
    ):
        raise SubscriptionError(
            "region.centre",
            "ce point n'est pas en Belgique : la latitude vient d'abord, puis "
            "la longitude.",
        )
    return {"latitude": centre["latitude"], "longitude": centre["longitude"]}


def region_of(site) -> dict | None:
    """The site's completed ``region`` answers, None when it takes no part."""
    from imio.commune.answers import stored_answers

    region = (stored_answers(site) or {}).get("region")
    return dict(region) if region else None
