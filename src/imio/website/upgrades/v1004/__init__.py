"""1004: events with place, price and accessibility; opening hours in the catalog."""

from plone import api


COLUMN = "opening_hours"


def catalog_opening_hours(setup_tool):
    """Add the metadata column once, then fill it for services and places."""
    catalog = api.portal.get_tool("portal_catalog")
    if COLUMN not in catalog.schema():
        catalog.addColumn(COLUMN)
    for brain in catalog.unrestrictedSearchResults(portal_type=["Service", "Place"]):
        catalog.reindexObject(brain._unrestrictedGetObject(), idxs=["getId"])
