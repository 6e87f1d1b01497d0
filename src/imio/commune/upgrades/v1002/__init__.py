"""1002: the agents' groups of the communal services."""

from imio.commune.answers import ANSWERS_KEY
from imio.commune.answers import stored_answers
from imio.commune.groups import apply_agent_groups
from imio.commune.groups import DEFAULT_AGENT_GROUPS
from plone import api
from zope.annotation.interfaces import IAnnotations


def create_agent_groups(setup_tool):
    """Create the services' groups and record them in the site's answers.

    A site made before 1002 has no ``agent_groups`` answer: it gets the
    default services, as a site created today would.
    """
    site = api.portal.get()
    stored = stored_answers(site)
    answers = {
        "default_language": site.Language() or "fr",
        "agent_groups": DEFAULT_AGENT_GROUPS,
        **(stored or {}),
    }
    with api.env.adopt_roles(["Manager"]):
        apply_agent_groups(site, answers, [])
    if stored is not None and "agent_groups" not in stored:
        IAnnotations(site)[ANSWERS_KEY] = {
            **stored,
            "agent_groups": DEFAULT_AGENT_GROUPS,
        }
