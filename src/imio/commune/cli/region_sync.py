"""``imio-commune region-sync``: the regional agendas' harvest, then the communes'.

Regional sites first (each harvests its communes' feeds), then every commune
with a ``region`` key ("Autour de chez vous" read from its regional site).
"""

from imio.commune.cli.sites import in_site
from imio.commune.cli.sites import select_sites
from imio.commune.region.harvest import RESULT
from imio.commune.region.harvest_service import region_sync
from imio.commune.region.site import is_region
from imio.commune.region.subscription import region_of

import time


COLUMNS = [
    "site",
    "source",
    "créés",
    "mis à jour",
    "retirés",
    "refusés",
    "événements",
    RESULT,
    "secondes",
]


def add_arguments(commands) -> None:
    parser = commands.add_parser(
        "region-sync",
        help="récolte les agendas régionaux, puis « Autour de chez vous » des communes",
    )
    parser.add_argument(
        "sites",
        nargs="*",
        metavar="SITE",
        help="identifiants des sites (par défaut : les agendas régionaux, puis "
        "les communes qui y participent)",
    )
    parser.set_defaults(run=run, needs_app=True)


def sites_in_order(app, names: list[str]) -> list:
    """Regional sites first, then the communes that take part."""
    sites = select_sites(app, names)
    regions = [(name, site) for name, site in sites.items() if is_region(site)]
    communes = [
        (name, site)
        for name, site in sites.items()
        if not is_region(site) and (names or region_of(site))
    ]
    return regions + communes


def run(app, args, reporter) -> int:
    """One transaction per site; a failed site leaves the others going."""
    try:
        sites = sites_in_order(app(), args.sites)
    except KeyError as exc:
        reporter.fail(f"Site inconnu : {exc.args[0]} ; aucun site récolté.")
        return 2
    rows, failed = [], False
    with reporter.progress("Agenda régional", len(sites)) as advance:
        for name, site in sites:
            started = time.monotonic()
            try:
                found = in_site(site, region_sync) or [
                    {
                        "site": name,
                        RESULT: "échec : ni agenda régional ni commune qui y "
                        "participe (clé region du profil).",
                    }
                ]
            except Exception as exc:  # one failing site must not stop the others
                found = [{"site": name, RESULT: f"échec : {exc}"}]
            seconds = round(time.monotonic() - started, 2)
            for row in found:
                row["secondes"] = seconds
                failed = failed or str(row[RESULT]).startswith("échec")
                rows.append(row)
            advance(name)
    reporter.table("Agenda régional", COLUMNS, rows)
    return 1 if failed else 0
