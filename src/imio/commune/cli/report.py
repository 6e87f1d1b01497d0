"""``imio-commune report``: cases per state and content counts, per site."""

from collections import Counter
from imio.commune.cli.sites import select_sites


def add_arguments(commands) -> None:
    parser = commands.add_parser(
        "report", help="demandes par état et nombre de contenus, par site"
    )
    parser.add_argument("sites", nargs="*", metavar="SITE")
    parser.set_defaults(run=run, needs_app=True)


def site_figures(site_id: str, site) -> dict:
    """Counts read from the catalog's indexes and metadata, no object woken."""
    catalog = site["portal_catalog"]
    contents = dict(catalog.Indexes["portal_type"].uniqueValues(withLengths=True))
    cases = Counter(
        brain.review_state
        for brain in catalog.unrestrictedSearchResults(portal_type="Case")
    )
    return {
        "site": site_id,
        "demandes": sum(cases.values()),
        "demandes par état": dict(sorted(cases.items())),
        "contenus": dict(sorted(contents.items())),
    }


def run(app, args, reporter) -> int:
    try:
        sites = select_sites(app(), args.sites)
    except KeyError as exc:
        reporter.fail(f"Site inconnu : {exc.args[0]}")
        return 2
    rows = [site_figures(site_id, site) for site_id, site in sites.items()]
    reporter.table(
        "Rapport", ["site", "demandes", "demandes par état", "contenus"], rows
    )
    return 0
