"""``imio-commune sync``: bring the subscribed sites in line with their library."""

from imio.commune.cli.sites import in_site
from imio.commune.cli.sites import select_sites
from imio.commune.library.sync import COUNTS
from imio.commune.library.sync import RESULT
from imio.commune.library.sync import subscription_of
from imio.commune.library.sync import sync_site

import time


COLUMNS = ["site", *COUNTS.values(), RESULT, "secondes"]


def add_arguments(commands) -> None:
    parser = commands.add_parser(
        "sync",
        help="copie dans les sites abonnés les changements de leur bibliothèque",
    )
    parser.add_argument(
        "sites",
        nargs="*",
        metavar="SITE",
        help="identifiants des sites (par défaut : tous les sites abonnés)",
    )
    parser.set_defaults(run=run, needs_app=True)


def sites_to_sync(app, names: list[str]) -> dict:
    """The named sites, or every site whose answers subscribe to a library."""
    sites = select_sites(app, names)
    if names:
        return sites
    return {name: site for name, site in sites.items() if subscription_of(site)}


def run(app, args, reporter) -> int:
    """One transaction per site; a failed site leaves the others going."""
    try:
        sites = sites_to_sync(app(), args.sites)
    except KeyError as exc:
        reporter.fail(f"Site inconnu : {exc.args[0]} ; aucun site synchronisé.")
        return 2
    rows, failed = [], False
    with reporter.progress("Synchronisation", len(sites)) as advance:
        for name, site in sites.items():
            started = time.monotonic()
            try:
                row = in_site(site, sync_site)
            except Exception as exc:  # one failing site must not stop the others
                row = {"site": name, RESULT: f"échec : {exc}"}
            failed = failed or row[RESULT].startswith("échec")
            row["secondes"] = round(time.monotonic() - started, 2)
            rows.append(row)
            advance(name)
    reporter.table("Synchronisation", COLUMNS, rows)
    return 1 if failed else 0
