"""What the site's catalogs hold of a case: the dashboard's filters and sorts.

A submission writes its case in the catalog's indexes; two submissions
committed at the same moment conflict when they change the same BTree node,
so a case goes only where it is searched.
"""

from DateTime import DateTime
from five.intid.keyreference import KeyReferenceToPersistent
from imio.eguichet.content.case.content import ICase
from imio.eguichet.retention import closed_on
from imio.eguichet.retention import is_anonymised
from plone.dexterity.interfaces import IDexterityContent
from plone.indexer import indexer
from zope.component import adapter
from zope.interface import implementer
from zope.keyreference.interfaces import IKeyReference


# A case enters only the indexes that the back office, "Mes demarches" and
# the reports query or sort on: portal_type, review_state, path, UID, id,
# getId, is_folderish, allowedRolesAndUsers, created, object_provides and the
# case_* indexes. Every other index of the site would be
# written at each submission for nothing, and each write is a place where two
# simultaneous submissions may conflict: the text indexes keep a rare word's
# postings in plain dicts, date indexes give all cases of a minute one key.
# An indexer that raises AttributeError makes an index skip the case; the
# metadata column of the same name, if any, then stays empty for cases.
NOT_INDEXED = (
    "Creator",
    "Date",
    "Description",
    "SearchableText",
    "Subject",
    "Title",
    "Type",
    "commentators",
    "effective",
    "end",
    "exclude_from_nav",
    "expires",
    "getObjPositionInParent",
    "getRawRelatedItems",
    "in_reply_to",
    "is_default_page",
    "modified",
    "sortable_title",
    "start",
    "sync_uid",
    "total_comments",
)


@indexer(ICase)
def not_indexed(case):
    raise AttributeError("not indexed for cases")


# Exports and site-wide tools find content as IDexterityContent.
CASE_INTERFACES = (ICase.__identifier__, IDexterityContent.__identifier__)


@indexer(ICase)
def object_provides(case):
    """Cases are found as cases and as content, not as Plone's thirty others."""
    return list(CASE_INTERFACES)


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


@adapter(ICase)
@implementer(IKeyReference)
class CaseKeyReference(KeyReferenceToPersistent):
    """A case's key in the intid utility, ordered by the case's reference.

    Plone's key references are ordered by database oid, which grows with each
    new object: every new case would be registered in the last bucket of the
    utility's BTree, the one place that all simultaneous submissions share.
    A random reference spreads them over the whole tree. The reference is
    kept in the key, so that ZODB compares keys without loading cases, also
    while it resolves a conflict.
    """

    key_type_id = "imio.eguichet.case"

    def __init__(self, case):
        super().__init__(case)
        self.reference = case.getId()

    def _get_cmp_keys(self, other):
        if self.key_type_id == other.key_type_id:
            return self.reference, other.reference
        return self.key_type_id, other.key_type_id


@indexer(ICase)
def case_closed_on(case):
    """When a closed case still holding personal data was closed.

    The retention job finds the cases due with this index: an open or an
    anonymised case is not in it.
    """
    when = None if is_anonymised(case) else closed_on(case)
    if when is None:
        raise AttributeError("not closed, or anonymised")
    return DateTime(when)


@indexer(ICase)
def case_anonymised_on(case):
    return getattr(case, "anonymised_on", None)
