"""Weekly opening hours and exceptional closures, read in Europe/Brussels."""

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from imio.website import _
from plone.supermodel import model
from types import SimpleNamespace
from zope import schema
from zope.interface import Invalid
from zoneinfo import ZoneInfo

import re


TIMEZONE = ZoneInfo("Europe/Brussels")

# Field names in the order of datetime.weekday(), with their labels.
WEEKDAYS = (
    ("monday", _("Monday")),
    ("tuesday", _("Tuesday")),
    ("wednesday", _("Wednesday")),
    ("thursday", _("Thursday")),
    ("friday", _("Friday")),
    ("saturday", _("Saturday")),
    ("sunday", _("Sunday")),
)

# Editors type ranges with a hyphen or, pasting from documents, an en dash.
DASH = "[-\u2013]"
CLOCK = r"(\d{1,2})(?:[:.](\d{2})|[hH](\d{2})?)"
RANGE = re.compile(rf"{CLOCK}\s*{DASH}\s*{CLOCK}")
SEPARATORS = re.compile(r"^[\s,;/]*$")
DAY = r"(\d{1,2})/(\d{1,2})/(\d{4})"
CLOSURE = re.compile(rf"^\s*{DAY}(?:\s*{DASH}\s*{DAY})?\s*(?::\s*(.*))?$")

# How far ahead the next opening is looked for.
HORIZON_DAYS = 366


@dataclass(frozen=True)
class TimeRange:
    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}\u2013{self.end:%H:%M}"


@dataclass(frozen=True)
class Closure:
    first: date
    last: date
    reason: str = ""


def _clock(hours: str, minutes: str | None, after_h: str | None) -> time:
    return time(int(hours), int(minutes or after_h or 0))


def parse_ranges(text: str | None) -> tuple[TimeRange, ...]:
    """Ranges such as "08:30-12:00 13:00-16:30"; ValueError when unreadable."""
    text = text or ""
    ranges = []
    for match in RANGE.finditer(text):
        start = _clock(*match.group(1, 2, 3))
        end = _clock(*match.group(4, 5, 6))
        if end <= start:
            raise ValueError(text)
        ranges.append(TimeRange(start, end))
    if not SEPARATORS.match(RANGE.sub("", text)):
        raise ValueError(text)
    return tuple(sorted(ranges, key=lambda each: each.start))


def parse_closure(line: str) -> Closure:
    """A closure such as "24/12/2025-26/12/2025: Fêtes"; ValueError if unreadable."""
    match = CLOSURE.match(line or "")
    if match is None:
        raise ValueError(line)
    day, month, year = (int(part) for part in match.group(1, 2, 3))
    first = date(year, month, day)
    last = first
    if match.group(4):
        day, month, year = (int(part) for part in match.group(4, 5, 6))
        last = date(year, month, day)
    if last < first:
        raise ValueError(line)
    return Closure(first, last, (match.group(7) or "").strip())


def readable_ranges(value: str) -> bool:
    try:
        parse_ranges(value)
    except ValueError:
        raise Invalid(
            _("Write the hours as ranges such as 08:30-12:00 13:00-16:30.")
        ) from None
    return True


def readable_closure(value: str) -> bool:
    try:
        parse_closure(value)
    except ValueError:
        raise Invalid(
            _(
                "Write a closure as a date (25/12/2025) or a period "
                "(24/12/2025-02/01/2026), then optionally a colon and the reason."
            )
        ) from None
    return True


def _day_field(title):
    return schema.TextLine(
        title=title,
        description=_("For example 08:30-12:00 13:00-16:30. Empty when closed."),
        required=False,
        constraint=readable_ranges,
    )


class IOpeningHours(model.Schema):
    """When a service or a place receives the public."""

    model.fieldset(
        "opening_hours",
        label=_("Opening hours"),
        fields=[name for name, title in WEEKDAYS] + ["closures"],
    )
    monday = _day_field(_("Monday"))
    tuesday = _day_field(_("Tuesday"))
    wednesday = _day_field(_("Wednesday"))
    thursday = _day_field(_("Thursday"))
    friday = _day_field(_("Friday"))
    saturday = _day_field(_("Saturday"))
    sunday = _day_field(_("Sunday"))
    closures = schema.List(
        title=_("Exceptional closures and holidays"),
        description=_(
            "One per line: a date (25/12/2025) or a period (24/12/2025-02/01/2026), "
            "then optionally a colon and the reason."
        ),
        value_type=schema.TextLine(constraint=readable_closure),
        required=False,
        default=[],
    )


class OpeningHours:
    """A weekly timetable with closures; every time is Brussels wall-clock time."""

    def __init__(self, week: dict[int, tuple[TimeRange, ...]], closures=()):
        self.week = week
        self.closures = tuple(closures)

    @classmethod
    def of(cls, context) -> "OpeningHours":
        """The timetable stored on a service or a place; unreadable lines ignored."""
        week = {}
        for index, (name, _title) in enumerate(WEEKDAYS):
            try:
                week[index] = parse_ranges(getattr(context, name, None))
            except ValueError:
                week[index] = ()
        closures = []
        for line in getattr(context, "closures", None) or []:
            try:
                closures.append(parse_closure(line))
            except ValueError:
                continue
        return cls(week, closures)

    @classmethod
    def of_fields(cls, fields: dict | None) -> "OpeningHours":
        """The timetable from its field values, as the catalog keeps them."""
        return cls.of(SimpleNamespace(**(fields or {})))

    def is_empty(self) -> bool:
        return not any(self.week.values())

    def closure_on(self, day: date) -> Closure | None:
        for closure in self.closures:
            if closure.first <= day <= closure.last:
                return closure
        return None

    def ranges_on(self, day: date) -> tuple[TimeRange, ...]:
        if self.closure_on(day) is not None:
            return ()
        return self.week.get(day.weekday(), ())

    def current_range(self, at: datetime) -> TimeRange | None:
        """The range open at `at` (an aware datetime), if any."""
        local = at.astimezone(TIMEZONE)
        for each in self.ranges_on(local.date()):
            if each.start <= local.time() < each.end:
                return each
        return None

    def is_open(self, at: datetime) -> bool:
        return self.current_range(at) is not None

    def closes_at(self, at: datetime) -> datetime | None:
        """When the current range ends, in Brussels time; None when closed."""
        current = self.current_range(at)
        if current is None:
            return None
        day = at.astimezone(TIMEZONE).date()
        return datetime.combine(day, current.end, tzinfo=TIMEZONE)

    def next_opening(self, at: datetime) -> datetime | None:
        """The next start of a range strictly after `at`, in Brussels time."""
        local = at.astimezone(TIMEZONE)
        for offset in range(HORIZON_DAYS):
            day = local.date() + timedelta(days=offset)
            for each in self.ranges_on(day):
                start = datetime.combine(day, each.start, tzinfo=TIMEZONE)
                if start > local:
                    return start
        return None

    def upcoming_closures(self, today: date) -> list[Closure]:
        return sorted(
            (closure for closure in self.closures if closure.last >= today),
            key=lambda closure: closure.first,
        )


def hours_fields(context) -> dict:
    """The weekly hours and closures as typed by editors, for the catalog."""
    fields = {name: getattr(context, name, None) or "" for name, _title in WEEKDAYS}
    fields["closures"] = list(getattr(context, "closures", None) or [])
    return fields
