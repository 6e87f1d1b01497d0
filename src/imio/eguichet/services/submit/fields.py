"""Reading a JSON value for a form's field, as plone.restapi reads content.

plone.restapi's field deserializers do the work; what they lack is here:
dates (zope.schema.Date has no ``fromUnicode``), files sent as base64
objects whatever their field's type, and a French message per kind of field.
"""

from datetime import date
from datetime import datetime
from decimal import InvalidOperation
from imio.eguichet import _
from imio.eguichet.cases import site_now
from imio.eguichet.interfaces import IImioEguichetLayer
from imio.eguichet.uploads import content_type
from plone.dexterity.interfaces import IDexterityContent
from plone.namedfile.interfaces import INamedField
from plone.namedfile.interfaces import INamedImageField
from plone.restapi.deserializer.dxfields import DefaultFieldDeserializer
from plone.restapi.interfaces import IFieldDeserializer
from plone.schema.email import IEmail
from zope.component import adapter
from zope.component import getMultiAdapter
from zope.interface import implementer
from zope.schema import interfaces as fields
from zope.schema.interfaces import IURI
from zope.schema.interfaces import IDate
from zope.schema.interfaces import ValidationError

import base64
import binascii


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

# What to send, said to whoever sent something else; the first that applies.
EXPECTED = (
    (
        INamedImageField,
        _(
            "Send an image (JPEG, PNG…) as an object with its "
            "content in base64: data, filename, content-type."
        ),
    ),
    (
        INamedField,
        _(
            "Send the file as an object with its content in base64: "
            "data, filename, content-type."
        ),
    ),
    (
        fields.IDatetime,
        _("Enter a date and time as YYYY-MM-DDTHH:MM, for example 2026-03-20T14:30."),
    ),
    (
        fields.IDate,
        _("Enter a date as YYYY-MM-DD (or DD/MM/YYYY), for example 2026-03-20."),
    ),
    (IEmail, _("Enter an e-mail address, for example marie.dupont@example.org.")),
    (IURI, _("Enter an address starting with https://.")),
    (fields.ITextLine, _("Enter one line of text.")),
    (fields.IText, _("Enter a text.")),
    (fields.IBool, _("Answer true or false.")),
    (fields.IInt, _("Enter a whole number.")),
    (fields.IFloat, _("Enter a number.")),
    (fields.IDecimal, _("Enter a number.")),
    (fields.IChoice, _("Choose one of the values proposed.")),
    (fields.ICollection, _("Choose among the values proposed, as a list.")),
)
NOT_VALID = _("This value is not valid.")


class FieldValueError(ValueError):
    """A value that its field cannot hold; the message says what to send."""


@implementer(IFieldDeserializer)
@adapter(IDate, IDexterityContent, IImioEguichetLayer)
class DateFieldDeserializer(DefaultFieldDeserializer):
    """A date as ISO 8601 (2026-03-20) or as Belgians write it (20/03/2026)."""

    def __call__(self, value):
        if isinstance(value, str):
            value = parse_date(value.strip())
        self.field.validate(value)
        return value


class AnswerDatetimeDeserializer(DefaultFieldDeserializer):
    """An answer's date and time in ISO 8601; without an offset, the site's time.

    plone.restapi's own matches the value a content item holds already: a
    form holds no answer. Not registered: a form's own dates (opening,
    closing) keep plone.restapi's.
    """

    def __call__(self, value):
        if isinstance(value, str):
            value = datetime.fromisoformat(value.strip())
            if value.tzinfo is None:
                value = value.replace(tzinfo=site_now().tzinfo)
        self.field.validate(value)
        return value


def parse_date(text: str) -> date:
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise ValueError(text)


def read_value(field, raw, context, request):
    """The value of ``field`` sent as ``raw``, validated; FieldValueError if not."""
    try:
        if INamedField.providedBy(field):
            value = uploaded_file(field, raw)
            if INamedImageField.providedBy(field) and not is_image(value.data):
                raise ValueError("image")
            field.bind(context).validate(value)
            return value
        if fields.IBool.providedBy(field) and not isinstance(raw, bool):
            raise ValueError("bool")
        if fields.IFloat.providedBy(field) and is_number(raw):
            raw = float(raw)
        if fields.IDatetime.providedBy(field):
            return AnswerDatetimeDeserializer(field, context, request)(raw)
        deserializer = getMultiAdapter((field, context, request), IFieldDeserializer)
        return deserializer(raw)
    except ValidationError as error:
        raise FieldValueError(message_for(field, error)) from error
    except (ValueError, TypeError, AttributeError, InvalidOperation) as error:
        raise FieldValueError(message_for(field)) from error


def is_image(data: bytes) -> bool:
    return (content_type(data) or "").startswith("image/")


def is_number(raw) -> bool:
    return isinstance(raw, int) and not isinstance(raw, bool)


def message_for(field, error=None):
    """What to tell the sender of a value that ``field`` refused."""
    for interface, message in EXPECTED:
        if interface.providedBy(field):
            return message
    if isinstance(error, ValidationError) and error.doc():
        return error.doc()
    return NOT_VALID


def uploaded_file(field, raw):
    """A file sent as {"data": base64, "filename": ..., "content-type": ...}."""
    if not isinstance(raw, dict) or not isinstance(raw.get("data"), str):
        raise ValueError("file")
    try:
        content = base64.b64decode(raw["data"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("file") from exc
    return field._type(
        data=content,
        filename=str(raw.get("filename") or "fichier"),
        contentType=str(raw.get("content-type") or "application/octet-stream"),
    )
