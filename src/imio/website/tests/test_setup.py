"""Installing and removing imio.website."""

from imio.website.interfaces import IImioWebsiteLayer
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.base.utils import get_installer
from plone.browserlayer import utils as browserlayer

import requests
import unittest


THEME_BUNDLE = "plone.bundles/imio-website"


class TestInstall(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.installer = get_installer(self.portal, self.layer["request"])

    def test_installed_with_its_layer_and_theme(self):
        self.assertTrue(self.installer.is_product_installed("imio.website"))
        self.assertIn(IImioWebsiteLayer, browserlayer.registered_layers())
        self.assertTrue(api.portal.get_registry_record(f"{THEME_BUNDLE}.enabled"))

    def test_uninstall_removes_layer_and_theme(self):
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.installer.uninstall_product("imio.website")
        self.assertNotIn(IImioWebsiteLayer, browserlayer.registered_layers())
        self.assertIsNone(
            api.portal.get_registry_record(f"{THEME_BUNDLE}.enabled", default=None)
        )


class TestTheme(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def test_pages_link_the_theme_stylesheet_which_is_served(self):
        page = requests.get(self.layer["portal"].absolute_url(), timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertIn("++plone++imio.website/website.css", page.text)
        css = requests.get(
            self.layer["portal"].absolute_url() + "/++plone++imio.website/website.css",
            timeout=30,
        )
        self.assertEqual(css.status_code, 200)
        self.assertIn("--imio-primary: #005a85", css.text)
