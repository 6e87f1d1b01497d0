"""Postal address fields shared by services and places."""

from imio.belgium import InvalidInput
from imio.belgium import validate_postal_code
from imio.website import _
from plone.supermodel import model
from zope import schema
from zope.interface import Invalid


# imio.belgium's messages are French; these message ids let German sites
# show them in German too.
POSTAL_CODE_MESSAGES = {
    "postal_code.required": _("Please enter the postal code."),
    "postal_code.format": _("The postal code may only contain digits."),
    "postal_code.length": _("The postal code must have 4 digits."),
    "postal_code.range": _("A Belgian postal code is between 1000 and 9999."),
    "postal_code.unknown": _("This postal code does not exist in Belgium."),
}


def belgian_postal_code(value: str) -> bool:
    """Accept a Belgian postal code, or say in the reader's language what is wrong."""
    try:
        validate_postal_code(value)
    except InvalidInput as error:
        raise Invalid(POSTAL_CODE_MESSAGES.get(error.code, error.message)) from None
    return True


class IAddress(model.Schema):
    """Where to go."""

    street = schema.TextLine(title=_("Street and number"), required=False)
    postal_code = schema.TextLine(
        title=_("Postal code"),
        required=False,
        constraint=belgian_postal_code,
    )
    city = schema.TextLine(title=_("Locality"), required=False)
    latitude = schema.Float(title=_("Latitude"), required=False, min=-90.0, max=90.0)
    longitude = schema.Float(
        title=_("Longitude"), required=False, min=-180.0, max=180.0
    )


def address_lines(context) -> list[str]:
    """The address as it is written on an envelope."""
    town = " ".join(part for part in (context.postal_code, context.city) if part)
    return [line for line in (context.street, town) if line]
