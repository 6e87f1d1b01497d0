"""Recurrences of the regional agenda expanded in Brussels wall time."""

from datetime import datetime
from datetime import timedelta
from imio.commune.region.recurrence import occurrences
from imio.commune.region.recurrence import RecurrenceError
from zoneinfo import ZoneInfo

import unittest


BRUSSELS = ZoneInfo("Europe/Brussels")
UTC = ZoneInfo("UTC")


def local(*args):
    return datetime(*args, tzinfo=BRUSSELS)


class TestOccurrences(unittest.TestCase):
    def expand(self, start, end, rule, *, whole_day=False, until=None, limit=500):
        return occurrences(
            start,
            end,
            rule,
            "Europe/Brussels",
            whole_day,
            until or start + timedelta(days=365),
            limit=limit,
        )

    def test_no_rule_is_the_event_itself(self):
        start, end = local(2027, 5, 1, 10), local(2027, 5, 1, 12)
        self.assertEqual(self.expand(start, end, ""), [(start, end)])

    def test_spring_change_keeps_eight_o_clock(self):
        # The clocks go forward on Sunday 28 March 2027.
        start = local(2027, 3, 20, 8)
        dates = self.expand(
            start, local(2027, 3, 20, 13), "RRULE:FREQ=WEEKLY;BYDAY=SA;COUNT=3"
        )
        self.assertEqual([first.hour for first, _last in dates], [8, 8, 8])
        self.assertEqual([last.hour for _first, last in dates], [13, 13, 13])
        offsets = [first.utcoffset() for first, _last in dates]
        self.assertEqual(
            offsets, [timedelta(hours=1), timedelta(hours=1), timedelta(hours=2)]
        )
        self.assertEqual(
            [first.astimezone(UTC).hour for first, _last in dates], [7, 7, 6]
        )

    def test_autumn_change_keeps_eight_o_clock(self):
        # The clocks go back on Sunday 31 October 2027.
        start = local(2027, 10, 23, 8)
        dates = self.expand(
            start, local(2027, 10, 23, 13), "RRULE:FREQ=WEEKLY;BYDAY=SA;COUNT=3"
        )
        self.assertEqual([first.hour for first, _last in dates], [8, 8, 8])
        self.assertEqual(
            [first.astimezone(UTC).hour for first, _last in dates], [6, 6, 7]
        )

    def test_utc_start_is_read_in_wall_time(self):
        start = datetime(2027, 3, 20, 7, tzinfo=UTC)  # 08:00 in Brussels
        dates = self.expand(
            start, start + timedelta(hours=5), "RRULE:FREQ=WEEKLY;COUNT=2"
        )
        self.assertEqual([first.hour for first, _last in dates], [8, 8])

    def test_whole_day_runs_from_midnight_to_end_of_day(self):
        dates = self.expand(
            local(2027, 6, 5, 10),
            local(2027, 6, 6, 11),
            "RRULE:FREQ=DAILY;INTERVAL=7;COUNT=2",
            whole_day=True,
        )
        self.assertEqual(
            dates,
            [
                (local(2027, 6, 5), local(2027, 6, 6, 23, 59, 59)),
                (local(2027, 6, 12), local(2027, 6, 13, 23, 59, 59)),
            ],
        )

    def test_interval_zero_is_refused(self):
        with self.assertRaises(RecurrenceError) as caught:
            self.expand(
                local(2027, 1, 2, 8),
                local(2027, 1, 2, 9),
                "RRULE:FREQ=DAILY;INTERVAL=0",
            )
        self.assertIn("INTERVAL=0", str(caught.exception))

    def test_unreadable_rule_is_refused_in_french(self):
        with self.assertRaises(RecurrenceError) as caught:
            self.expand(
                local(2027, 1, 2, 8), local(2027, 1, 2, 9), "RRULE:FREQ=SOMETIMES"
            )
        self.assertIn("récurrence illisible", str(caught.exception))

    def test_count(self):
        dates = self.expand(
            local(2027, 1, 4, 18), local(2027, 1, 4, 19), "RRULE:FREQ=DAILY;COUNT=4"
        )
        self.assertEqual(len(dates), 4)
        self.assertEqual(dates[-1][0], local(2027, 1, 7, 18))

    def test_until(self):
        dates = self.expand(
            local(2027, 1, 4, 18),
            local(2027, 1, 4, 19),
            "RRULE:FREQ=WEEKLY;UNTIL=20270125T235959Z",
        )
        self.assertEqual([first.day for first, _last in dates], [4, 11, 18, 25])

    def test_horizon_stops_an_endless_rule(self):
        start = local(2027, 1, 1, 9)
        dates = self.expand(
            start,
            local(2027, 1, 1, 10),
            "RRULE:FREQ=MONTHLY",
            until=local(2027, 6, 15),
        )
        self.assertEqual([first.month for first, _last in dates], [1, 2, 3, 4, 5, 6])

    def test_more_dates_than_the_limit_are_refused(self):
        with self.assertRaises(RecurrenceError) as caught:
            self.expand(
                local(2027, 1, 1, 9),
                local(2027, 1, 1, 10),
                "RRULE:FREQ=HOURLY",
                limit=50,
            )
        self.assertIn("plus de 50 dates", str(caught.exception))

    def test_unknown_time_zone_is_refused(self):
        with self.assertRaises(RecurrenceError):
            occurrences(
                local(2027, 1, 1, 9),
                local(2027, 1, 1, 10),
                "",
                "Mars/Olympus",
                False,
                local(2028, 1, 1),
            )
