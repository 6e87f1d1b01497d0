"""1006: library forms go to their agents; the commune's mail holds no answer."""

from imio.commune.answers import DEFAULTS
from imio.commune.answers import route_library_forms
from imio.commune.answers import stored_answers
from imio.eguichet.library import notify_without_answers
from plone import api


def route_forms(setup_tool):
    """Each library form without a service gets its group, and so do its cases."""
    site = api.portal.get()
    answers = {**DEFAULTS, **(stored_answers(site) or {})}
    route_library_forms(site, answers, [])


def notify_without_answers_mailed(setup_tool):
    """The commune is told of a new case by its reference and link only."""
    sender = api.portal.get_registry_record("plone.email_from_address", default="")
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type="EasyForm"):
        notify_without_answers(brain._unrestrictedGetObject(), sender)
