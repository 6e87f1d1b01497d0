"""Service (service communal): where and when citizens are received."""

from imio.website import _
from imio.website.address import IAddress
from imio.website.opening_hours import IOpeningHours
from plone.app.z3cform.widgets.select import SelectFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.schema import Email
from plone.supermodel import model
from z3c.relationfield.schema import RelationChoice
from z3c.relationfield.schema import RelationList
from zope import schema
from zope.interface import implementer


class IService(IAddress, IOpeningHours):
    """A municipal service."""

    model.fieldset(
        "contact",
        label=_("Contact"),
        fields=["phones", "emails", "website", "appointment_url", "people"],
    )
    phones = schema.List(
        title=_("Phone numbers"),
        description=_("One per line."),
        value_type=schema.TextLine(),
        required=False,
    )
    emails = schema.List(
        title=_("E-mail addresses"),
        description=_("One per line."),
        value_type=Email(),
        required=False,
    )
    website = schema.URI(title=_("Web site"), required=False)
    appointment_url = schema.URI(
        title=_("Online appointments"),
        description=_(
            "Address of the page where citizens book an appointment with the "
            "service: the pages of its procedures offer it as the next step."
        ),
        required=False,
    )

    directives.widget("people", SelectFieldWidget)
    people = RelationList(
        title=_("People"),
        value_type=RelationChoice(vocabulary="imio.website.People"),
        required=False,
        default=[],
    )


@implementer(IService)
class Service(Container):
    """A municipal service, which may hold pages and files."""
