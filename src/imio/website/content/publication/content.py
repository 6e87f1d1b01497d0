"""Publication: communal bulletin, regulation, report, budget, with its files."""

from imio.website import _
from plone.dexterity.content import Container
from plone.supermodel import model
from zope import schema
from zope.interface import implementer
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


PUBLICATION_TYPES = SimpleVocabulary([
    SimpleTerm("bulletin", title=_("Communal bulletin")),
    SimpleTerm("regulation", title=_("Regulation")),
    SimpleTerm("report", title=_("Report")),
    SimpleTerm("budget", title=_("Budget and accounts")),
    SimpleTerm("other", title=_("Other publication")),
])


class IPublication(model.Schema):
    """A publication of the commune; its files are added inside it."""

    publication_type = schema.Choice(
        title=_("Type of publication"),
        vocabulary=PUBLICATION_TYPES,
        default="bulletin",
    )
    publication_date = schema.Date(title=_("Date of publication"), required=False)


@implementer(IPublication)
class Publication(Container):
    """A publication holding its files."""
