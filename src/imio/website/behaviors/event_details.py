"""Where an event takes place, what it costs, and who can get in."""

from imio.website import _
from plone.app.z3cform.widgets.select import SelectFieldWidget
from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from z3c.relationfield.schema import RelationChoice
from zope import schema
from zope.interface import provider


@provider(IFormFieldProvider)
class IEventDetails(model.Schema):
    """Practical details of a communal event."""

    model.fieldset(
        "practical",
        label=_("Practical information"),
        fields=["place", "price", "reduced_mobility_access", "online_link"],
    )
    directives.widget("place", SelectFieldWidget)
    place = RelationChoice(
        title=_("Place"),
        description=_("The communal place where the event happens."),
        vocabulary="imio.website.Places",
        required=False,
    )
    price = schema.TextLine(
        title=_("Price"),
        description=_("For example: free, 5 € (children 2 €)."),
        required=False,
    )
    reduced_mobility_access = schema.Bool(
        title=_("Accessible to people with reduced mobility"),
        required=False,
        default=False,
    )
    online_link = schema.URI(
        title=_("Online link"),
        description=_("Tickets, registration or live stream."),
        required=False,
    )


def event_place(context):
    """The related place, when it still exists."""
    relation = getattr(context, "place", None)
    if relation is None or relation.isBroken():
        return None
    return relation.to_object
