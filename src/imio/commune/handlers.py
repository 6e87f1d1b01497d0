"""Site creation handlers of the ``commune`` distribution."""

from imio.commune.answers import apply_answers
from imio.commune.answers import complete_answers
from plone.distribution.core import Distribution
from Products.CMFPlone.Portal import PloneSite


def pre_handler(answers: dict) -> dict:
    """Complete the answers and check what the schema cannot."""
    return complete_answers(answers)


def handler(distribution: Distribution, site: PloneSite, answers: dict) -> PloneSite:
    """Apply the distribution's profiles, the commune policy last, then the answers."""
    setup_tool = site["portal_setup"]
    for profile_id in distribution.profiles:
        setup_tool.runAllImportStepsFromProfile(f"profile-{profile_id}")
    apply_answers(site, answers)
    return site
