"""1004: events with place, price and accessibility; catalog for the search page."""

from plone import api


COLUMN = "opening_hours"


def catalog_opening_hours(setup_tool):
    """Add the metadata column once, then fill it; index the procedures' texts."""
    catalog = api.portal.get_tool("portal_catalog")
    if COLUMN not in catalog.schema():
        catalog.addColumn(COLUMN)
    types = ["Service", "Place", "Procedure"]
    for brain in catalog.unrestrictedSearchResults(portal_type=types):
        # Reindexing updates the metadata columns as well.
        brain._unrestrictedGetObject().reindexObject(idxs=["SearchableText"])
