"""iCalendar (RFC 5545) of an event and of the whole agenda, parsed back."""

from datetime import date
from datetime import datetime
from datetime import timedelta
from dateutil.rrule import rrulestr
from imio.website.browser.ical.timezones import vtimezone
from imio.website.opening_hours import TIMEZONE
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.tests.helpers import browser
from imio.website.tests.test_home import build_commune
from imio.website.tests.test_home import create_event
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import icalendar
import transaction
import unittest


def calendar(url: str) -> icalendar.Calendar:
    """The calendar a citizen's agenda application downloads from `url`."""
    response = browser().get(url, timeout=30)
    assert response.status_code == 200, (url, response.status_code)
    assert response.headers["Content-Type"].startswith("text/calendar"), url
    return icalendar.Calendar.from_ical(response.content)


def events_of(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["SUMMARY"]): event for event in cal.walk("VEVENT")}


class TestICalendar(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def setUp(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        # As the commune distribution sets it.
        api.portal.set_registry_record("plone.portal_timezone", "Europe/Brussels")
        build_commune(portal)
        agenda = portal["agenda"]
        api.content.transition(agenda, "publish")
        # Ten Saturdays across the change to summer time (30 March 2025).
        self.market = create_event(
            agenda,
            "Marché du samedi",
            datetime(2025, 3, 8, 8, 0),
            hours=5,
            location="Place communale",
            recurrence="RRULE:FREQ=WEEKLY;COUNT=10",
        )
        self.concert = create_event(agenda, "Concert", datetime(2025, 6, 21, 20, 0))
        create_event(agenda, "Réunion interne", datetime(2025, 6, 23, 9, 0))
        for event in (self.market, self.concert):
            api.content.transition(event, "publish")
        transaction.commit()

    def test_one_event(self):
        cal = calendar(self.concert.absolute_url() + "/@@ics_view")
        self.assertEqual(str(cal["VERSION"]), "2.0")
        self.assertEqual(str(cal["X-WR-TIMEZONE"]), "Europe/Brussels")
        (event,) = cal.walk("VEVENT")
        self.assertEqual(str(event["SUMMARY"]), "Concert")
        start = event.decoded("DTSTART")
        self.assertEqual(start, datetime(2025, 6, 21, 20, 0, tzinfo=start.tzinfo))
        self.assertEqual(start.utcoffset(), timedelta(hours=2))
        self.assertEqual(event["DTSTART"].params["TZID"], "Europe/Brussels")
        self.assertEqual(event.decoded("DTEND") - start, timedelta(hours=2))
        self.assertEqual(str(event["UID"]).split("@")[0], self.concert.UID())
        self.assertEqual(str(event["URL"]), self.concert.absolute_url())
        self.assertNotIn("RRULE", event)
        zones = [str(zone["TZID"]) for zone in cal.walk("VTIMEZONE")]
        self.assertEqual(zones, ["Europe/Brussels"])

    def test_recurring_event_keeps_its_local_time_across_summer_time(self):
        cal = calendar(self.market.absolute_url() + "/@@ics_view")
        (event,) = cal.walk("VEVENT")
        rule = event["RRULE"]
        self.assertEqual(rule["FREQ"], ["WEEKLY"])
        self.assertEqual(rule["COUNT"], [10])
        self.assertEqual(str(event["LOCATION"]), "Place communale")
        self.assertEqual(event["DTSTART"].params["TZID"], "Europe/Brussels")
        # RFC 5545: the rule repeats the local time of DTSTART in its zone.
        local = event.decoded("DTSTART").replace(tzinfo=None)
        occurrences = [
            moment.replace(tzinfo=TIMEZONE)
            for moment in rrulestr(rule.to_ical().decode(), dtstart=local)
        ]
        self.assertEqual(len(occurrences), 10)
        self.assertEqual(occurrences[-1].date(), date(2025, 5, 10))
        self.assertTrue(all(moment.hour == 8 for moment in occurrences))
        offsets = [moment.utcoffset() for moment in occurrences]
        self.assertEqual(offsets[:4], [timedelta(hours=1)] * 4)
        self.assertEqual(offsets[4:], [timedelta(hours=2)] * 6)

    def test_the_whole_agenda_of_the_site_and_of_its_folder(self):
        site = self.layer["portal"].absolute_url()
        for url in (site + "/@@ics_view", site + "/agenda/@@ics_view"):
            events = events_of(calendar(url))
            self.assertEqual(sorted(events), ["Concert", "Marché du samedi"], url)
            self.assertIn("RRULE", events["Marché du samedi"])


class TestTimezoneDefinitions(unittest.TestCase):
    """Each summer and winter time starts with its yearly rule, as RFC 5545 asks."""

    def parts(self, tzid: str, year: int) -> list[tuple]:
        return [
            (
                part.name,
                part["DTSTART"].to_ical().decode(),
                part["TZOFFSETFROM"].to_ical(),
                part["TZOFFSETTO"].to_ical(),
                part["RRULE"].to_ical().decode() if "RRULE" in part else None,
            )
            for part in vtimezone(tzid, year).subcomponents
        ]

    def test_brussels_last_sundays_of_march_and_october(self):
        self.assertEqual(
            self.parts("Europe/Brussels", 2026),
            [
                (
                    "DAYLIGHT",
                    "20260329T020000",
                    "+0100",
                    "+0200",
                    "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
                ),
                (
                    "STANDARD",
                    "20261025T030000",
                    "+0200",
                    "+0100",
                    "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
                ),
            ],
        )

    def test_southern_summer_first_sundays(self):
        rules = [part[4] for part in self.parts("Australia/Sydney", 2027)]
        self.assertEqual(
            rules,
            [
                "FREQ=YEARLY;BYDAY=1SU;BYMONTH=4",
                "FREQ=YEARLY;BYDAY=1SU;BYMONTH=10",
            ],
        )

    def test_zone_without_summer_time(self):
        self.assertEqual(
            self.parts("Asia/Tokyo", 2027),
            [("STANDARD", "20270101T000000", "+0900", "+0900", None)],
        )
