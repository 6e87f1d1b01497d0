"""``imio-commune new-profile --nis CODE``: a ready profile from reference data."""

from imio.belgium import get_commune
from imio.belgium import InvalidInput
from unidecode import unidecode

import re
import yaml


TITLE_PREFIX = {"fr": "Commune de", "de": "Gemeinde"}
# Names the Zope root already uses: a site cannot take them (the commune of
# Manage, in Hainaut, would otherwise get the id of Zope's management screen).
ZOPE_ROOT_NAMES = {"manage", "acl_users", "index_html", "temp_folder"}


def add_arguments(commands) -> None:
    parser = commands.add_parser(
        "new-profile", help="écrit le profil d'une commune à partir de son code INS"
    )
    parser.add_argument(
        "--nis", required=True, metavar="CODE", help="code INS (REFNIS)"
    )
    parser.set_defaults(run=run, needs_app=False)


def site_id_for(name: str) -> str:
    """A URL-friendly id from a commune's name: 'Écaussinnes' -> 'ecaussinnes'."""
    slug = re.sub(r"[^a-z0-9]+", "-", unidecode(name).lower()).strip("-")
    return f"commune-{slug}" if slug in ZOPE_ROOT_NAMES else slug


def profile_for(refnis: str) -> tuple[dict, str]:
    """The answers of a commune, and a comment for the operator."""
    commune = get_commune(refnis)
    language, *others = commune.languages
    name = commune.name_in(language)
    answers = {
        "site_id": site_id_for(commune.name_fr),
        "title": f"{TITLE_PREFIX.get(language, 'Commune de')} {name}",
        "refnis": commune.refnis,
        "default_language": language,
        "other_languages": others,
        "portal_timezone": "Europe/Brussels",
        "contact": {"postal_code": commune.postal_codes[0], "city": name},
        "setup_content": False,
    }
    comment = (
        f"# Profil de {commune.name_fr} (INS {commune.refnis}), {commune.province}.\n"
        f"# Codes postaux : {', '.join(commune.postal_codes)}.\n"
        "# À compléter : adresse, téléphone et courriel de l'administration,\n"
        "# heures d'ouverture, couleur principale, adresse d'envoi des courriels.\n"
    )
    return answers, comment


def run(app, args, reporter) -> int:
    try:
        answers, comment = profile_for(args.nis)
    except InvalidInput as exc:
        reporter.fail(f"Code INS refusé : {exc}")
        return 2
    if args.json:
        reporter.table("Profil", list(answers), [answers])
    else:
        print(comment + yaml.safe_dump(answers, allow_unicode=True, sort_keys=False))
    return 0
