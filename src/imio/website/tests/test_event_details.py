"""Events with a communal place, a price, accessibility and an online link."""

from datetime import datetime
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import read_in
from plone import api
from plone.app.event.base import get_events
from plone.app.testing import setRoles
from plone.event.interfaces import IRecurrenceSupport
from plone.app.testing import TEST_USER_ID
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.intid.interfaces import IIntIds

import pytz
import unittest


BRUSSELS = pytz.timezone("Europe/Brussels")


class TestEventDetails(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        read_in("fr", self.layer["request"])
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.place = api.content.create(
            self.portal,
            "Place",
            id="salle",
            title="Salle des fêtes",
            street="Rue du Centre 3",
            postal_code="5000",
            city="Namur",
        )

    def create_event(self, **fields):
        return api.content.create(
            self.portal,
            "Event",
            title="Marché de Noël",
            start=BRUSSELS.localize(datetime(2025, 12, 13, 10, 0)),
            end=BRUSSELS.localize(datetime(2025, 12, 13, 18, 0)),
            **fields,
        )

    def render(self, event) -> str:
        return " ".join(event.restrictedTraverse(event.getLayout())().split())

    def test_the_page_shows_the_practical_details(self):
        event = self.create_event(
            place=RelationValue(getUtility(IIntIds).getId(self.place)),
            price="5 € (enfants 2 €)",
            reduced_mobility_access=True,
            online_link="https://billets.example.org/noel",
        )
        page = self.render(event)
        self.assertIn("Informations pratiques", page)
        self.assertIn(
            f'<a href="{self.place.absolute_url()}">Salle des fêtes</a>'
            " &mdash; Rue du Centre 3, 5000 Namur",
            page,
        )
        self.assertIn('<dd class="event-price">5 € (enfants 2 €)</dd>', page)
        self.assertIn("Accessible aux personnes à mobilité réduite", page)
        self.assertIn('href="https://billets.example.org/noel"', page)

    def test_no_block_without_details(self):
        page = self.render(self.create_event())
        self.assertNotIn("Informations pratiques", page)

    def test_user_input_is_escaped(self):
        page = self.render(self.create_event(price="<b>gratuit</b>"))
        self.assertIn("&lt;b&gt;gratuit&lt;/b&gt;", page)

    def test_recurring_events_keep_their_occurrences(self):
        event = self.create_event(
            recurrence="RRULE:FREQ=WEEKLY;COUNT=3",
            price="Gratuit",
        )
        occurrences = get_events(
            self.portal,
            start=BRUSSELS.localize(datetime(2025, 12, 1)),
            ret_mode=2,
            expand=True,
        )
        starts = [occurrence.start.date().isoformat() for occurrence in occurrences]
        self.assertEqual(starts, ["2025-12-13", "2025-12-20", "2025-12-27"])
        occurrence = list(IRecurrenceSupport(event).occurrences())[1]
        self.assertEqual(occurrence.start.date().isoformat(), "2025-12-20")
        page = " ".join(occurrence.restrictedTraverse("@@event_view")().split())
        self.assertIn('<dd class="event-price">Gratuit</dd>', page)
