"""Content images: width, height and the widths a screen may choose from."""

from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.tests.helpers import browser
from imio.website.tests.test_home import photo
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import lxml.html
import transaction
import unittest


class TestLeadImage(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def setUp(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        self.news = api.content.create(
            portal,
            "News Item",
            id="marche-de-noel",
            title="Marché de Noël",
            image=photo(2400, 1600),
        )
        api.content.transition(self.news, "publish")
        transaction.commit()

    def lead_image(self):
        response = browser().get(self.news.absolute_url(), timeout=30)
        self.assertEqual(response.status_code, 200)
        page = lxml.html.document_fromstring(response.text)
        return page.get_element_by_id("section-leadimage")

    def test_lead_image_offers_its_scales_with_its_size(self):
        section = self.lead_image()
        source = section.find(".//picture/source")
        widths = sorted(
            int(candidate.split()[-1].rstrip("w"))
            for candidate in source.get("srcset").split(",")
        )
        self.assertLessEqual(widths[0], 400)
        self.assertGreaterEqual(widths[-1], 1200)
        self.assertTrue(source.get("sizes"))
        image = section.find(".//picture/img")
        self.assertEqual(image.get("alt"), "Marché de Noël")
        width, height = int(image.get("width")), int(image.get("height"))
        self.assertAlmostEqual(width / height, 1.5, places=2)
        # At the top of the page: loaded at once, not when scrolled to.
        self.assertIsNone(image.get("loading"))
