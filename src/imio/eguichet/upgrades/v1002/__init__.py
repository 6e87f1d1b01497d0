"""1002: decision date in the catalog, submission limits in the registry."""

from plone import api


def reindex_cases(context):
    """Fill the new catalog column of the existing cases."""
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type="Case"):
        case = brain._unrestrictedGetObject()
        catalog.catalog_object(case, idxs=["case_reference"], update_metadata=True)
