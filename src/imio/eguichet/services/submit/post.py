"""``POST {form}/@submit``: a JSON submission becomes a case."""

from collective.easyform.api import get_expression
from collective.easyform.interfaces import IFieldExtender
from collective.easyform.interfaces import IFieldValidator
from imio.eguichet import _
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.cases import create_case
from imio.eguichet.cases import SubmissionRefused
from imio.eguichet.honeypot import filled_in
from imio.eguichet.schema import form_schema
from imio.eguichet.uploads import refusal
from plone.namedfile.file import NamedBlobFile
from plone.namedfile.interfaces import INamedField
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zope.i18n import translate
from zope.component import queryUtility
from zope.schema import getFieldsInOrder
from zope.schema.interfaces import ValidationError

import base64
import binascii


class SubmitPost(Service):
    """Validate the values against the form's fields, then create the case."""

    def check_permission(self):
        # The one REST endpoint open to anonymous citizens: the service's own
        # permission (viewing the form) is the check, not "Use REST API".
        return

    def reply(self):
        try:
            payload = json_body(self.request)
        except Exception:
            payload = None
        if not isinstance(payload, dict):
            return self.refuse(400, _("The submission must be a JSON object."))
        if filled_in(payload):
            # Refused like any malformed submission, without telling a robot why.
            return self.refuse(400, _("This submission cannot be accepted."))
        schema = form_schema(self.context, self.request)
        data, errors = self.read_fields(schema, payload)
        if errors:
            self.request.response.setStatus(400)
            return {"type": "ValidationError", "errors": errors}
        try:
            case, access_code = create_case(self.context, schema, data)
        except SubmissionRefused as refusal:
            if refusal.status == 429:
                self.request.response.setHeader("Retry-After", "3600")
            return self.refuse(refusal.status, refusal.args[0])
        self.request.response.setStatus(201)
        answer = {"@id": case.absolute_url(), "reference": case.formatted_reference()}
        if access_code:
            answer["access_code"] = access_code
        return answer

    def refuse(self, status: int, message) -> dict:
        self.request.response.setStatus(status)
        return {"type": "BadRequest", "message": self.translate(message)}

    def translate(self, message) -> str:
        return translate(message, context=self.request)

    def read_fields(self, schema, payload: dict) -> tuple[dict, dict]:
        """Field values, and the errors of the fields that have one."""
        data, errors = {}, {}
        for name, field in getFieldsInOrder(schema):
            raw = payload.get(name)
            if raw in (None, ""):
                if field.required:
                    errors[name] = self.translate(_("This field is required."))
                continue
            try:
                value = self.convert(field, raw)
                field.validate(value)
            except (ValidationError, ValueError, TypeError) as error:
                errors[name] = self.describe(error)
                continue
            message = self.editor_check(field, value)
            if message:
                errors[name] = self.translate(message)
                continue
            data[name] = value
        return data, errors

    def editor_check(self, field, value):
        """What the web form would say of a valid value: file limits, validators."""
        if INamedField.providedBy(field):
            return refusal(value.data, IEguichetForm(self.context))
        # The Belgian (or other) validators and the TALES expression chosen
        # in the form editor, run as easyform's form view runs them.
        extender = IFieldExtender(field)
        for name in getattr(extender, "validators", None) or ():
            validator = queryUtility(IFieldValidator, name=name)
            message = validator(value, REQUEST=self.request) if validator else None
            if message:
                return message
        expression = getattr(extender, "TValidator", None)
        if expression:
            try:
                return get_expression(self.context, expression, value=value) or None
            except Exception:
                return _("This value is not valid.")
        return None

    def convert(self, field, raw):
        if INamedField.providedBy(field):
            return uploaded_file(raw)
        if isinstance(raw, str) and hasattr(field, "fromUnicode"):
            return field.fromUnicode(raw)
        return raw

    def describe(self, error) -> str:
        if isinstance(error, ValidationError) and error.doc():
            return self.translate(error.doc())
        return self.translate(_("This value is not valid."))


def uploaded_file(raw) -> NamedBlobFile:
    """A file sent as {"data": base64, "filename": ..., "content-type": ...}."""
    if not isinstance(raw, dict) or not isinstance(raw.get("data"), str):
        raise ValueError("file")
    try:
        content = base64.b64decode(raw["data"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("file") from exc
    return NamedBlobFile(
        data=content,
        filename=str(raw.get("filename") or "fichier"),
        contentType=str(raw.get("content-type") or "application/octet-stream"),
    )
