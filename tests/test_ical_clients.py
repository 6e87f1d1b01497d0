"""Our calendars as agenda applications read them: ical.js, from npm.

ical.js is the parser of many web and mobile agenda applications, independent
of the Python iCalendar library that writes our .ics. `make test` installs it
into tests/ical/node_modules from tests/ical/package-lock.json.
"""

from datetime import date
from datetime import datetime
from datetime import timedelta
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.tests.helpers import browser
from imio.website.tests.test_home import create_event
from pathlib import Path
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import json
import shutil
import subprocess
import transaction
import unittest


EXPAND = Path(__file__).resolve().parent / "ical" / "expand.mjs"
NODE = shutil.which("node") or "node"
MARKET = "Marché hebdomadaire"
# Belgium's summer time in 2027: from 28 March to 31 October.
SATURDAYS = [date(2027, 1, 2) + timedelta(weeks=week) for week in range(52)]
SUMMER = [day for day in SATURDAYS if date(2027, 3, 28) < day < date(2027, 10, 31)]


def occurrences(url: str) -> list[dict]:
    """Each occurrence of the calendar at `url`, as ical.js expands it."""
    response = browser().get(url, timeout=30)
    assert response.status_code == 200, (url, response.status_code)
    expanded = subprocess.run(
        [NODE, str(EXPAND)],
        input=response.content,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return [json.loads(line) for line in expanded.stdout.splitlines()]


class TestCalendarsInIcalJs(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        # As the commune distribution sets it.
        api.portal.set_registry_record("plone.portal_timezone", "Europe/Brussels")
        self.agenda = api.content.create(
            self.portal, "Folder", id="agenda", title="Agenda"
        )
        self.market = create_event(
            self.agenda,
            MARKET,
            datetime(2027, 1, 2, 8, 0),
            hours=5,
            location="Place Saint-Aubain, Namur",
            recurrence="RRULE:FREQ=WEEKLY;COUNT=52",
        )
        concert = create_event(
            self.agenda, "Fête de la musique", datetime(2027, 6, 21, 20, 0)
        )
        for content in (self.agenda, self.market, concert):
            api.content.transition(content, "publish")
        transaction.commit()

    def test_weekly_market_at_eight_every_saturday_of_the_year(self):
        self.assertEqual(SUMMER[0], date(2027, 4, 3))
        self.assertEqual(SUMMER[-1], date(2027, 10, 30))
        self.assertEqual(len(SUMMER), 31)
        for url in (
            self.market.absolute_url() + "/@@ics_view",
            self.agenda.absolute_url() + "/@@ics_view",
            self.portal.absolute_url() + "/@@ics_view",
        ):
            market = [item for item in occurrences(url) if item["summary"] == MARKET]
            self.assertEqual(
                [item["local"] for item in market],
                [f"{day}T08:00:00" for day in SATURDAYS],
                url,
            )
            self.assertEqual(
                [item["utc"] for item in market],
                [
                    f"{day}T06:00:00.000Z" if day in SUMMER else f"{day}T07:00:00.000Z"
                    for day in SATURDAYS
                ],
                url,
            )

    def test_one_summer_evening_in_the_whole_agenda(self):
        (concert,) = [
            item
            for item in occurrences(self.agenda.absolute_url() + "/@@ics_view")
            if item["summary"] == "Fête de la musique"
        ]
        self.assertEqual(concert["local"], "2027-06-21T20:00:00")
        self.assertEqual(concert["utc"], "2027-06-21T18:00:00.000Z")
