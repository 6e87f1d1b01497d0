"""Turning a form submission into a case."""

from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal
from imio.eguichet import _
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.behaviors import is_open
from imio.eguichet.behaviors.levels import ANONYMOUS
from imio.eguichet.behaviors.levels import asks_high_level
from imio.eguichet.behaviors.levels import shortfall
from imio.eguichet.behaviors.levels import TOO_LOW
from imio.eguichet.content.case.roles import grant_service
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.events import CaseSubmittedEvent
from imio.eguichet.identity import current_identity
from imio.eguichet.reference import ALPHABET
from imio.eguichet.reference import new_reference
from imio.eguichet.sign_in_answers import fixed_answers
from imio.eguichet.sign_in_answers import vouched_for
from imio.eguichet.submissions import allow_submission
from imio.eguichet.submissions import TOO_MANY_SUBMISSIONS
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.dexterity.utils import createContent
from plone.namedfile.file import NamedBlobFile
from plone.namedfile.interfaces import INamed
from plone.schema.email import IEmail
from zope.event import notify
from zope.globalrequest import getRequest
from zope.lifecycleevent import ObjectAddedEvent
from OFS.event import ObjectWillBeAddedEvent
from zope.schema import getFieldsInOrder
from zoneinfo import ZoneInfo

import hashlib
import secrets


ACCESS_CODE_LENGTH = 10
NAME_FIELDS = ("fullname", "full_name", "name")
FIRST_LAST_FIELDS = (("firstname", "lastname"), ("first_name", "last_name"))


class SubmissionRefused(Exception):
    """The form does not accept this submission; the message says why."""

    status = 403


class SignInNeeded(SubmissionRefused):
    """An anonymous sender of a form that asks for a sign-in.

    The page answers it with the sign-in in place of the fields; the REST API
    with 401.
    """


SIGN_IN_NEEDED = _("Please log in to submit this form.")
HIGH_SIGN_IN_NEEDED = _(
    "Please sign in with your identity card (eID) or itsme to submit this form."
)
STRONGER_SIGN_IN_NEEDED = _(
    "This form asks for a sign-in with your identity card (eID) or itsme: "
    "please sign in again with one of them."
)


class TooManySubmissions(SubmissionRefused):
    """The client or user has sent too many submissions lately."""

    status = 429


def site_now() -> datetime:
    zone = api.portal.get_registry_record("plone.portal_timezone", default=None)
    return datetime.now(ZoneInfo(zone or "Europe/Brussels"))


def sign_in_refusal(form) -> SubmissionRefused | None:
    """Why the sender's sign-in is not enough for ``form``, or None."""
    missing = shortfall(form)
    if missing == ANONYMOUS:
        return SignInNeeded(
            HIGH_SIGN_IN_NEEDED if asks_high_level(form) else SIGN_IN_NEEDED
        )
    if missing == TOO_LOW:
        return SubmissionRefused(STRONGER_SIGN_IN_NEEDED)
    return None


def check_may_submit(form):
    """Raise SubmissionRefused when the form is closed to the current user."""
    if not is_open(form, site_now()):
        raise SubmissionRefused(_("This form is not open for submissions."))
    refusal = sign_in_refusal(form)
    if refusal is not None:
        raise refusal
    if not allow_submission(getRequest()):
        raise TooManySubmissions(TOO_MANY_SUBMISSIONS)


def create_case(form, schema, data):
    """Store a valid submission of ``form`` as a new case.

    ``schema`` is the form's fields, ``data`` the values read from them.
    Returns the case and, for an anonymous applicant, the access code that
    lets them follow it (None otherwise).
    """
    check_may_submit(form)
    settings = IEguichetForm(form)
    fields = [(name, field) for name, field in getFieldsInOrder(schema)]
    identity = current_identity()
    data = {**data, **fixed_answers(identity, [name for name, _field in fields])}
    values, labels, attachments = {}, {}, {}
    for name, field in fields:
        if name not in data:
            continue
        labels[name] = str(field.title or name)
        value = data[name]
        if INamed.providedBy(value):
            attachments[name] = NamedBlobFile(
                data=value.data,
                filename=value.filename,
                contentType=value.contentType,
            )
            value = {"filename": value.filename, "size": value.getSize()}
        values[name] = jsonable(value)
    applicant = _applicant(fields, data)
    today = site_now().date()
    case = createContent(
        "Case",
        form_uid=api.content.get_uuid(form),
        form_title=form.Title(),
        form_version=_version(form),
        values=values,
        labels=labels,
        attachments=attachments,
        service=settings.processing_service,
        due_date=_due_date(today, settings.delay_days),
        messages=[],
        internal_notes=[],
        **applicant,
        **_proof(identity, {name: data[name] for name in values}),
    )
    access_code = None if applicant["applicant_id"] else new_access_code()
    if access_code:
        case.set_access_code(access_code)
    container = get_cases_folder(api.portal.get())
    with api.env.adopt_roles(["Manager"]):
        case = _add_with_new_reference(container, case)
        _set_local_roles(case)
        case.reindexObject()
    notify(CaseSubmittedEvent(case, access_code, form))
    return case, access_code


def new_access_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


def _add_with_new_reference(container, case):
    # The reference is the key in the container's BTree: a clash with an
    # existing case is retried; two transactions choosing the same new
    # reference conflict on the BTree and the request is retried.
    reference = new_reference()
    while reference in container:
        reference = new_reference()
    case.id = reference
    # No container-modified event: it would stamp and reindex the container
    # at every submission, a write that all simultaneous submissions share.
    notify(ObjectWillBeAddedEvent(case, container, reference))
    container._setObject(reference, case, suppress_events=True)
    case = container[reference]
    notify(ObjectAddedEvent(case, container, reference))
    return case


def claim_case(case, userid: str):
    """A case sent without signing in becomes the signed-in ``userid``'s own.

    As if they had sent it signed in: listed in their requests, theirs to
    open; its access code opens it no more.
    """
    case.applicant_id = userid
    case.forget_access_code()
    with api.env.adopt_roles(["Manager"]):
        _set_local_roles(case)
        case.reindexObject()


def _set_local_roles(case):
    """The service's agents process the case; only the applicant owns it."""
    for principal, roles in case.get_local_roles():
        if "Owner" in roles:
            case.manage_delLocalRoles([principal])
    if case.applicant_id:
        case.manage_setLocalRoles(case.applicant_id, ["Owner"])
        case.setCreators((case.applicant_id,))
    else:
        case.setCreators(())
    grant_service(case)


def _applicant(fields, data) -> dict:
    user = None if api.user.is_anonymous() else api.user.get_current()
    email = name = ""
    if user is not None:
        email = user.getProperty("email") or ""
        name = user.getProperty("fullname") or ""
    if not email:
        email = next(
            (data[n] for n, f in fields if IEmail.providedBy(f) and data.get(n)), ""
        )
    if not name:
        name = _name_from(data)
    return {
        "applicant_id": user.getId() if user is not None else None,
        "applicant_email": email,
        "applicant_name": name,
    }


def _proof(identity, answers: dict) -> dict:
    """Which answers the citizen's sign-in vouches for, and its level."""
    if identity is None:
        return {}
    return {
        "verified_fields": vouched_for(identity, answers),
        "identity_level": identity.level,
        "applicant_language": identity.language or None,
    }


def _name_from(data) -> str:
    for field in NAME_FIELDS:
        if data.get(field):
            return data[field]
    for first, last in FIRST_LAST_FIELDS:
        if data.get(first) or data.get(last):
            return " ".join(filter(None, (data.get(first), data.get(last))))
    return ""


def _due_date(today: date, delay_days):
    return today + timedelta(days=delay_days) if delay_days else None


def _version(form) -> str:
    model = getattr(form, "fields_model", None) or ""
    return hashlib.sha256(model.encode()).hexdigest()[:12]


def jsonable(value):
    """A submitted value as JSON can hold it."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, RichTextValue):
        return value.raw
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(item) for item in value]
    return str(value)
