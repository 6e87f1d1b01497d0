"""Labels of the taxonomy terms that content is tagged with."""

from zope.component import queryUtility
from zope.i18n import translate
from zope.schema.interfaces import IVocabularyFactory


TAXONOMIES = ("audience", "life_event", "topic")


def term_labels(context, request, name: str) -> list[dict]:
    """Terms of taxonomy `name` set on `context`, labelled in the reader's language."""
    identifiers = getattr(context, f"taxonomy_{name}", None) or []
    factory = queryUtility(IVocabularyFactory, name=f"collective.taxonomy.{name}")
    if factory is None or not identifiers:
        return []
    vocabulary = factory(context)
    terms = []
    for identifier in identifiers:
        if identifier in vocabulary:
            title = vocabulary.getTerm(identifier).title
            terms.append({"id": identifier, "title": translate(title, context=request)})
    return terms
