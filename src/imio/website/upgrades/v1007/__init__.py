"""1007: the home page's procedure cards link to the online form directly."""

from plone import api


COLUMN = "online_form_link"


def catalog_online_form_links(setup_tool):
    """Add the metadata column once, then fill it for every procedure."""
    catalog = api.portal.get_tool("portal_catalog")
    if COLUMN not in catalog.schema():
        catalog.addColumn(COLUMN)
    for brain in catalog.unrestrictedSearchResults(portal_type="Procedure"):
        # Reindexing one index updates the metadata columns as well.
        brain._unrestrictedGetObject().reindexObject(idxs=["getId"])
