"""Person (mandataire ou agent): who does what at the commune."""

from imio.website import _
from plone.dexterity.content import Item
from plone.namedfile.field import NamedBlobImage
from plone.schema import Email
from plone.supermodel import model
from zope import schema
from zope.interface import implementer
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


FUNCTIONS = SimpleVocabulary([
    SimpleTerm("mayor", title=_("Mayor")),
    SimpleTerm("alderman", title=_("Alderman")),
    SimpleTerm("councillor", title=_("Municipal councillor")),
    SimpleTerm(
        "cpas_president", title=_("President of the public social welfare centre")
    ),
    SimpleTerm("cpas_councillor", title=_("Social welfare councillor")),
    SimpleTerm("director_general", title=_("Director general")),
    SimpleTerm("financial_director", title=_("Financial director")),
    SimpleTerm("staff", title=_("Staff member")),
])


class IPerson(model.Schema):
    """An elected representative or a member of staff."""

    position = schema.Choice(title=_("Function"), vocabulary=FUNCTIONS, required=False)
    party = schema.TextLine(title=_("Political group"), required=False)
    powers = schema.List(
        title=_("Powers"),
        description=_("The matters this person is in charge of, one per line."),
        value_type=schema.TextLine(),
        required=False,
        default=[],
    )
    photo = NamedBlobImage(title=_("Photo"), required=False)
    phone = schema.TextLine(title=_("Phone"), required=False)
    email = Email(title=_("E-mail"), required=False)


@implementer(IPerson)
class Person(Item):
    """A person."""
