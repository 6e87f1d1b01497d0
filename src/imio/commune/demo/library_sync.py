"""``make start``: once the instance answers, the demo takes the library's sheets.

The demo commune subscribes to the library served by the same instance
(profiles/demo.yaml); ``POST /demo/@library-sync`` with the administrator's
password from var/admin-password copies its new sheets. Whatever happens is
one French line: a failed sync never stops the start.
"""

from pathlib import Path

import base64
import json
import urllib.error
import urllib.request


ANSWER_SECONDS = 600
SYNC_SECONDS = 300


def summary(row: dict) -> str:
    """The sync's row in words."""
    result = row.get("résultat", "")
    if result.startswith("échec"):
        reason = result.removeprefix("échec").lstrip(" :")
        return f"échec de la synchronisation de /{row.get('site', 'demo')} : {reason}"
    return (
        f"{row.get('créées', 0)} fiches copiées, {row.get('mises à jour', 0)} "
        f"mises à jour, {row.get('à revoir', 0)} à revoir, "
        f"{row.get('retirées', 0)} retirées ({result})."
    )


def sync_request(site_url: str, user: str, password: str) -> urllib.request.Request:
    credentials = base64.b64encode(f"{user}:{password}".encode()).decode()
    return urllib.request.Request(  # noqa: S310 (the instance's own address)
        f"{site_url}/@library-sync",
        method="POST",
        headers={"Accept": "application/json", "Authorization": f"Basic {credentials}"},
    )


def sync_demo(site_url: str, var: Path, user: str) -> str:
    """The line that says what the sync did, or why it failed."""
    try:
        password = (var / "admin-password").read_text().strip()
        request = sync_request(site_url, user, password)
        try:
            opened = urllib.request.urlopen(request, timeout=SYNC_SECONDS)  # noqa: S310
            with opened as response:
                row = json.load(response)
        except urllib.error.HTTPError as exc:
            if exc.code != 502:
                raise
            row = json.load(exc)
    except urllib.error.HTTPError as exc:
        return (
            "  Bibliothèque des démarches : synchronisation refusée "
            f"({exc.code} {exc.reason}) ; voir var/admin-password et ADMIN_USER."
        )
    except (OSError, ValueError) as exc:
        message = " ".join(str(exc).split())
        return f"  Bibliothèque des démarches : synchronisation impossible ({message})."
    return f"  Bibliothèque des démarches : {summary(row)}"
