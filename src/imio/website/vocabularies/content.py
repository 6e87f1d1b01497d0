"""Content an editor can point a relation to, listed by title."""

from plone.app.vocabularies.catalog import StaticCatalogVocabulary
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory


def _of_type(portal_type: str) -> StaticCatalogVocabulary:
    # A new vocabulary per call: it caches catalog results, which must not
    # outlive the request that read them.
    return StaticCatalogVocabulary(
        {"portal_type": portal_type, "sort_on": "sortable_title"},
        title_template="{brain.Title}",
    )


@provider(IVocabularyFactory)
def services(context):
    return _of_type("Service")


@provider(IVocabularyFactory)
def people(context):
    return _of_type("Person")


@provider(IVocabularyFactory)
def places(context):
    return _of_type("Place")
