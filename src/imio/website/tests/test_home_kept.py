"""The home page's lists kept for visitors: never older than the content."""

from datetime import datetime
from imio.belgium.testing import at
from imio.website.browser import home
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import read_in
from imio.website.tests.test_home import build_commune
from imio.website.tests.test_home import cards
from imio.website.tests.test_home import create_event
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME

from unittest import mock

import unittest


class TestKeptForVisitors(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        clock = at(2026, 9, 14, 10, 0)
        clock.start()
        self.addCleanup(clock.stop)
        self.portal = self.layer["portal"]
        read_in("fr", self.layer["request"])
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        build_commune(self.portal)
        for folder_id in ("actualites", "agenda"):
            api.content.transition(self.portal[folder_id], "publish")

    def titles(self, block: str, editor: bool = False) -> list[str]:
        if editor:
            login(self.portal, TEST_USER_NAME)
        else:
            logout()
        try:
            page = self.portal.restrictedTraverse("@@commune-home")()
        finally:
            login(self.portal, TEST_USER_NAME)
        return [card["title"] for card in cards(page, block)]

    def add_news(self, title: str, publish: bool = True):
        item = api.content.create(self.portal["actualites"], "News Item", title=title)
        if publish:
            api.content.transition(item, "publish")

    def test_news_published_in_the_same_minute_shows_at_once(self):
        self.add_news("Travaux rue de Fer")
        self.assertEqual(self.titles("news"), ["Travaux rue de Fer"])
        self.add_news("Marché de Noël")
        self.assertEqual(self.titles("news"), ["Marché de Noël", "Travaux rue de Fer"])

    def test_event_over_leaves_the_list_the_next_minute(self):
        event = create_event(
            self.portal["agenda"], "Conseil des jeunes", datetime(2026, 9, 14, 9, 0)
        )
        api.content.transition(event, "publish")
        with at(2026, 9, 14, 10, 59):
            self.assertEqual(self.titles("events"), ["Conseil des jeunes"])
            self.assertEqual(self.titles("events"), ["Conseil des jeunes"])
        with at(2026, 9, 14, 11, 1):
            self.assertEqual(self.titles("events"), [])

    def test_what_editors_see_is_not_shown_to_visitors(self):
        self.add_news("Travaux rue de Fer")
        self.add_news("Brouillon du bulletin", publish=False)
        editors = ["Brouillon du bulletin", "Travaux rue de Fer"]
        self.assertEqual(self.titles("news", editor=True), editors)
        self.assertEqual(self.titles("news"), ["Travaux rue de Fer"])
        self.assertEqual(self.titles("news", editor=True), editors)
        self.assertEqual(self.titles("news"), ["Travaux rue de Fer"])

    def test_next_visitor_in_the_same_minute_gets_the_news_as_kept(self):
        self.add_news("Travaux rue de Fer")
        self.assertEqual(self.titles("news"), ["Travaux rue de Fer"])
        # Making a news card again would fail: the visitor gets the kept one.
        with mock.patch.object(home, "card_image", side_effect=AssertionError):
            self.assertEqual(self.titles("news"), ["Travaux rue de Fer"])
            with self.assertRaises(AssertionError):
                self.titles("news", editor=True)
