"""Council (organe): collège, conseil communal, conseil de l'action sociale."""

from imio.website import _
from plone.app.z3cform.widgets.select import SelectFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.supermodel import model
from z3c.relationfield.schema import RelationChoice
from z3c.relationfield.schema import RelationList
from zope.interface import implementer


class ICouncil(model.Schema):
    """A council, its members and, inside it, its sittings."""

    directives.widget("members", SelectFieldWidget)
    members = RelationList(
        title=_("Members"),
        description=_("Each member's role is the function set on their page."),
        value_type=RelationChoice(vocabulary="imio.website.People"),
        required=False,
        default=[],
    )


@implementer(ICouncil)
class Council(Container):
    """A council holding its sittings."""
