"""The regional store: recurrences expanded once, duplicates merged, searches."""

from datetime import datetime
from datetime import timedelta
from imio.commune.region.recurrence import occurrences
from imio.commune.region.recurrence import RecurrenceError
from imio.commune.region.store import item_count
from imio.commune.region.store import remove_commune
from imio.commune.region.store import search
from imio.commune.region.store import store_entries
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from zoneinfo import ZoneInfo

import icalendar
import unittest


BRUSSELS = ZoneInfo("Europe/Brussels")
# A fixed clock: 1 December 2026, 10:00 in Brussels.
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=BRUSSELS)
NAMUR = {"refnis": "92094", "title": "Ville de Namur", "url": "http://n/demo"}
GESVES = {"refnis": "92054", "title": "Commune de Gesves", "url": "http://g/gesves"}
EUPEN = {"refnis": "63023", "title": "Stadt Eupen", "url": "http://e/eupen"}


def event(uid: str, title: str, start: datetime, hours: int = 2, **more) -> dict:
    return {
        "uid": uid,
        "type": "event",
        "withdrawn": False,
        "url": f"http://n/demo/agenda/{uid}",
        "title": title,
        "description": "",
        "language": "fr",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=hours)).isoformat(),
        "timezone": "Europe/Brussels",
        "whole_day": False,
        "open_end": False,
        "recurrence": "",
        "location": "Place communale",
        "place": None,
        "price": "Gratuit",
        "free": True,
        "reduced_mobility_access": True,
        "topics": ["culture-sport-et-loisirs"],
        "audiences": ["citoyen"],
        **more,
    }


class TestOccurrences(unittest.TestCase):
    def test_a_weekly_market_keeps_its_hour_across_both_clock_changes(self):
        dates = occurrences(
            datetime(2027, 3, 20, 8, tzinfo=BRUSSELS),
            datetime(2027, 3, 20, 13, tzinfo=BRUSSELS),
            "RRULE:FREQ=WEEKLY;BYDAY=SA",
            "Europe/Brussels",
            False,
            datetime(2027, 11, 6, 23, tzinfo=BRUSSELS),
        )
        self.assertEqual({first.hour for first, _last in dates}, {8})
        offsets = {first.date().isoformat(): first.utcoffset() for first, _ in dates}
        self.assertEqual(offsets["2027-03-20"], timedelta(hours=1))
        self.assertEqual(offsets["2027-04-03"], timedelta(hours=2))
        self.assertEqual(offsets["2027-10-23"], timedelta(hours=2))
        # Summer time ends on the last Sunday of October, the 31st in 2027.
        self.assertEqual(offsets["2027-10-30"], timedelta(hours=2))
        self.assertEqual(offsets["2027-11-06"], timedelta(hours=1))
        # Read back by a second library: the UTC instants of an iCalendar.
        calendar = icalendar.Calendar()
        for first, _last in dates:
            vevent = icalendar.Event()
            vevent.add("dtstart", first)
            calendar.add_component(vevent)
        parsed = icalendar.Calendar.from_ical(calendar.to_ical())
        hours = {
            component.decoded("dtstart").astimezone(BRUSSELS).hour
            for component in parsed.walk("VEVENT")
        }
        self.assertEqual(hours, {8})

    def test_interval_zero_is_refused_at_once(self):
        with self.assertRaises(RecurrenceError) as caught:
            occurrences(
                NOW,
                NOW + timedelta(hours=1),
                "RRULE:FREQ=DAILY;INTERVAL=0",
                "Europe/Brussels",
                False,
                NOW + timedelta(days=365),
            )
        self.assertIn("INTERVAL=0", str(caught.exception))

    def test_a_rule_that_is_no_rule_and_too_many_dates_are_refused(self):
        for rule in ("RRULE:FREQ=SOMETIMES", "RRULE:FREQ=MINUTELY"):
            with self.assertRaises(RecurrenceError):
                occurrences(
                    NOW,
                    NOW + timedelta(hours=1),
                    rule,
                    "Europe/Brussels",
                    False,
                    NOW + timedelta(days=365),
                )

    def test_count_until_and_horizon(self):
        def count(rule, days=365):
            return len(
                occurrences(
                    NOW,
                    NOW + timedelta(hours=1),
                    rule,
                    "Europe/Brussels",
                    False,
                    NOW + timedelta(days=days),
                )
            )

        self.assertEqual(count("RRULE:FREQ=WEEKLY;COUNT=5"), 5)
        self.assertEqual(count("RRULE:FREQ=DAILY;UNTIL=20261205T235959"), 5)
        # The horizon's own moment included: today and the next ten days.
        self.assertEqual(count("RRULE:FREQ=DAILY", days=10), 11)

    def test_a_whole_day_event_runs_from_midnight_to_the_end_of_its_day(self):
        ((first, last),) = occurrences(
            NOW, NOW, "", "Europe/Brussels", True, NOW + timedelta(days=1)
        )
        self.assertEqual((first.hour, first.minute), (0, 0))
        self.assertEqual((last.hour, last.minute), (23, 59))


class TestStore(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["portal"]

    def test_an_event_and_its_dates_are_found_by_their_facets(self):
        market = event(
            "m1",
            "Marché",
            NOW + timedelta(days=4),
            recurrence="RRULE:FREQ=WEEKLY;COUNT=3",
        )
        counts = store_entries(self.site, NAMUR, [market], NOW)
        self.assertEqual(counts["created"], 1)
        dates = search(self.site, start_from=NOW)
        self.assertEqual(len(dates), 3)
        brain = dates[0]
        self.assertEqual(brain.title, "Marché")
        self.assertEqual(brain.url, "http://n/demo/agenda/m1")
        self.assertEqual(brain.arrondissements, ["92000"])
        self.assertEqual(brain.provinces, ["90000"])
        self.assertEqual(brain.communes[0]["title"], "Ville de Namur")
        self.assertEqual(len(search(self.site, arrondissements=["92000"])), 3)
        self.assertEqual(len(search(self.site, arrondissements=["63000"])), 0)
        self.assertEqual(len(search(self.site, topics=["culture-sport-et-loisirs"])), 3)
        self.assertEqual(len(search(self.site, free=False)), 0)
        self.assertEqual(
            len(search(self.site, start_to=NOW + timedelta(days=8))),
            1,
        )

    def test_a_festival_of_two_communes_is_one_event_naming_both(self):
        start = NOW + timedelta(days=30)
        store_entries(self.site, NAMUR, [event("f1", "Festival folk", start)], NOW)
        store_entries(self.site, GESVES, [event("f2", "Festival Folk ", start)], NOW)
        (brain,) = search(self.site, start_from=NOW)
        self.assertEqual(
            [commune["title"] for commune in brain.communes],
            ["Commune de Gesves", "Ville de Namur"],
        )
        self.assertEqual(item_count(self.site), 1)
        # Namur withdraws its own: the festival stays, with Gesves.
        store_entries(self.site, NAMUR, [{"uid": "f1", "withdrawn": True}], NOW)
        (brain,) = search(self.site, start_from=NOW)
        self.assertEqual([c["refnis"] for c in brain.communes], ["92054"])

    def test_an_edit_replaces_and_a_withdrawal_removes(self):
        start = NOW + timedelta(days=3)
        store_entries(self.site, EUPEN, [event("k1", "Konzert", start)], NOW)
        counts = store_entries(
            self.site, EUPEN, [event("k1", "Konzert im Park", start)], NOW
        )
        self.assertEqual(counts["updated"], 1)
        self.assertEqual(
            [brain.title for brain in search(self.site)], ["Konzert im Park"]
        )
        counts = store_entries(
            self.site, EUPEN, [{"uid": "k1", "withdrawn": True}], NOW
        )
        self.assertEqual(counts["withdrawn"], 1)
        self.assertEqual(len(search(self.site)), 0)
        self.assertEqual(item_count(self.site), 0)

    def test_an_invalid_rule_is_refused_and_named_the_others_stored(self):
        good = event("g1", "Brocante", NOW + timedelta(days=2))
        bad = event(
            "b1",
            "Boucle infinie",
            NOW + timedelta(days=2),
            recurrence="RRULE:FREQ=DAILY;INTERVAL=0",
        )
        counts = store_entries(self.site, NAMUR, [bad, good], NOW)
        self.assertEqual(counts["created"], 1)
        self.assertEqual(counts["refused"][0][0], "Boucle infinie")
        self.assertIn("INTERVAL=0", counts["refused"][0][1])
        self.assertEqual([brain.title for brain in search(self.site)], ["Brocante"])

    def test_past_dates_are_left_out_and_news_are_apart(self):
        past = event("p1", "Hier", NOW - timedelta(days=1))
        news = {
            "uid": "n1",
            "type": "news",
            "title": "Travaux rue de Fer",
            "url": "http://n/demo/actualites/travaux",
            "effective": (NOW - timedelta(days=2)).isoformat(),
            "modified": NOW.isoformat(),
        }
        store_entries(self.site, NAMUR, [past, news], NOW)
        self.assertEqual(len(search(self.site, start_from=NOW)), 0)
        (found,) = search(self.site, kind="news")
        self.assertEqual(found.title, "Travaux rue de Fer")
        self.assertEqual(remove_commune(self.site, "92094"), 2)
        self.assertEqual(len(search(self.site, kind="news")), 0)
