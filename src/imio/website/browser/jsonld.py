"""schema.org JSON-LD in the head of procedure, service, event, news, person pages.

Occurrences of a recurring event (`{event}/2025-03-29`) get their own.
"""

from Acquisition import aq_parent
from collections import deque
from datetime import datetime
from datetime import timedelta
from dateutil.rrule import rrulestr
from imio.website.behaviors.event_details import event_place
from imio.website.content.person.content import FUNCTIONS
from imio.website.opening_hours import OpeningHours
from imio.website.opening_hours import TIMEZONE
from imio.website.opening_hours import WEEKDAYS
from plone import api
from plone.app.layout.viewlets import ViewletBase
from plone.event.interfaces import IEventAccessor
from plone.event.interfaces import IOccurrence
from plone.event.recurrence import MAXCOUNT
from plone.event.recurrence import recurrence_sequence_ical
from zope.i18n import translate

import json
import re


SCHEMA = "https://schema.org"
DAY_NAMES = {index: name.capitalize() for index, (name, _title) in enumerate(WEEKDAYS)}

# RRULE frequencies that schema.org's repeatFrequency (an ISO 8601 period) says.
PERIODS = {"DAILY": "D", "WEEKLY": "W", "MONTHLY": "M", "YEARLY": "Y"}
# The RRULE parts a Schedule says exactly; any other one leaves it out.
SCHEDULE_PARTS = (
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
)
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ICAL_DAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")


def script_tag(data: dict) -> str:
    """A script element whose text cannot close it early, whatever editors type."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("</", "<\\/").replace("<!--", "<\\!--")
    return f'<script type="application/ld+json">{text}</script>'


def compact(data: dict) -> dict:
    """Leave out what is empty: search engines prefer no value to a blank one."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def basics(context, schema_type: str) -> dict:
    return {
        "@context": SCHEMA,
        "@type": schema_type,
        "name": context.Title(),
        "description": context.Description(),
        "url": context.absolute_url(),
    }


def related(relation):
    if relation is None or relation.isBroken():
        return None
    target = relation.to_object
    if target is None or not api.user.has_permission("View", obj=target):
        return None
    return target


def postal_address(context) -> dict | None:
    address = compact({
        "@type": "PostalAddress",
        "streetAddress": getattr(context, "street", None),
        "postalCode": getattr(context, "postal_code", None),
        "addressLocality": getattr(context, "city", None),
    })
    if len(address) == 1:
        return None
    address["addressCountry"] = "BE"
    return address


def geo(context) -> dict | None:
    latitude = getattr(context, "latitude", None)
    longitude = getattr(context, "longitude", None)
    if latitude is None or longitude is None:
        return None
    return {"@type": "GeoCoordinates", "latitude": latitude, "longitude": longitude}


def opening_hours_specification(context) -> list[dict]:
    hours = OpeningHours.of(context)
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": f"{SCHEMA}/{DAY_NAMES[index]}",
            "opens": f"{each.start:%H:%M}",
            "closes": f"{each.end:%H:%M}",
        }
        for index in sorted(hours.week)
        for each in hours.week[index]
    ]


def closures_specification(context) -> list[dict]:
    """Closed days, which schema.org writes as opening and closing at midnight."""
    return [
        compact({
            "@type": "OpeningHoursSpecification",
            "validFrom": closure.first.isoformat(),
            "validThrough": closure.last.isoformat(),
            "opens": "00:00",
            "closes": "00:00",
            "description": closure.reason,
        })
        for closure in OpeningHours.of(context).closures
    ]


def place_data(place) -> dict:
    return compact({
        "@type": "Place",
        "name": place.Title(),
        "url": place.absolute_url(),
        "address": postal_address(place),
        "geo": geo(place),
    })


def procedure(context, request) -> dict:
    data = basics(context, "GovernmentService")
    service = related(getattr(context, "responsible_service", None))
    if service is not None:
        data["provider"] = compact({
            "@type": "GovernmentOffice",
            "name": service.Title(),
            "url": service.absolute_url(),
        })
    data["areaServed"] = api.portal.get().Title()
    return compact(data)


def service(context, request) -> dict:
    data = basics(context, "GovernmentOffice")
    data.update({
        "address": postal_address(context),
        "geo": geo(context),
        "telephone": (context.phones or [None])[0],
        "email": (context.emails or [None])[0],
        "openingHoursSpecification": opening_hours_specification(context),
        "specialOpeningHoursSpecification": closures_specification(context),
    })
    return compact(data)


def in_brussels(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset of the day in Brussels (+01:00 or +02:00)."""
    return moment and moment.astimezone(TIMEZONE).isoformat()


def day_of_week(ical_day: str) -> str:
    return f"{SCHEMA}/{DAY_NAMES[ICAL_DAYS.index(ical_day)]}"


def numbers(value: str, low: int, high: int) -> list[int] | None:
    """`1,15` as [1, 15], or None when one of them is not within low..high."""
    found = [int(each) for each in value.split(",") if re.fullmatch(r"\+?\d+", each)]
    if len(found) != len(value.split(",")):
        return None
    return found if all(low <= each <= high for each in found) else None


def recurrence_rule(recurrence: str) -> dict | None:
    """The parts of a recurrence that is one RRULE and nothing else.

    EXDATE and RDATE lists, several rules and parts such as BYSETPOS are more
    than a schema.org Schedule can say: None.
    """
    lines = [line.strip() for line in recurrence.upper().splitlines()]
    lines = [line for line in lines if line and not line.startswith("DTSTART")]
    if len(lines) != 1 or not lines[0].startswith("RRULE:"):
        return None
    parts = {}
    for part in lines[0].removeprefix("RRULE:").split(";"):
        name, _equals, value = part.partition("=")
        if not value or name in parts or name not in SCHEDULE_PARTS:
            return None
        parts[name] = value
    if (
        parts.get("FREQ") not in PERIODS
        or ("COUNT" in parts and "UNTIL" in parts)
        or not re.fullmatch(r"[1-9]\d{0,3}", parts.setdefault("INTERVAL", "1"))
        or not re.fullmatch(r"[1-9]\d{0,4}", parts.get("COUNT", "1"))
    ):
        return None
    parts["INTERVAL"] = int(parts["INTERVAL"])
    return parts


def weeks_and_days(rule: dict) -> dict | None:
    """byDay, and byMonthWeek for "the first and third Monday" of a month."""
    matches = [ICAL_DAY.fullmatch(each) for each in rule["BYDAY"].split(",")]
    if None in matches or "BYMONTHDAY" in rule:
        return None
    weekdays = list(dict.fromkeys(match.group(2) for match in matches))
    found = {"byDay": [day_of_week(each) for each in weekdays]}
    if all(match.group(1) is None for match in matches):
        # Every other day, on Mondays only, is not a schedule of Mondays.
        return None if rule["FREQ"] == "DAILY" and rule["INTERVAL"] != 1 else found
    weeks = numbers(",".join(match.group(1) or "" for match in matches), 1, 5)
    in_months = rule["FREQ"] == "MONTHLY" or (
        rule["FREQ"] == "YEARLY" and "BYMONTH" in rule
    )
    if weeks is None or not in_months:
        return None
    pairs = {(week, match.group(2)) for week, match in zip(weeks, matches, strict=True)}
    # schema.org repeats each day on each week: 1MO,3MO or 1MO,1TH, not 1MO,3TH.
    if len(pairs) != len(set(weeks)) * len(weekdays):
        return None
    found["byMonthWeek"] = sorted(set(weeks))
    return found


def schedule_days(rule: dict, start: datetime) -> dict | None:
    """byDay, byMonthWeek, byMonthDay and byMonth of a rule, made explicit.

    A rule without them repeats the weekday, day or date of its start, as
    iCalendar reads it; schema.org readers should not have to guess that.
    """
    found = {}
    if "BYMONTH" in rule:
        found["byMonth"] = numbers(rule["BYMONTH"], 1, 12)
    if "BYDAY" in rule:
        days = weeks_and_days(rule)
        found.update(days or {"byDay": None})
    elif "BYMONTHDAY" in rule:
        in_months = rule["FREQ"] in ("MONTHLY", "YEARLY")
        found["byMonthDay"] = numbers(rule["BYMONTHDAY"], 1, 31) if in_months else None
    elif rule["FREQ"] == "WEEKLY":
        found["byDay"] = [day_of_week(ICAL_DAYS[start.weekday()])]
    elif rule["FREQ"] == "MONTHLY":
        found["byMonthDay"] = [start.day]
    elif rule["FREQ"] == "YEARLY":
        found.setdefault("byMonth", [start.month])
        found["byMonthDay"] = [start.day]
    return None if None in found.values() else found


def schedule_times(context, start: datetime, end: datetime) -> dict | None:
    """Start and end times of each date, in the zone of the event."""
    duration = end - start
    if getattr(context, "whole_day", False):
        return {} if start.date() == end.date() else None
    if not timedelta(0) <= duration < timedelta(days=1):
        return None
    times = {"startTime": f"{start:%H:%M:%S}"}
    if not getattr(context, "open_end", False):
        times["endTime"] = f"{start + duration:%H:%M:%S}"
    return times


def schedule_end(rule: dict, start: datetime, recurrence: str) -> dict | None:
    """The last date of a rule with COUNT or UNTIL, as the agenda lists it."""
    if "COUNT" not in rule and "UNTIL" not in rule:
        return {}
    if int(rule.get("COUNT", 1)) > MAXCOUNT:
        # The agenda stops before.
        return None
    last = deque(recurrence_sequence_ical(start, recrule=recurrence), maxlen=1)
    if not last or last[0].date() == start.date():
        return None
    end = {"endDate": last[0].date().isoformat()}
    if "COUNT" in rule:
        end["repeatCount"] = int(rule["COUNT"])
    return end


def event_schedule(context) -> dict | None:
    """When a recurring event repeats, as a schema.org Schedule.

    Only what a Schedule says exactly: a rule that it cannot say, or whose
    dates do not begin with the event's, gives None rather than dates that the
    agenda does not show.
    """
    recurrence = getattr(context, "recurrence", None)
    start, end = context.start, context.end
    if not recurrence or start is None or end is None:
        return None
    zone = getattr(start.tzinfo, "zone", None) or getattr(start.tzinfo, "key", None)
    rule = recurrence_rule(recurrence)
    if rule is None or zone is None:
        return None
    # plone.app.event repeats the wall time of the start in the start's zone.
    wall_start = start.replace(tzinfo=None, microsecond=0)
    try:
        dates = rrulestr(recurrence, dtstart=wall_start, ignoretz=True)
    except (ValueError, TypeError):
        return None
    days = schedule_days(rule, start)
    times = schedule_times(context, wall_start, wall_start + (end - start))
    last = schedule_end(rule, start, recurrence)
    if None in (days, times, last) or dates.after(wall_start, inc=True) != wall_start:
        return None
    return {
        "@type": "Schedule",
        "repeatFrequency": f"P{rule['INTERVAL']}{PERIODS[rule['FREQ']]}",
        **days,
        "startDate": wall_start.date().isoformat(),
        **last,
        **times,
        "scheduleTimezone": zone,
    }


def about_event(context) -> dict:
    """An event, or the recurring event of an occurrence, without its dates."""
    data = basics(context, "Event")
    place = event_place(context)
    if place is not None and api.user.has_permission("View", obj=place):
        data["location"] = place_data(place)
    elif getattr(context, "location", None):
        data["location"] = {"@type": "Place", "name": context.location}
    online_link = getattr(context, "online_link", None)
    price = getattr(context, "price", None)
    if price or online_link:
        data["offers"] = compact({
            "@type": "Offer",
            "description": price,
            "url": online_link,
        })
    if getattr(context, "reduced_mobility_access", False):
        data["accessibilityFeature"] = ["wheelchairAccessible"]
    return data


def event(context, request) -> dict:
    data = about_event(context)
    data["startDate"] = in_brussels(context.start)
    data["endDate"] = in_brussels(context.end)
    data["eventSchedule"] = event_schedule(context)
    return compact(data)


def occurrence(context, request) -> dict:
    """One date of a recurring event, as plone.app.event serves it on its URL."""
    recurring = aq_parent(context)
    data = about_event(recurring)
    dates = IEventAccessor(context)
    data["url"] = context.absolute_url()
    data["startDate"] = in_brussels(dates.start)
    data["endDate"] = in_brussels(dates.end)
    data["superEvent"] = {
        "@type": "Event",
        "name": recurring.Title(),
        "url": recurring.absolute_url(),
    }
    return compact(data)


def news_item(context, request) -> dict:
    data = basics(context, "NewsArticle")
    data["headline"] = context.Title()
    published = context.effective_date or context.created()
    data["datePublished"] = published.ISO8601()
    data["dateModified"] = context.modified().ISO8601()
    if getattr(context, "image", None):
        data["image"] = f"{context.absolute_url()}/@@images/image"
    data["publisher"] = {
        "@type": "GovernmentOrganization",
        "name": api.portal.get().Title(),
        "url": api.portal.get().absolute_url(),
    }
    return compact(data)


def person(context, request) -> dict:
    data = basics(context, "Person")
    if context.position:
        data["jobTitle"] = translate(
            FUNCTIONS.getTerm(context.position).title, context=request
        )
    if context.party:
        data["affiliation"] = {"@type": "Organization", "name": context.party}
    data["telephone"] = context.phone
    data["email"] = context.email
    if context.photo:
        data["image"] = f"{context.absolute_url()}/@@images/photo"
    data["worksFor"] = {
        "@type": "GovernmentOrganization",
        "name": api.portal.get().Title(),
        "url": api.portal.get().absolute_url(),
    }
    return compact(data)


BUILDERS = {
    "Procedure": procedure,
    "Service": service,
    "Event": event,
    "News Item": news_item,
    "Person": person,
}


class JsonLdViewlet(ViewletBase):
    """The page's content described for search engines."""

    def render(self) -> str:
        if IOccurrence.providedBy(self.context):
            builder = occurrence
        else:
            builder = BUILDERS.get(getattr(self.context, "portal_type", None))
        if builder is None:
            return ""
        return script_tag(builder(self.context, self.request))
