"""``imio-commune deploy``: create missing sites and bring the others in line."""

from imio.commune.answers import apply_answers
from imio.commune.answers import stored_answers
from imio.commune.cli.profiles import load_profile
from imio.commune.cli.profiles import ProfileError
from imio.commune.cli.sites import committed
from imio.commune.cli.sites import in_site
from pathlib import Path

import time


DISTRIBUTION = "commune"


def add_arguments(commands) -> None:
    parser = commands.add_parser(
        "deploy", help="crée les sites manquants et met les autres à jour"
    )
    parser.add_argument("profiles", nargs="+", type=Path, metavar="PROFILE")
    parser.set_defaults(run=run, needs_app=True)


def create_site(app, answers: dict) -> str:
    from plone.distribution.api import site as site_api

    site_api._create_site(app, DISTRIBUTION, dict(answers))
    return "créé"


def update_site(site, answers: dict) -> str:
    if stored_answers(site) == answers:
        return "inchangé"
    changes = in_site(site, lambda site: apply_answers(site, answers))
    return f"mis à jour : {', '.join(changes)}" if changes else "inchangé"


def check_site_id(app, site_id: str) -> None:
    """Refuse an id that Zope keeps for itself, before anything is written."""
    from OFS.ObjectManager import checkValidId
    from zExceptions import BadRequest

    try:
        checkValidId(app, site_id)
    except BadRequest as exc:
        raise ValueError(
            f"l'identifiant « {site_id} » est réservé par Zope, choisissez-en un autre."
        ) from exc


def deploy_profile(app, profile) -> str:
    """Create or update the site of one profile; say what was done."""
    from plone.base.interfaces import IPloneSiteRoot

    existing = app.get(profile.site_id)
    if existing is None:
        check_site_id(app, profile.site_id)
        return committed(create_site, app, profile.answers)
    if not IPloneSiteRoot.providedBy(existing):
        raise ValueError(f"/{profile.site_id} existe et n'est pas un site Plone.")
    return update_site(existing, profile.answers)


def run(app, args, reporter) -> int:
    """Validate every profile first, then create or update each site."""
    try:
        profiles = [load_profile(path) for path in args.profiles]
    except ProfileError as exc:
        reporter.fail(f"Profil refusé, aucun site modifié : {exc}")
        return 2
    database = app()
    rows, failed = [], False
    with reporter.progress("Déploiement", len(profiles)) as advance:
        for profile in profiles:
            started = time.monotonic()
            try:
                outcome = deploy_profile(database, profile)
            except Exception as exc:  # one failing site must not stop the others
                failed = True
                outcome = f"échec : {exc}"
            rows.append({
                "site": profile.site_id,
                "résultat": outcome,
                "secondes": round(time.monotonic() - started, 2),
            })
            advance(profile.site_id)
    reporter.table("Déploiement", ["site", "résultat", "secondes"], rows)
    return 1 if failed else 0
