"""Place (lieu): a hall, a park, a library, where people go."""

from imio.website import _
from imio.website.address import IAddress
from imio.website.opening_hours import IOpeningHours
from plone.dexterity.content import Item
from zope import schema
from zope.interface import implementer


class IPlace(IAddress, IOpeningHours):
    """A place with its address, hours and accessibility."""

    accessibility = schema.Text(
        title=_("Accessibility"),
        description=_(
            "Access for people with reduced mobility, parking, public transport."
        ),
        required=False,
    )


@implementer(IPlace)
class Place(Item):
    """A place."""
