"""``imio-commune list``: each site, its commune, languages and profile versions."""

from imio.commune.cli.sites import commune_of
from imio.commune.cli.sites import pending_upgrades
from imio.commune.cli.sites import plone_sites
from imio.commune.cli.sites import profile_versions


def add_arguments(commands) -> None:
    parser = commands.add_parser("list", help="liste les sites et leurs versions")
    parser.set_defaults(run=run, needs_app=True)


def describe(site_id: str, site) -> dict:
    from plone.registry.interfaces import IRegistry
    from zope.component import getUtility
    from zope.component.hooks import setSite

    setSite(site)
    try:
        registry = getUtility(IRegistry)
        return {
            "site": site_id,
            "titre": site.title,
            "commune": commune_of(site),
            "langues": list(registry["plone.available_languages"]),
            "versions": profile_versions(site),
            "mises à niveau en attente": bool(pending_upgrades(site)),
        }
    finally:
        setSite(None)


def run(app, args, reporter) -> int:
    rows = [describe(site_id, site) for site_id, site in plone_sites(app()).items()]
    columns = list(rows[0]) if rows else ["site"]
    reporter.table("Sites", columns, rows)
    return 0
