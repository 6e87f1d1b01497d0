"""An event repeating every 0 days is refused, never expanded forever."""

from imio.website.recurrence import RecurrenceIntervalZero
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from plone.app.event.dx.behaviors import IEventRecurrence
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD

import requests
import transaction
import unittest


class TestRecurrenceGuard(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.api = requests.Session()
        self.api.headers.update({"Accept": "application/json"})
        self.api.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
        self.addCleanup(self.api.close)
        transaction.commit()

    def event(self, recurrence: str):
        return self.api.post(
            self.portal.absolute_url(),
            json={
                "@type": "Event",
                "title": "Marché",
                "start": "2027-03-06T08:00:00+01:00",
                "end": "2027-03-06T13:00:00+01:00",
                "recurrence": recurrence,
            },
            timeout=60,
        )

    def test_the_field_refuses_an_interval_of_zero(self):
        field = IEventRecurrence["recurrence"]
        with self.assertRaises(RecurrenceIntervalZero):
            field.validate("RRULE:FREQ=DAILY;INTERVAL=0")
        with self.assertRaises(RecurrenceIntervalZero):
            field.validate("RRULE:FREQ=WEEKLY;INTERVAL=0;BYDAY=SA\nEXDATE:20270313")
        field.validate("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=SA")
        field.validate("RRULE:FREQ=WEEKLY;INTERVAL=10")

    def test_rest_refuses_it_with_a_message_and_creates_nothing(self):
        answer = self.event("RRULE:FREQ=DAILY;INTERVAL=0")
        self.assertEqual(answer.status_code, 400, answer.text)
        self.assertIn("interval", answer.text.lower())
        transaction.begin()
        self.assertNotIn("marche", self.portal.objectIds())
        answer = self.event("RRULE:FREQ=WEEKLY;BYDAY=SA;COUNT=4")
        self.assertEqual(answer.status_code, 201, answer.text)
