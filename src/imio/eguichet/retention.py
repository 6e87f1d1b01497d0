"""Retention: a closed case's personal data erased when its form's period ends.

GDPR's storage limitation: each e-guichet form keeps its cases for
``retention_months`` counted from closing (closed, refused or withdrawn).
After that the case is anonymised: what names or describes the applicant is
erased, what the statistics count (reference, form, dates, states, service)
stays. The catalog's ``case_closed_on`` index holds the closed cases that
still hold personal data, so that the cases due are found without loading
any case.
"""

from datetime import datetime
from datetime import UTC
from dateutil.relativedelta import relativedelta
from DateTime import DateTime
from imio.eguichet import _
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.cases import site_now
from imio.eguichet.display import format_date
from plone import api
from plone.app.uuid.utils import uuidToObject
from zope.i18n import translate

import logging


logger = logging.getLogger(__name__)

WORKFLOW = "imio_case_workflow"
CLOSING_STATES = ("closed", "refused", "withdrawn")
# Cases of forms without a retention period, closed longer ago than this,
# are reported as old but not anonymised.
OLD_MONTHS = 12


def closed_on(case) -> datetime | None:
    """When the case entered its closing states (closed, refused, withdrawn).

    A case refused then closed was closed when it was refused: the period
    runs from the first of its last run of closing states. None while the
    case is open.
    """
    history = case.workflow_history.get(WORKFLOW, ())
    entered = None
    for entry in reversed(history):
        if entry.get("review_state") not in CLOSING_STATES:
            break
        entered = entry.get("time")
    if entered is None:
        return None
    return entered.asdatetime()


def is_anonymised(case) -> bool:
    return getattr(case, "anonymised_on", None) is not None


def retention_months(form) -> int | None:
    """The form's retention period in months, None when it has none."""
    if form is None:
        return None
    settings = IEguichetForm(form, None)
    return getattr(settings, "retention_months", None) or None


def kept_fields(form) -> set[str]:
    """The answers of the form that say nothing of a person."""
    settings = IEguichetForm(form, None) if form is not None else None
    return set(getattr(settings, "kept_fields", None) or ())


def cutoff(now: datetime, months: int) -> datetime:
    """Cases closed at or before this moment are past a ``months`` period."""
    return now - relativedelta(months=months)


def _closed_cases(catalog, form_uid: str, before: datetime):
    return catalog.unrestrictedSearchResults(
        portal_type="Case",
        case_form=form_uid,
        case_closed_on={"query": DateTime(before), "range": "max"},
    )


def forms_of_cases(site) -> dict:
    """Each form uid that cases refer to, with the form (None when deleted)."""
    catalog = api.portal.get_tool("portal_catalog")
    uids = catalog.Indexes["case_form"].uniqueValues()
    return {uid: uuidToObject(uid, unrestricted=True) for uid in uids if uid}


def due_by_form(site, now: datetime) -> dict:
    """Catalog brains of the cases past retention, per form uid."""
    catalog = api.portal.get_tool("portal_catalog")
    due = {}
    for uid, form in forms_of_cases(site).items():
        months = retention_months(form)
        if months:
            due[uid] = list(_closed_cases(catalog, uid, cutoff(now, months)))
    return due


def due(site, now: datetime) -> list:
    """Catalog brains of the cases past retention and not anonymised."""
    return [brain for brains in due_by_form(site, now).values() for brain in brains]


def old_not_anonymised(site, now: datetime, months: int = OLD_MONTHS) -> dict:
    """Per form uid, cases closed ``months`` ago whose form keeps them forever.

    Their form has no retention period or no longer exists.
    """
    catalog = api.portal.get_tool("portal_catalog")
    old = {}
    for uid, form in forms_of_cases(site).items():
        if retention_months(form):
            continue
        count = len(_closed_cases(catalog, uid, cutoff(now, months)))
        if count:
            old[uid] = count
    return old


def anonymise(case, now: datetime) -> None:
    """Erase the case's personal data; keep what the statistics count.

    Idempotent: an anonymised case is left as it is.
    """
    if is_anonymised(case):
        return
    form = uuidToObject(case.form_uid, unrestricted=True) if case.form_uid else None
    kept = kept_fields(form)
    applicant_id = case.applicant_id
    case.values = {k: v for k, v in (case.values or {}).items() if k in kept}
    case.labels = {k: v for k, v in (case.labels or {}).items() if k in kept}
    case.attachments = {}
    case.letter = None
    case.messages = [
        {"date": message.get("date"), "from_applicant": message.get("from_applicant")}
        for message in case.messages or ()
    ]
    case.internal_notes = []
    case.applicant_id = None
    case.applicant_email = None
    case.applicant_name = None
    case.verified_fields = None
    case._access_code_hash = None
    _forget_owner(case, applicant_id)
    _erase_history_comments(case, applicant_id)
    # In UTC: ZODB cannot store a datetime holding a ZoneInfo.
    case.anonymised_on = now.astimezone(UTC)
    # Every index: the applicant's name, e-mail and Owner role leave the
    # catalog, and the case leaves case_closed_on (nothing left to do).
    case.reindexObject()
    logger.info("Case %s anonymised", case.getId())


def _forget_owner(case, applicant_id):
    owners = [
        principal for principal, roles in case.get_local_roles() if "Owner" in roles
    ]
    if owners:
        case.manage_delLocalRoles(owners)
    case.setCreators(())


def _erase_history_comments(case, applicant_id):
    history = case.workflow_history
    for workflow_id, entries in list(history.items()):
        history[workflow_id] = tuple(
            _without_person(entry, applicant_id) for entry in entries
        )


def _without_person(entry: dict, applicant_id: str | None) -> dict:
    """A history step without its comment, which may name the applicant."""
    actor = entry.get("actor")
    if applicant_id and actor == applicant_id:
        actor = ""
    return {**entry, "comments": "", "actor": actor}


def case_transition(case, event):
    """Keep ``case_closed_on`` in step: a transition reindexes only its state."""
    if is_anonymised(case):
        return
    entering = event.new_state is not None and event.new_state.id in CLOSING_STATES
    leaving = event.old_state is not None and event.old_state.id in CLOSING_STATES
    if entering or leaving:
        case.reindexObject(idxs=["case_closed_on"])


ANONYMISED = _("Request anonymised on ${date} (end of the retention period)")


def anonymised_notice(anonymised_on, language: str | None) -> str:
    """What a page or an export says of an anonymised case; "" for the others.

    ``anonymised_on`` is the case's, or its catalog brain's column.
    """
    if not isinstance(anonymised_on, datetime):
        return ""
    day = anonymised_on.astimezone(site_now().tzinfo).date()
    message = _(ANONYMISED, mapping={"date": format_date(day, language)})
    return translate(message, target_language=language)
