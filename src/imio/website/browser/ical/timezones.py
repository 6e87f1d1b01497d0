"""VTIMEZONE definitions with their yearly rules, as RFC 5545 describes them.

plone.app.event writes, for each zone, only the changes of offset that precede
the events' own dates, without a rule: an agenda application that follows the
definition strictly (ical.js) then keeps winter time all year long, and places
a weekly event an hour late after the change to summer time.
"""

from calendar import monthrange
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from functools import lru_cache
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

import icalendar


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@lru_cache(maxsize=64)
def offset_changes(tzid: str, year: int) -> tuple[tuple[datetime, datetime], ...]:
    """Each change of offset of the zone in `year`: its last and first minutes."""
    zone = ZoneInfo(tzid)

    def offset(moment: datetime) -> timedelta:
        return moment.astimezone(zone).utcoffset()

    changes = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    while day.year == year:
        following = day + timedelta(days=1)
        if offset(day) != offset(following):
            minute = day
            while offset(minute) == offset(day):
                minute += timedelta(minutes=1)
            last = minute - timedelta(minutes=1)
            changes.append((last.astimezone(zone), minute.astimezone(zone)))
        day = following
    return tuple(changes)


def weekday_in_month(day: datetime) -> str:
    """The RRULE BYDAY of this day in its month: ``-1SU`` for its last Sunday."""
    if day.day + 7 > monthrange(day.year, day.month)[1]:
        return f"-1{WEEKDAYS[day.weekday()]}"
    return f"{(day.day - 1) // 7 + 1}{WEEKDAYS[day.weekday()]}"


def vtimezone(tzid: str, year: int) -> icalendar.Timezone:
    """The zone's STANDARD and DAYLIGHT times from `year` on, each with its rule.

    The rule of each change is the one the zone follows in `year`, repeated
    every year: Belgium's (last Sunday of March and of October) since 1996.
    """
    zone = ZoneInfo(tzid)
    timezone = icalendar.Timezone()
    timezone.add("TZID", tzid)
    timezone.add("X-LIC-LOCATION", tzid)
    changes = offset_changes(tzid, year)
    if not changes:
        moment = datetime(year, 1, 1, tzinfo=zone)
        standard = icalendar.TimezoneStandard()
        standard.add("TZNAME", moment.tzname())
        standard.add("DTSTART", moment.replace(tzinfo=None))
        standard.add("TZOFFSETFROM", moment.utcoffset())
        standard.add("TZOFFSETTO", moment.utcoffset())
        timezone.add_component(standard)
        return timezone
    for before, after in changes:
        # The wall clock at the change, read on the clock of before it.
        onset = (before + timedelta(minutes=1)).replace(tzinfo=None)
        if after.dst():
            part = icalendar.TimezoneDaylight()
        else:
            part = icalendar.TimezoneStandard()
        part.add("TZNAME", after.tzname())
        part.add("DTSTART", onset)
        part.add("TZOFFSETFROM", before.utcoffset())
        part.add("TZOFFSETTO", after.utcoffset())
        if len(changes) == 2:  # a summer time, back every year
            rule = {"FREQ": "YEARLY", "BYMONTH": onset.month}
            part.add("RRULE", {**rule, "BYDAY": weekday_in_month(onset)})
        timezone.add_component(part)
    return timezone


def first_year(calendar: icalendar.Calendar, tzid: str) -> int:
    """The year of the first start in `tzid` of the calendar, or this year."""
    years = [
        component.decoded("DTSTART").year
        for component in calendar.walk("VEVENT")
        if "DTSTART" in component and component["DTSTART"].params.get("TZID") == tzid
    ]
    return min(years, default=datetime.now(UTC).year)


def complete_timezones(calendar: icalendar.Calendar) -> icalendar.Calendar:
    """Replace each VTIMEZONE with one whose rules hold from the first event on.

    The definitions start the year before the first event, so that they
    already hold on its date, and come first, before the events that use them.
    """
    timezones = []
    for component in list(calendar.subcomponents):
        if component.name != "VTIMEZONE":
            continue
        tzid = str(component["TZID"])
        try:
            timezones.append(vtimezone(tzid, first_year(calendar, tzid) - 1))
        except (ZoneInfoNotFoundError, ValueError):
            continue
        calendar.subcomponents.remove(component)
    calendar.subcomponents[:0] = timezones
    return calendar
