"""A commune's subscription to the library: the profile's ``library`` key.

::

    library:
      url: https://bibliotheque.example.be/bibliotheque   # the library site
      sheets: all                     # or {topics: [...]} or [key, ...]
      timeout: 10                     # seconds per request, 10 by default

The language taken is the commune's ``default_language``.
"""

from urllib.parse import urlsplit

import re


KEY = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
DEFAULT_TIMEOUT = 10
MAX_TIMEOUT = 120
FIELDS = {"url", "sheets", "timeout"}


class SubscriptionError(ValueError):
    """A ``library`` key that cannot be used: the field and why, in French."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def check_subscription(library) -> dict:
    """The subscription with its defaults, or SubscriptionError."""
    if not isinstance(library, dict):
        raise SubscriptionError(
            "library", "doit donner url, et éventuellement sheets et timeout."
        )
    unknown = sorted(set(library) - FIELDS)
    if unknown:
        raise SubscriptionError(
            f"library.{unknown[0]}",
            "clé inconnue ; les clés possibles sont url, sheets et timeout.",
        )
    return {
        "url": check_url(library.get("url")),
        "sheets": check_sheets(library.get("sheets", "all")),
        "timeout": check_timeout(library.get("timeout", DEFAULT_TIMEOUT)),
    }


def check_url(url) -> str:
    parts = urlsplit(url) if isinstance(url, str) else None
    if not parts or parts.scheme not in ("http", "https") or not parts.hostname:
        raise SubscriptionError(
            "library.url",
            "l'adresse du site de la bibliothèque est requise, en http:// ou "
            "https:// (par exemple https://bibliotheque.example.be/bibliotheque).",
        )
    if parts.query or parts.fragment:
        raise SubscriptionError(
            "library.url", "l'adresse du site ne prend ni paramètres ni ancre."
        )
    return url.rstrip("/")


def check_sheets(sheets):
    if sheets == "all":
        return "all"
    if isinstance(sheets, dict):
        if set(sheets) != {"topics"}:
            raise SubscriptionError(
                "library.sheets",
                "une sélection par thèmes s'écrit {topics: [thème, ...]}.",
            )
        return {"topics": check_ids("library.sheets.topics", sheets["topics"])}
    if isinstance(sheets, list):
        return check_ids("library.sheets", sheets)
    raise SubscriptionError(
        "library.sheets",
        "all, {topics: [thème, ...]} ou une liste de clés de fiches.",
    )


def check_ids(field: str, ids) -> list[str]:
    if not isinstance(ids, list) or not ids:
        raise SubscriptionError(field, "la liste ne peut pas être vide.")
    for each in ids:
        if not isinstance(each, str) or not KEY.match(each):
            raise SubscriptionError(
                field,
                f"« {each} » n'est pas un identifiant (minuscules, chiffres et "
                "tirets, par exemple carte-identite).",
            )
    if len(set(ids)) != len(ids):
        raise SubscriptionError(field, "contient deux fois le même identifiant.")
    return list(ids)


def check_timeout(timeout) -> int | float:
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not 0 < timeout <= MAX_TIMEOUT
    ):
        raise SubscriptionError(
            "library.timeout",
            f"un nombre de secondes, plus de 0 et au plus {MAX_TIMEOUT}, "
            f"pas « {timeout} ».",
        )
    return timeout


def selected(sheets, entry: dict) -> bool:
    """Whether the subscription takes the entry's sheet."""
    if sheets == "all":
        return True
    if isinstance(sheets, dict):
        return bool(set(sheets["topics"]) & set(entry.get("topics") or ()))
    return entry.get("key") in sheets
