"""``make start``: after the library's sync, the regional agenda's harvest.

The regional site (profiles/region.yaml) gathers the events and news of the
demo communes of Namur, Gesves and Eupen served by the same instance:
``POST /region/@region-sync`` harvests them, then each commune's
``POST /{commune}/@region-sync`` refreshes its "Autour de chez vous". Each is
one French line; a failure never stops the start.
"""

from imio.commune.demo.library_sync import ANSWER_SECONDS
from imio.commune.demo.library_sync import sync_demo
from pathlib import Path

import base64
import json
import threading
import urllib.error
import urllib.request


REGION = "region"
COMMUNES = ("demo", "gesves", "eupen")
SYNC_SECONDS = 300


def post_rows(site_url: str, user: str, password: str) -> list[dict]:
    """The rows of ``POST {site}/@region-sync``; a 502 still has its rows."""
    credentials = base64.b64encode(f"{user}:{password}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 (the instance's own address)
        f"{site_url}/@region-sync",
        method="POST",
        headers={"Accept": "application/json", "Authorization": f"Basic {credentials}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=SYNC_SECONDS) as response:  # noqa: S310
            answer = json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code != 502:
            raise
        answer = json.load(exc)
    rows = answer.get("rows", [answer]) if isinstance(answer, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ValueError("la réponse n'est pas un tableau de lignes")
    return rows


def failed(row: dict) -> bool:
    return str(row.get("résultat", "")).startswith("échec")


def reason(row: dict) -> str:
    return str(row.get("résultat", "")).removeprefix("échec").lstrip(" :")


def harvest_summary(rows: list[dict]) -> str:
    """The harvest's rows, one per commune, in words."""

    def total(column: str) -> int:
        return sum(int(row.get(column) or 0) for row in rows if not failed(row))

    created, updated = total("créés"), total("mis à jour")
    harvested = [row for row in rows if not failed(row)]
    line = (
        f"{created + updated} événements et actualités récoltés de "
        f"{len(harvested)} communes sur {len(rows)} ({created} nouveaux, "
        f"{updated} mis à jour, {total('retirés')} retirés, "
        f"{total('refusés')} refusés)"
    )
    failures = [
        f"{row.get('source', '?')} : {reason(row)}" for row in rows if failed(row)
    ]
    if failures:
        line += " ; échec pour " + " ; ".join(failures)
    return line.rstrip(".") + "."


def nearby_summary(row: dict) -> str:
    """A commune's refresh of "Autour de chez vous", in words."""
    if failed(row):
        return f"échec : {reason(row)}"
    return (
        f"{row.get('événements', 0)} événements des communes voisines "
        f"({row.get('résultat', '')})."
    )


def sync_line(label: str, site_url: str, var: Path, user: str, summary) -> str:
    """The line that says what the site's @region-sync did, or why it failed."""
    try:
        password = (var / "admin-password").read_text().strip()
        rows = post_rows(site_url, user, password)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return f"  {label} : {site_url}/@region-sync introuvable (404)."
        return (
            f"  {label} : synchronisation refusée ({exc.code} {exc.reason}) ; "
            "voir var/admin-password et ADMIN_USER."
        )
    except (OSError, ValueError) as exc:
        message = " ".join(str(exc).split())
        return f"  {label} : synchronisation impossible ({message})."
    return f"  {label} : {summary(rows)}"


def region_lines(base_url: str, var: Path, user: str) -> list[str]:
    """The harvest of the regional site, then each commune's refresh."""
    lines = [
        sync_line("Agenda régional", f"{base_url}/{REGION}", var, user, harvest_summary)
    ]
    for commune in COMMUNES:
        lines.append(
            sync_line(
                f"Autour de chez vous (/{commune})",
                f"{base_url}/{commune}",
                var,
                user,
                lambda rows: nearby_summary(rows[0]) if rows else "aucune ligne.",
            )
        )
    return lines


def start_demo_syncs(base_url: str, var: Path, user: str, answers) -> threading.Thread:
    """In the background: wait until ``answers()``, then sync the demo with
    its library, harvest the regional agenda and refresh the communes' lists,
    printing a line for each."""

    def work():
        if answers(timeout=ANSWER_SECONDS):
            print(sync_demo(f"{base_url}/demo", var, user), flush=True)
            for line in region_lines(base_url, var, user):
                print(line, flush=True)

    thread = threading.Thread(target=work, name="demo-syncs", daemon=True)
    thread.start()
    return thread
