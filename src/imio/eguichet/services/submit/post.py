"""``POST {form}/@submit``: a JSON submission becomes a case."""

from collective.easyform.api import get_expression
from collective.easyform.interfaces import IFieldExtender
from collective.easyform.interfaces import IFieldValidator
from imio.eguichet import _
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.behaviors import is_open
from imio.eguichet.cases import create_case
from imio.eguichet.cases import sign_in_refusal
from imio.eguichet.cases import SignInNeeded
from imio.eguichet.cases import site_now
from imio.eguichet.cases import SubmissionRefused
from imio.eguichet.honeypot import filled_in
from imio.eguichet.identity import current_identity
from imio.eguichet.schema import form_schema
from imio.eguichet.services.submit.fields import FieldValueError
from imio.eguichet.services.submit.fields import read_value
from imio.eguichet.sign_in_answers import fixed_answers
from imio.eguichet.uploads import refusal
from plone.namedfile.interfaces import INamedField
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zope.component import queryUtility
from zope.i18n import translate
from zope.interface import alsoProvides
from zope.schema import getFieldsInOrder


class SubmitPost(Service):
    """Validate the values against the form's fields, then create the case."""

    def check_permission(self):
        # The one REST endpoint open to anonymous citizens: the service's own
        # permission (viewing the form) is the check, not "Use REST API".
        return

    def reply(self):
        # Who may send comes first: a refused sender learns nothing of the fields.
        closed = self.closed()
        if closed:
            return self.refuse(*closed)
        try:
            payload = json_body(self.request)
        except Exception:
            payload = None
        if not isinstance(payload, dict):
            return self.refuse(400, _("The submission must be a JSON object."))
        # As plone.restapi's own services that write: without it plone.protect
        # undid a logged-in citizen's case after answering 201.
        alsoProvides(self.request, IDisableCSRFProtection)
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

    def closed(self):
        """(status, message) when the form does not take this sender's answers."""
        refused = sign_in_refusal(self.context)
        if isinstance(refused, SignInNeeded):
            return 401, refused.args[0]
        if refused is not None:
            return refused.status, refused.args[0]
        if not is_open(self.context, site_now()):
            return 403, _("This form is not open for submissions.")
        return None

    def refuse(self, status: int, message) -> dict:
        self.request.response.setStatus(status)
        return {"type": "BadRequest", "message": self.translate(message)}

    def translate(self, message) -> str:
        return translate(message, context=self.request)

    def read_fields(self, schema, payload: dict) -> tuple[dict, dict]:
        """Field values, and the errors of the fields that have one."""
        fields = getFieldsInOrder(schema)
        # Not asked of a signed-in citizen: the sign-in's, whatever is posted.
        fixed = fixed_answers(
            current_identity(self.request), [name for name, _field in fields]
        )
        data, errors = dict(fixed), {}
        for name, field in fields:
            if field.readonly or name in fixed:
                continue
            raw = payload.get(name)
            if raw in (None, "", [], {}):
                if field.required:
                    errors[name] = self.translate(_("This field is required."))
                continue
            try:
                value = read_value(field, raw, self.context, self.request)
            except FieldValueError as error:
                errors[name] = self.translate(error.args[0])
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
