"""A citizen's request, made from one submission of an e-guichet form."""

from imio.eguichet import _
from imio.eguichet.access_codes import hash_access_code
from imio.eguichet.access_codes import outdated
from imio.eguichet.access_codes import verify_access_code
from imio.eguichet.reference import format_reference
from plone.autoform import directives
from plone.dexterity.content import Item
from plone.namedfile.field import NamedBlobFile
from plone.protect.utils import safeWrite
from plone.supermodel import model
from zope import schema
from zope.interface import implementer


AGENT_ROLE = "CaseAgent"
# Who processes a case and what they note: the agents', never the applicant's.
AGENTS_SIDE = "imio.eguichet.ViewInternalNotes"


class ICase(model.Schema):
    """A case: the submission as it was sent, and how it is processed."""

    form_uid = schema.ASCIILine(title=_("Form"), readonly=True, required=False)
    form_title = schema.TextLine(title=_("Form title"), readonly=True)
    form_version = schema.ASCIILine(
        title=_("Form version"),
        description=_("Fingerprint of the form's fields when it was submitted."),
        readonly=True,
        required=False,
    )
    values = schema.Dict(
        title=_("Submitted values"),
        key_type=schema.TextLine(),
        readonly=True,
        required=False,
    )
    labels = schema.Dict(
        title=_("Field labels"),
        key_type=schema.TextLine(),
        value_type=schema.TextLine(),
        readonly=True,
        required=False,
    )
    # Written by their own actions only (sending, answering, noting), never
    # through an edit form or a PATCH of plone.restapi: read-only fields.
    directives.omitted("attachments")
    attachments = schema.Dict(
        title=_("Attachments"),
        key_type=schema.TextLine(),
        value_type=NamedBlobFile(),
        readonly=True,
        required=False,
    )
    # The decision letter, produced when the case is accepted or refused.
    directives.omitted("letter")
    letter = NamedBlobFile(title=_("Decision letter"), readonly=True, required=False)
    applicant_id = schema.TextLine(
        title=_("Applicant's user id"), readonly=True, required=False
    )
    applicant_email = schema.TextLine(
        title=_("Applicant's e-mail"), readonly=True, required=False
    )
    applicant_name = schema.TextLine(
        title=_("Applicant's name"), readonly=True, required=False
    )
    # Set when the applicant was a citizen signed in with the identity provider.
    verified_fields = schema.List(
        title=_("Answers from the sign-in"),
        description=_("The answers the applicant's sign-in vouches for."),
        value_type=schema.TextLine(),
        readonly=True,
        required=False,
    )
    identity_level = schema.Int(
        title=_("Sign-in level"),
        description=_("The assurance level of the applicant's sign-in."),
        readonly=True,
        required=False,
    )
    applicant_language = schema.TextLine(
        title=_("Applicant's language"), readonly=True, required=False
    )
    # The applicant never learns who processes the case: agents' side only.
    directives.read_permission(
        service=AGENTS_SIDE, assignee=AGENTS_SIDE, internal_notes=AGENTS_SIDE
    )
    service = schema.TextLine(title=_("Processing service"), required=False)
    assignee = schema.TextLine(title=_("Assigned agent"), required=False)
    due_date = schema.Date(title=_("Due date"), required=False)
    directives.omitted("messages")
    messages = schema.List(
        title=_("Messages"),
        description=_("Exchanged with the applicant, who reads them."),
        value_type=schema.Dict(key_type=schema.TextLine()),
        readonly=True,
        required=False,
    )
    directives.omitted("internal_notes")
    internal_notes = schema.List(
        title=_("Internal notes"),
        description=_("Seen by the agents only, never by the applicant."),
        value_type=schema.Dict(key_type=schema.TextLine()),
        readonly=True,
        required=False,
    )


@implementer(ICase)
class Case(Item):
    """A case; its id is its reference."""

    # Kept out of the schema so that no form, view or API ever shows it.
    _access_code_hash = None

    @property
    def reference(self) -> str:
        return self.getId()

    def formatted_reference(self) -> str:
        return format_reference(self.getId())

    def Title(self):
        return f"{self.form_title} {self.formatted_reference()}"

    def set_access_code(self, code: str):
        self._access_code_hash = hash_access_code(code)

    def forget_access_code(self):
        """The case is its applicant's account's: no code opens it any more."""
        self._access_code_hash = None

    def check_access_code(self, code: str) -> bool:
        if not verify_access_code(self._access_code_hash, code):
            return False
        if outdated(self._access_code_hash):
            # Sent before the salted hash: it gets one at its first right code.
            safeWrite(self)
            self.set_access_code(code)
        return True
