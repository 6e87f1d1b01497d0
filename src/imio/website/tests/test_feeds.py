"""RSS 2.0 and Atom feeds of the news folder."""

from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import browser
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.base.interfaces.syndication import IFeedSettings
from xml.etree import ElementTree

import transaction
import unittest


ATOM = "{http://www.w3.org/2005/Atom}"
DEFAULT_ENABLED = (
    "plone.base.interfaces.syndication.ISiteSyndicationSettings.default_enabled"
)


def feed(url: str) -> ElementTree.Element:
    response = browser().get(url, timeout=30)
    assert response.status_code == 200, (url, response.status_code)
    # The feed of our own test server, not untrusted input.
    return ElementTree.fromstring(response.content)  # noqa: S314


class TestFeedSettings(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def test_folders_have_their_feed_unless_editors_switch_it_off(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        self.assertTrue(api.portal.get_registry_record(DEFAULT_ENABLED))
        news = api.content.create(portal, "Folder", id="actualites", title="News")
        self.assertTrue(IFeedSettings(news).enabled)
        IFeedSettings(news).enabled = False
        self.assertFalse(IFeedSettings(news).enabled)


class TestNewsFeeds(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def setUp(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        news = api.content.create(portal, "Folder", id="actualites", title="Actualités")
        api.content.transition(news, "publish")
        for title in ("Travaux rue de Fer", "Nouveau parc communal"):
            item = api.content.create(
                news, "News Item", title=title, description=f"{title} : détails."
            )
            api.content.transition(item, "publish")
        api.content.create(news, "News Item", title="Brouillon")
        transaction.commit()
        self.url = news.absolute_url()

    def test_rss_2(self):
        channel = feed(self.url + "/rss.xml").find("channel")
        self.assertEqual(channel.findtext("title"), "Actualités")
        items = {item.findtext("title"): item for item in channel.findall("item")}
        self.assertEqual(sorted(items), ["Nouveau parc communal", "Travaux rue de Fer"])
        park = items["Nouveau parc communal"]
        self.assertEqual(park.findtext("guid"), self.url + "/nouveau-parc-communal")
        self.assertEqual(
            park.findtext("description"), "Nouveau parc communal : détails."
        )
        self.assertTrue(park.findtext("pubDate"))

    def test_atom(self):
        root = feed(self.url + "/atom.xml")
        self.assertEqual(root.tag, f"{ATOM}feed")
        titles = sorted(
            entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")
        )
        self.assertEqual(titles, ["Nouveau parc communal", "Travaux rue de Fer"])

    def test_folder_page_announces_its_feed(self):
        page = browser().get(self.url, timeout=30)
        self.assertIn('type="application/rss+xml"', page.text)
