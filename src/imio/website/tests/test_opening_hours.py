"""Opening hours: parsing, "open now" and the next opening in Europe/Brussels."""

from datetime import date
from datetime import datetime
from datetime import time
from datetime import UTC
from imio.website.opening_hours import Closure
from imio.website.opening_hours import OpeningHours
from imio.website.opening_hours import parse_closure
from imio.website.opening_hours import parse_ranges
from imio.website.opening_hours import TimeRange

import unittest


OFFICE = {
    "monday": "08:30-12:00 13:00-16:30",
    "tuesday": "08:30-12:00",
    "wednesday": "08:30-12:00 13:00-16:30",
    "thursday": "08:30-12:00, 13:00-19:00",
    "friday": "8h30-12h",
    "saturday": "",
    "sunday": "09:00-11:00",
}


class Timetable:
    """Something with opening hours fields, as a service has."""

    def __init__(self, closures=(), **days):
        for name, value in {**OFFICE, **days}.items():
            setattr(self, name, value)
        self.closures = list(closures)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


class TestParsing(unittest.TestCase):
    def test_ranges_in_the_ways_editors_write_them(self):
        self.assertEqual(
            parse_ranges("13:00-16:30 8h30 – 12h00"),
            (TimeRange(time(8, 30), time(12)), TimeRange(time(13), time(16, 30))),
        )
        self.assertEqual(parse_ranges(""), ())
        self.assertEqual(parse_ranges(None), ())

    def test_unreadable_ranges(self):
        for text in ("le matin", "12:00-08:00", "08:30-12:00 et l'après-midi"):
            with self.subTest(text=text), self.assertRaises(ValueError):
                parse_ranges(text)

    def test_closures(self):
        self.assertEqual(
            parse_closure("25/12/2025"), Closure(date(2025, 12, 25), date(2025, 12, 25))
        )
        self.assertEqual(
            parse_closure("24/12/2025-02/01/2026 : Fêtes de fin d'année"),
            Closure(date(2025, 12, 24), date(2026, 1, 2), "Fêtes de fin d'année"),
        )
        for text in ("Noël", "31/02/2025", "02/01/2026-24/12/2025"):
            with self.subTest(text=text), self.assertRaises(ValueError):
                parse_closure(text)


class TestOpenNow(unittest.TestCase):
    def setUp(self):
        self.hours = OpeningHours.of(Timetable())

    def test_open_and_closed_in_brussels_time(self):
        # Monday 17 November 2025, winter time (UTC+1).
        self.assertTrue(self.hours.is_open(utc(2025, 11, 17, 7, 30)))  # 08:30
        self.assertFalse(self.hours.is_open(utc(2025, 11, 17, 7, 29)))  # 08:29
        self.assertFalse(self.hours.is_open(utc(2025, 11, 17, 11, 30)))  # 12:30
        self.assertEqual(
            self.hours.closes_at(utc(2025, 11, 17, 10)).isoformat(),
            "2025-11-17T12:00:00+01:00",
        )
        self.assertEqual(
            self.hours.next_opening(utc(2025, 11, 17, 11, 30)).isoformat(),
            "2025-11-17T13:00:00+01:00",
        )

    def test_next_opening_skips_closed_days(self):
        # Friday 21 November 2025 at 14:00: closed until Sunday 09:00.
        self.assertEqual(
            self.hours.next_opening(utc(2025, 11, 21, 13)).isoformat(),
            "2025-11-23T09:00:00+01:00",
        )

    def test_spring_forward_day(self):
        # Sunday 30 March 2025: clocks go from 02:00 to 03:00 (UTC+1 -> UTC+2).
        saturday_night = utc(2025, 3, 29, 20)
        opening = self.hours.next_opening(saturday_night)
        self.assertEqual(opening.isoformat(), "2025-03-30T09:00:00+02:00")
        self.assertEqual(opening.astimezone(UTC), utc(2025, 3, 30, 7))
        # 07:30 UTC is 09:30 in Brussels: open; a fixed UTC+1 would say 08:30.
        self.assertTrue(self.hours.is_open(utc(2025, 3, 30, 7, 30)))
        # 08:30 UTC is 10:30 in Brussels: open; 09:30 UTC is 11:30: closed.
        self.assertTrue(self.hours.is_open(utc(2025, 3, 30, 8, 30)))
        self.assertFalse(self.hours.is_open(utc(2025, 3, 30, 9, 30)))

    def test_fall_back_day(self):
        # Sunday 26 October 2025: clocks go from 03:00 back to 02:00 (UTC+1).
        self.assertFalse(self.hours.is_open(utc(2025, 10, 26, 7, 30)))  # 08:30
        self.assertTrue(self.hours.is_open(utc(2025, 10, 26, 8, 30)))  # 09:30
        self.assertTrue(self.hours.is_open(utc(2025, 10, 26, 9, 59)))  # 10:59
        self.assertFalse(self.hours.is_open(utc(2025, 10, 26, 10)))  # 11:00
        self.assertEqual(
            self.hours.next_opening(utc(2025, 10, 25, 20)).astimezone(UTC),
            utc(2025, 10, 26, 8),
        )

    def test_closure_day(self):
        hours = OpeningHours.of(Timetable(closures=["20/11/2025 : Formation"]))
        # Thursday 20 November 2025 at 10:00: normally open.
        self.assertFalse(hours.is_open(utc(2025, 11, 20, 9)))
        self.assertEqual(hours.closure_on(date(2025, 11, 20)).reason, "Formation")
        self.assertEqual(
            hours.next_opening(utc(2025, 11, 20, 9)).isoformat(),
            "2025-11-21T08:30:00+01:00",
        )
        self.assertTrue(hours.is_open(utc(2025, 11, 21, 9)))

    def test_closure_period_and_upcoming_list(self):
        hours = OpeningHours.of(
            Timetable(
                closures=[
                    "24/12/2025-02/01/2026: Fêtes",
                    "11/11/2025: Armistice",
                    "not a date",
                ]
            )
        )
        self.assertFalse(hours.is_open(utc(2025, 12, 29, 9)))
        self.assertEqual(
            hours.next_opening(utc(2025, 12, 23, 18)).isoformat(),
            "2026-01-04T09:00:00+01:00",
        )
        self.assertEqual(
            [closure.reason for closure in hours.upcoming_closures(date(2025, 12, 1))],
            ["Fêtes"],
        )

    def test_never_open(self):
        hours = OpeningHours.of(Timetable(**dict.fromkeys(OFFICE, "")))
        self.assertTrue(hours.is_empty())
        self.assertIsNone(hours.next_opening(utc(2025, 11, 17, 9)))
        self.assertFalse(hours.is_open(utc(2025, 11, 17, 9)))
