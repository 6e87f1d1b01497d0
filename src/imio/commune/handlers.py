"""Site creation handlers of the ``commune`` distribution."""

from imio.belgium import get_commune
from plone.distribution.core import Distribution
from Products.CMFPlone.Portal import PloneSite


DEFAULTS = {
    "description": "",
    "default_language": "fr",
    "portal_timezone": "Europe/Brussels",
}


def pre_handler(answers: dict) -> dict:
    """Complete the answers and check the commune exists."""
    answers = {**DEFAULTS, **answers}
    get_commune(answers["refnis"])
    return answers


def handler(distribution: Distribution, site: PloneSite, answers: dict) -> PloneSite:
    """Apply the distribution's profiles, the commune policy last."""
    setup_tool = site["portal_setup"]
    for profile_id in distribution.profiles:
        setup_tool.runAllImportStepsFromProfile(f"profile-{profile_id}")
    return site
