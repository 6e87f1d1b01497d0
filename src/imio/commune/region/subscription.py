"""A commune's part in a regional agenda: the profile's ``region`` key.

::

    region:
      url: https://agenda.example.be/region   # the regional site
      timeout: 10                             # seconds per request, 10 by default

A commune with this key publishes its events and news at ``@region-changes``
for the regional site, and shows its neighbours' events on its home page.
"""

from imio.commune.library.subscription import check_timeout
from imio.commune.library.subscription import SubscriptionError
from urllib.parse import urlsplit


DEFAULT_TIMEOUT = 10
FIELDS = {"url", "timeout"}


def check_region(region) -> dict:
    """The ``region`` key with its defaults, or SubscriptionError (French)."""
    if not isinstance(region, dict):
        raise SubscriptionError("region", "doit donner url, et éventuellement timeout.")
    unknown = sorted(set(region) - FIELDS)
    if unknown:
        raise SubscriptionError(
            f"region.{unknown[0]}",
            "clé inconnue ; les clés possibles sont url et timeout.",
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
    return {"url": url.rstrip("/"), "timeout": timeout}


def region_of(site) -> dict | None:
    """The site's completed ``region`` answers, None when it takes no part."""
    from imio.commune.answers import stored_answers

    region = (stored_answers(site) or {}).get("region")
    return dict(region) if region else None
