"""Dates of the demo content, counted from the day of the deployment."""

from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from imio.website.opening_hours import TIMEZONE
from imio.website.opening_hours import WEEKDAYS

import pytz


WEEKDAY_NAMES = [name for name, _title in WEEKDAYS]


def day_of(entry: dict, today: date) -> date:
    """The day an entry names: ``in_days``, ``days_ago`` or the next ``weekday``."""
    if "weekday" in entry:
        ahead = (WEEKDAY_NAMES.index(entry["weekday"]) - today.weekday()) % 7
        return today + timedelta(days=ahead or 7)
    return today + timedelta(days=entry.get("in_days", 0) - entry.get("days_ago", 0))


def moment(day: date, clock: str) -> datetime:
    """A Brussels wall-clock time such as "19:30" on `day`, naive as edit forms
    give it: the ZODB cannot store zoneinfo's time zones."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hours, minutes))


def event_moment(day: date, clock: str) -> datetime:
    """The same in plone.app.event's terms: aware, with pytz's Brussels zone."""
    return pytz.timezone(TIMEZONE.key).localize(moment(day, clock))


def _day_month(text: str, year: int) -> date:
    day, month = (int(part) for part in text.split("/"))
    return date(year, month, day)


def next_closure(line: str, today: date) -> str:
    """ "24/12-26/12: Fêtes" as its next occurrence: "24/12/2025-26/12/2025: Fêtes"."""
    period, _colon, reason = line.partition(":")
    first_text, _dash, last_text = period.strip().partition("-")
    # Last year's period may still be going on, over the new year.
    for year in (today.year - 1, today.year, today.year + 1):
        first = _day_month(first_text, year)
        last = _day_month(last_text or first_text, year)
        if last < first:
            last = last.replace(year=year + 1)
        if last >= today:
            break
    text = f"{first:%d/%m/%Y}"
    if last != first:
        text += f"-{last:%d/%m/%Y}"
    return f"{text}: {reason.strip()}" if reason.strip() else text
