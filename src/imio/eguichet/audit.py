"""The audit trail: who read or took away a case's personal data, and when.

One log per site, kept in an annotation of the site: an OOBTree whose keys
are ordered by time (UTC timestamp, then a random suffix), so two requests
recording at the same time write distinct keys and BTrees resolve the
conflict. Entries are plain dicts; there is no API to change or delete one
entry, only ``purge`` of the entries older than the audit trail's retention.

Recording happens on GET requests (an agent opens a case page, downloads an
attachment): the objects written by ``record`` and only them are declared
safe to plone.protect, the request keeps its CSRF protection.
"""

from BTrees.OOBTree import OOBTree
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from imio.eguichet.submissions import client_address
from plone import api
from plone.protect.utils import safeWrite
from zope.annotation.interfaces import IAnnotations

import uuid


AUDIT_PERMISSION = "imio.eguichet: Read Audit Trail"
DPO_ROLE = "DataProtectionOfficer"
AUDIT_RETENTION_RECORD = "imio.eguichet.audit_retention_months"
DEFAULT_RETENTION_MONTHS = 24
ANNOTATION_KEY = "imio.eguichet.audit"
ACTIONS = ("view", "download", "export", "letter")
KEY_FORMAT = "%Y%m%dT%H%M%S.%fZ"


class AuditTree(OOBTree):
    """The log's tree.

    Each entry rewrites the last bucket: small buckets (BTrees' own sizes)
    keep that write small (a few kB per recorded view). A bucket split
    while another request appends is a conflict that Zope retries.
    """

    max_leaf_size = 30
    max_internal_size = 250


def _utc(when: datetime) -> datetime:
    if when.tzinfo is None:
        raise ValueError("an aware datetime is expected")
    return when.astimezone(UTC)


def _key_prefix(when: datetime) -> str:
    return _utc(when).strftime(KEY_FORMAT)


def _tree(site, create=False):
    annotations = IAnnotations(site)
    tree = annotations.get(ANNOTATION_KEY)
    if tree is None and create:
        tree = annotations[ANNOTATION_KEY] = AuditTree()
    return tree


def new_key(when: datetime) -> str:
    """An entry's key: ordered by time, unique even for the same microsecond."""
    return f"{_key_prefix(when)} {uuid.uuid4().hex}"


def install(site) -> None:
    """Create the site's log (install and upgrade): not a write of the first view."""
    _tree(site, create=True)


def _now() -> datetime:
    return datetime.now(UTC)


def _registered(site) -> list:
    jar = getattr(site, "_p_jar", None)
    if jar is None:
        return []
    return list(getattr(jar, "_registered_objects", []))


def record(case, action: str, request, detail: str = "") -> None:
    """Add an entry for the current user's ``action`` on ``case`` (or None)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action: {action}")
    if api.user.is_anonymous():
        return
    user = api.user.get_current()
    user_id = user.getId() or user.getUserName()
    if case is not None and user_id and user_id == getattr(case, "applicant_id", None):
        return
    site = api.portal.get()
    before = {id(obj) for obj in _registered(site)}
    tree = _tree(site, create=True)
    now = _now()
    entry = {
        "when": now.isoformat(),
        "user": user_id or "",
        "name": user.getProperty("fullname", "") or "",
        "action": action,
        "reference": case.getId() if case is not None else "",
        "uid": api.content.get_uuid(case) if case is not None else "",
        "title": getattr(case, "form_title", "") or "" if case is not None else "",
        "detail": detail or "",
        "address": client_address(request) if request is not None else "",
    }
    tree[new_key(now)] = entry
    # Exactly what this entry wrote (the tree, a bucket, the site's
    # annotations the first time) is a safe write on a GET request.
    for obj in _registered(site):
        if id(obj) not in before:
            safeWrite(obj, request)


def entries(site, start=None, end=None, user=None, reference=None, action=None):
    """The entries, newest first; ``start`` included and ``end`` excluded.

    A generator that reads the log one day at a time from the newest: a page
    of recent entries loads only the buckets of those days.
    """
    tree = _tree(site)
    if tree is None or not len(tree):
        return
    low = _key_prefix(start) if start is not None else None
    high = _key_prefix(end) if end is not None else None
    try:
        newest = tree.maxKey(high) if high else tree.maxKey()
        oldest = tree.minKey(low) if low else tree.minKey()
    except ValueError:
        return
    reference = (reference or "").replace("-", "").strip().upper() or None
    user = (user or "").strip() or None
    day, first_day = _day(newest), _day(oldest)
    while day >= first_day:
        day_low = day.strftime("%Y%m%d")
        day_high = (day + timedelta(days=1)).strftime("%Y%m%d")
        chunk = list(
            tree.values(
                min=max(day_low, low) if low else day_low,
                max=min(day_high, high) if high else day_high,
                excludemax=True,
            )
        )
        for entry in reversed(chunk):
            if user and entry["user"] != user:
                continue
            if reference and entry["reference"] != reference:
                continue
            if action and entry["action"] != action:
                continue
            yield dict(entry)
        day -= timedelta(days=1)


def _day(key: str) -> date:
    return datetime.strptime(key[:8], "%Y%m%d").date()


def purge(site, before: datetime) -> int:
    """Drop the entries older than ``before``; how many were dropped."""
    tree = _tree(site)
    if tree is None:
        return 0
    keys = list(tree.keys(max=_key_prefix(before), excludemax=True))
    for key in keys:
        del tree[key]
    return len(keys)


def retention_months() -> int:
    months = api.portal.get_registry_record(AUDIT_RETENTION_RECORD, default=None)
    return DEFAULT_RETENTION_MONTHS if months is None else int(months)


def months_before(when: datetime, months: int) -> datetime:
    """``when`` minus ``months`` calendar months (day clipped to the month's end)."""
    total = when.year * 12 + (when.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    days = [31, 29 if _leap(year) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return when.replace(year=year, month=month, day=min(when.day, days[month - 1]))


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def purge_expired(site, now: datetime) -> int:
    """Drop the entries older than the audit trail's retention period."""
    months = retention_months()
    if months <= 0:
        return 0
    return purge(site, months_before(now, months))


MAX_LISTED_REFERENCES = 1000


def export_detail(kind: str, filters: dict, references) -> str:
    """What an export held: its format, filters, number and references of cases."""
    references = [reference for reference in references if reference]
    used = ", ".join(
        f"{name}={value}" for name, value in sorted(filters.items()) if value
    )
    listed = " ".join(references[:MAX_LISTED_REFERENCES])
    if len(references) > MAX_LISTED_REFERENCES:
        listed += f" (+{len(references) - MAX_LISTED_REFERENCES})"
    return f"{kind}; {len(references)}; {used}; {listed}".strip()
