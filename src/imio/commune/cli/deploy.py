"""``imio-commune deploy``: create the commune sites that do not exist yet."""

from imio.commune.cli.profiles import load_profile
from imio.commune.cli.profiles import ProfileError
from imio.commune.cli.zope_app import StorageUnavailable
from imio.commune.cli.zope_app import zope_app
from pathlib import Path

import sys
import transaction


DISTRIBUTION = "commune"


def add_arguments(commands) -> None:
    """Register the sub-command."""
    parser = commands.add_parser(
        "deploy", help="crée les sites qui n'existent pas encore"
    )
    parser.add_argument("profiles", nargs="+", type=Path, metavar="PROFILE")
    parser.set_defaults(run=run)


def deploy_profile(app, profile) -> str:
    """Create the site of one profile if needed; say what was done."""
    from plone.base.interfaces import IPloneSiteRoot
    from plone.distribution.api import site as site_api

    existing = app.get(profile.site_id)
    if existing is not None:
        if not IPloneSiteRoot.providedBy(existing):
            raise ValueError(f"/{profile.site_id} existe et n'est pas un site Plone.")
        return "inchangé"
    site_api._create_site(app, DISTRIBUTION, dict(profile.answers))
    return "créé"


def run(zope_conf: Path, args) -> int:
    """Validate every profile first, then create the missing sites."""
    try:
        profiles = [load_profile(path) for path in args.profiles]
    except ProfileError as exc:
        print(f"Profil refusé : {exc}", file=sys.stderr)
        return 2
    try:
        with zope_app(zope_conf) as app:
            failed = False
            for profile in profiles:
                try:
                    outcome = deploy_profile(app, profile)
                    transaction.commit()
                except Exception as exc:  # one failing site must not stop the others
                    transaction.abort()
                    failed = True
                    outcome = f"échec : {exc}"
                print(f"{profile.site_id} : {outcome}")
            return 1 if failed else 0
    except StorageUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 3
