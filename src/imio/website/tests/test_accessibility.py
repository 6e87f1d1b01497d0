"""Plone's templates that the website amends for screen readers, on every page."""

from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from lxml import html
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import unittest


class TestAccessibleToolbar(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.page = api.content.create(
            self.portal, "Document", id="etat-civil", title="État civil"
        )
        api.user.create(email="editeur@namur.be", username="editeur")
        api.user.grant_roles(username="editeur", roles=["Editor"])
        login(self.portal, "editeur")

    def test_the_toolbar_pins_are_buttons(self):
        page = html.fromstring(self.page())
        for name in ("toolbar-collapse", "toolbar-expand"):
            (control,) = page.xpath(f"//a[@class='{name}']")
            self.assertEqual(control.get("role"), "button")
            self.assertEqual(control.get("tabindex"), "0")
            self.assertTrue(control.get("aria-label"))
        self.assertTrue(
            page.xpath("//*[@id='edit-zone']//*[@id='plone-contentmenu-workflow']")
        )
