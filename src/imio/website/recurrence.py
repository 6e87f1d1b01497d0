"""A recurrence whose interval is 0 is refused when an event is saved.

dateutil, which plone.app.event and the catalog's recurring date index use to
expand an event's dates, never returns from ``INTERVAL=0``: such an event,
saved from the form or over REST, held the instance's worker forever. The
recurrence field of plone.app.event's behavior gets a constraint, so that the
form and REST refuse it with a message instead.
"""

from imio.website import _
from plone.app.event.dx.behaviors import IEventRecurrence
from zope.schema import ValidationError

import re


ZERO_INTERVAL = re.compile(r"(?:^|[;:])INTERVAL=(?:0+|-\d*)(?:;|$)", re.IGNORECASE)


class RecurrenceIntervalZero(ValidationError):
    __doc__ = _(
        "The recurrence repeats every 0 days, weeks or months: choose an "
        "interval of 1 or more."
    )


def has_zero_interval(recurrence: str | None) -> bool:
    """Whether one of the RRULE lines repeats with an interval of 0 (or less)."""
    return any(
        line.strip().upper().startswith("RRULE") and ZERO_INTERVAL.search(line.strip())
        for line in (recurrence or "").replace("\r", "\n").splitlines()
    )


def recurrence_constraint(value) -> bool:
    if has_zero_interval(value):
        raise RecurrenceIntervalZero(value)
    return True


def guard_recurrence_field() -> None:
    """Give plone.app.event's recurrence field the constraint (once)."""
    IEventRecurrence["recurrence"].constraint = recurrence_constraint


guard_recurrence_field()
