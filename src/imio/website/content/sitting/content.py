"""Sitting (séance): when a council meets, its agenda and minutes."""

from imio.website import _
from imio.website.content.alert.content import to_zope
from plone.app.textfield import RichText
from plone.app.z3cform.widgets.select import SelectFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.indexer import indexer
from plone.namedfile.field import NamedBlobFile
from plone.supermodel import model
from z3c.relationfield.schema import RelationChoice
from zope import schema
from zope.interface import implementer


class ISitting(model.Schema):
    """A sitting of a council."""

    start = schema.Datetime(
        title=_("Date and time"), description=_("Date and time in Belgium.")
    )
    directives.widget("place", SelectFieldWidget)
    place = RelationChoice(
        title=_("Place"), vocabulary="imio.website.Places", required=False
    )
    agenda = RichText(title=_("Agenda"), required=False)
    minutes = NamedBlobFile(title=_("Minutes"), required=False)
    live_stream = schema.URI(
        title=_("Live stream"),
        description=_("Address where the sitting can be followed live."),
        required=False,
    )


@implementer(ISitting)
class Sitting(Container):
    """A sitting, which may hold further documents."""


@indexer(ISitting)
def start_indexer(sitting):
    return to_zope(sitting.start)
