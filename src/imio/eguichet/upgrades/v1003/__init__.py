"""1003: editors may choose the two-step view (``demande``) on their forms."""

from plone import api


VIEW = "demande"


def offer_check_answers_view(context):
    """Add the view to the EasyForm type's choices, once."""
    fti = api.portal.get_tool("portal_types")["EasyForm"]
    if VIEW not in fti.view_methods:
        fti.view_methods = (*fti.view_methods, VIEW)
