"""1010: the population certificates ask for a sign-in with eID or itsme."""

from imio.eguichet.behaviors import CITIZENS
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.library import FORM_IDS
from imio.eguichet.library import get_library_form
from plone import api


def raise_library_levels(context):
    """Library forms still at "signed in" get the level the library gives them.

    A level an editor chose (anyone, or already high) stays.
    """
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type="EasyForm"):
        if brain.getId not in FORM_IDS:
            continue
        settings = IEguichetForm(brain._unrestrictedGetObject(), None)
        if settings is None or settings.submitters != CITIZENS:
            continue
        settings.submitters = get_library_form(brain.getId).submitters
