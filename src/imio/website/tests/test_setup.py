"""Installing and removing imio.website."""

from imio.website.interfaces import IImioWebsiteLayer
from imio.website.upgrades.v1004 import catalog_opening_hours
from imio.website.upgrades.v1007 import catalog_online_form_links
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
PROFILE = "imio.website:default"
AUDIENCES = "collective.taxonomy.generated.audience"
TAGGED_PLONE_TYPES = ("Document", "News Item", "Event")
FEEDS = "plone.base.interfaces.syndication.ISiteSyndicationSettings.default_enabled"


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

    def test_uninstall_gives_the_site_root_its_plone_view_back(self):
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.installer.uninstall_product("imio.website")
        site_type = self.portal.portal_types["Plone Site"]
        self.assertEqual(site_type.default_view, "document_view")
        self.assertNotIn("commune-home", site_type.view_methods)
        self.assertIn("listing_view", site_type.view_methods)
        self.assertNotIn("featured", self.portal.portal_catalog.indexes())
        self.assertFalse(api.portal.get_registry_record(FEEDS))
        for portal_type in TAGGED_PLONE_TYPES:
            behaviors = self.portal.portal_types[portal_type].behaviors
            self.assertNotIn(AUDIENCES, behaviors)
            self.assertIn("plone.richtext", behaviors)


class TestUpgrades(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.setup = self.portal.portal_setup

    def assert_latest(self):
        """The site is at the profile's own version, whatever steps it took."""
        self.assertEqual(
            self.setup.getLastVersionForProfile(PROFILE),
            (self.setup.getVersionForProfile(PROFILE),),
        )

    def as_in_1007(self):
        """The site where every signed-in user got Plone's toolbar."""
        self.portal.manage_permission("Show Toolbar", ["Authenticated"], acquire=True)
        self.setup.setLastVersionForProfile(PROFILE, "1007")

    def as_in_1005(self):
        """The site before the procedures' online form was in the catalog."""
        self.as_in_1007()
        self.portal.portal_catalog.delColumn("online_form_link")
        self.setup.setLastVersionForProfile(PROFILE, "1005")

    def as_in_1000(self):
        """The site as profile 1000 left it."""
        self.as_in_1001()
        site_type = self.portal.portal_types["Plone Site"]
        site_type.default_view = "document_view"
        site_type.view_methods = tuple(
            name for name in site_type.view_methods if name != "commune-home"
        )
        self.portal.portal_catalog.delIndex("featured")
        self.setup.setLastVersionForProfile(PROFILE, "1000")

    def as_in_1003(self):
        fti = self.portal.portal_types["Event"]
        fti.behaviors = tuple(
            name for name in fti.behaviors if name != "imio.website.event_details"
        )
        self.portal.portal_catalog.delColumn("opening_hours")
        self.setup.setLastVersionForProfile(PROFILE, "1003")

    def as_in_1002(self):
        self.as_in_1003()
        api.portal.set_registry_record(FEEDS, False)
        self.setup.setLastVersionForProfile(PROFILE, "1002")

    def as_in_1001(self):
        self.as_in_1002()
        for portal_type in TAGGED_PLONE_TYPES:
            fti = self.portal.portal_types[portal_type]
            fti.behaviors = tuple(
                name for name in fti.behaviors if "collective.taxonomy" not in name
            )
        self.setup.setLastVersionForProfile(PROFILE, "1001")

    def test_1001_shows_the_home_page_and_indexes_featured_procedures(self):
        self.as_in_1000()
        self.assertEqual(self.portal.getLayout(), "document_view")
        self.setup.upgradeProfile(PROFILE)
        self.assert_latest()
        self.assertEqual(self.portal.getLayout(), "commune-home")
        self.assertIn("featured", self.portal.portal_catalog.indexes())
        procedure = api.content.create(
            self.portal, "Procedure", title="Passeport", featured=True
        )
        found = api.content.find(portal_type="Procedure", featured=True)
        self.assertEqual([brain.UID for brain in found], [procedure.UID()])

    def test_1002_tags_pages_news_and_events(self):
        self.as_in_1001()
        self.setup.upgradeProfile(PROFILE)
        self.assert_latest()
        for portal_type in TAGGED_PLONE_TYPES:
            behaviors = self.portal.portal_types[portal_type].behaviors
            self.assertIn(AUDIENCES, behaviors)
            self.assertIn("plone.richtext", behaviors)

    def test_1003_offers_feeds_on_folders(self):
        self.as_in_1002()
        self.setup.upgradeProfile(PROFILE)
        self.assert_latest()
        self.assertTrue(api.portal.get_registry_record(FEEDS))

    def test_1004_details_events_and_catalogs_opening_hours(self):
        api.content.create(
            self.portal, "Service", id="population", monday="08:30-12:00"
        )
        self.as_in_1003()
        self.setup.upgradeProfile(PROFILE)
        self.assert_latest()
        behaviors = self.portal.portal_types["Event"].behaviors
        self.assertEqual(behaviors.count("imio.website.event_details"), 1)
        [brain] = api.content.find(portal_type="Service")
        self.assertEqual(brain.opening_hours["monday"], "08:30-12:00")

    def test_1004_runs_twice_without_harm(self):
        self.as_in_1003()
        self.setup.upgradeProfile(PROFILE)
        catalog_opening_hours(self.setup)
        self.portal.portal_setup.runImportStepFromProfile(
            "profile-imio.website:default", "typeinfo"
        )
        behaviors = self.portal.portal_types["Event"].behaviors
        self.assertEqual(behaviors.count("imio.website.event_details"), 1)
        self.assertIn("opening_hours", self.portal.portal_catalog.schema())

    def test_1007_catalogs_where_to_ask_online(self):
        api.content.create(
            self.portal,
            "Procedure",
            id="passeport",
            online_form_url="https://www.ibz.rrn.fgov.be/",
        )
        api.content.create(self.portal, "Procedure", id="permis")
        self.as_in_1005()
        self.setup.upgradeProfile(PROFILE)
        self.assert_latest()
        links = {
            brain.getId: brain.online_form_link
            for brain in api.content.find(portal_type="Procedure")
        }
        passport = {"url": "https://www.ibz.rrn.fgov.be/"}
        self.assertEqual(links, {"passeport": passport, "permis": None})
        # Run again, it changes nothing.
        catalog_online_form_links(self.setup)
        self.assertIn("online_form_link", self.portal.portal_catalog.schema())
        self.assertEqual(api.content.find(id="passeport")[0].online_form_link, passport)

    def test_1008_keeps_the_toolbar_for_editors_only(self):
        self.as_in_1007()
        self.setup.upgradeProfile(PROFILE)
        self.assert_latest()
        roles = {
            role["name"]
            for role in self.portal.rolesOfPermission("Show Toolbar")
            if role["selected"]
        }
        self.assertEqual(
            roles,
            {"Manager", "Site Administrator", "Editor", "Contributor", "Reviewer"},
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
