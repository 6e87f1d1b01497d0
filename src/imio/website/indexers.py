"""Catalog metadata that lists and searches show without waking objects."""

from imio.website.opening_hours import hours_fields
from imio.website.opening_hours import IOpeningHours
from plone.indexer import indexer


@indexer(IOpeningHours)
def opening_hours_indexer(context):
    return hours_fields(context)
