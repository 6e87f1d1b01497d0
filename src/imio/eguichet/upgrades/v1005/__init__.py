"""1005: the cases' keys in the intid utility are ordered by reference."""

from five.intid.keyreference import KeyReferenceToPersistent
from imio.eguichet.indexers import CaseKeyReference
from plone import api
from zope.component import getUtility
from zope.intid.interfaces import IIntIds


def rekey_cases(context):
    """Each existing case keeps its integer id, under its new key."""
    intids = getUtility(IIntIds)
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type="Case"):
        case = brain._unrestrictedGetObject()
        old_key = KeyReferenceToPersistent(case)
        uid = intids.ids.get(old_key)
        if uid is None:
            continue
        new_key = CaseKeyReference(case)
        del intids.ids[old_key]
        intids.ids[new_key] = uid
        intids.refs[uid] = new_key
