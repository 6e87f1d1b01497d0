"""``imio-commune upgrade``: run the pending upgrade steps of our profiles."""

from imio.commune.cli.sites import in_site
from imio.commune.cli.sites import pending_upgrades
from imio.commune.cli.sites import profile_versions
from imio.commune.cli.sites import select_sites


def add_arguments(commands) -> None:
    parser = commands.add_parser(
        "upgrade", help="applique les mises à niveau en attente"
    )
    parser.add_argument("sites", nargs="*", metavar="SITE")
    parser.set_defaults(run=run, needs_app=True)


def upgrade_site(site) -> str:
    pending = pending_upgrades(site)
    for profile in pending:
        site["portal_setup"].upgradeProfile(profile)
    return f"mis à niveau : {', '.join(pending)}" if pending else "à jour"


def run(app, args, reporter) -> int:
    try:
        sites = select_sites(app(), args.sites)
    except KeyError as exc:
        reporter.fail(f"Site inconnu : {exc.args[0]}")
        return 2
    rows, failed = [], False
    with reporter.progress("Mises à niveau", len(sites)) as advance:
        for site_id, site in sites.items():
            try:
                outcome = in_site(site, upgrade_site)
            except Exception as exc:  # reported, rolled back, the others go on
                failed = True
                outcome = f"échec : {exc}"
            rows.append({
                "site": site_id,
                "résultat": outcome,
                "versions": profile_versions(site),
            })
            advance(site_id)
    reporter.table("Mises à niveau", ["site", "résultat", "versions"], rows)
    return 1 if failed else 0
