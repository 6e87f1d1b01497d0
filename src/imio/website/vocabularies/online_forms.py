"""The online forms a procedure may link to."""

from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleVocabulary


@provider(IVocabularyFactory)
def online_forms(context):
    """No form: the e-guichet side registers its own vocabulary under this name."""
    return SimpleVocabulary([])
