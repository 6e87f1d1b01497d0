"""1009: the library's forms say what the citizen needs and how long it takes."""

from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.library import FORM_IDS
from imio.eguichet.library import get_library_form
from plone import api


def introduce_library_forms(context):
    """Fill the new settings of the library's forms; editors' values stay."""
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type="EasyForm"):
        if brain.getId not in FORM_IDS:
            continue
        settings = IEguichetForm(brain._unrestrictedGetObject(), None)
        if settings is None:
            continue
        ready = get_library_form(brain.getId)
        if not settings.documents and ready.documents:
            settings.documents = ready.documents
        if settings.duration_minutes is None:
            settings.duration_minutes = ready.duration_minutes
