"""The contact page: every service but the administration, open or closed now."""

from imio.belgium.testing import at
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import read_in
from imio.website.tests.test_home import build_commune
from imio.website.tests.test_service import HOURS
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import html
import re
import unittest


def services(page: str) -> str:
    """The list of services, its markup on one line."""
    found = re.search(r'<ul class="commune-contact-services">.*?</ul>', page, re.S)
    if found is None:
        return ""
    return re.sub(r"\s+>", ">", " ".join(html.unescape(found.group(0)).split()))


class TestContactPage(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]
        read_in("fr", self.request)
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        build_commune(self.portal)
        api.content.create(
            self.portal["services"],
            "Service",
            id="population",
            title="Service Population",
            **HOURS,
        )
        api.content.create(
            self.portal["services"],
            "Service",
            id="bibliotheque",
            title="Bibliothèque",
        )

    def render(self) -> str:
        return self.portal.restrictedTraverse("@@commune-contact")()

    def test_services_say_if_they_are_open_now(self):
        with at(2025, 3, 3, 10, 0):
            listed = services(self.render())
        self.assertNotIn("Administration communale", listed)
        self.assertIn(
            '>Service Population</a> <span class="opening-status is-open">'
            "Ouvert actuellement</span>",
            listed,
        )
        self.assertIn(">Bibliothèque</a> </li>", listed)
        with at(2025, 3, 8, 10, 0):
            listed = services(self.render())
        self.assertIn(
            '>Service Population</a> <span class="opening-status is-closed">'
            "Fermé actuellement</span>",
            listed,
        )
        self.assertNotIn("Ouvert actuellement", listed)
