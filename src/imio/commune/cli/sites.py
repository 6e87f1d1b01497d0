"""Finding the commune sites of a database and running work on each."""

from imio.commune.answers import stored_answers
from zope.component.hooks import setSite

import transaction


PROFILES = ("imio.website:default", "imio.eguichet:default", "imio.commune:default")


def plone_sites(app) -> dict:
    """Plone sites at the root of the database, by id."""
    from plone.base.interfaces import IPloneSiteRoot

    return {
        site_id: site
        for site_id, site in sorted(app.objectItems())
        if IPloneSiteRoot.providedBy(site)
    }


def select_sites(app, names: list[str]) -> dict:
    """The named sites, or all of them; unknown names raise KeyError."""
    sites = plone_sites(app)
    if not names:
        return sites
    unknown = [name for name in names if name not in sites]
    if unknown:
        raise KeyError(", ".join(unknown))
    return {name: sites[name] for name in names}


def committed(work, *args):
    """Run work(*args) in its own transaction: committed, or rolled back."""
    try:
        result = work(*args)
        transaction.commit()
        return result
    except Exception:
        transaction.abort()
        raise


def in_site(site, work):
    """Run work(site) with the site as local site, in its own transaction."""
    setSite(site)
    try:
        return committed(work, site)
    finally:
        setSite(None)


def profile_versions(site) -> dict:
    """Installed version of each of our profiles."""
    setup = site["portal_setup"]
    versions = {}
    for profile in PROFILES:
        version = setup.getLastVersionForProfile(profile)
        versions[profile.split(":")[0]] = ".".join(version) if version else None
    return versions


def pending_upgrades(site) -> list[str]:
    """Our profiles that have upgrade steps to run."""
    setup = site["portal_setup"]
    return [profile for profile in PROFILES if setup.listUpgrades(profile)]


def commune_of(site) -> str:
    from imio.belgium import get_commune

    answers = stored_answers(site) or {}
    refnis = answers.get("refnis")
    return f"{get_commune(refnis).name_fr} ({refnis})" if refnis else ""
