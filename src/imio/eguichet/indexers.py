"""Catalog indexers of cases: what the dashboard filters and sorts on."""

from DateTime import DateTime
from imio.eguichet.content.case.content import ICase
from plone.indexer import indexer


# Cases stay out of the text indexes (Title, SearchableText): these keep the
# postings of a rare word in plain dicts, which ZODB cannot merge, so two
# submissions indexed at the same moment would conflict there. Cases are
# found through the field indexes below (reference, applicant, form, ...).
@indexer(ICase)
def Title(case):
    raise AttributeError("Title")


@indexer(ICase)
def SearchableText(case):
    raise AttributeError("SearchableText")


@indexer(ICase)
def case_reference(case):
    return case.getId()


@indexer(ICase)
def case_form(case):
    return case.form_uid


@indexer(ICase)
def case_form_title(case):
    return case.form_title


@indexer(ICase)
def case_service(case):
    return case.service


@indexer(ICase)
def case_assignee(case):
    return case.assignee


@indexer(ICase)
def case_applicant(case):
    """The applicant's user id and e-mail, either of which finds the case."""
    keys = [case.applicant_id, (case.applicant_email or "").lower()]
    return [key for key in keys if key]


@indexer(ICase)
def case_applicant_name(case):
    return case.applicant_name


@indexer(ICase)
def case_due_date(case):
    if case.due_date is None:
        return None
    return DateTime(case.due_date.isoformat())


DECISIONS = ("accepted", "refused")


@indexer(ICase)
def case_decided(case):
    """When the case was last accepted or refused: the end of its processing."""
    for entry in reversed(case.workflow_history.get("imio_case_workflow", ())):
        if entry.get("review_state") in DECISIONS:
            return entry["time"]
    return None
