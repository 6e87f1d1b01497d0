"""Upgrading a site built with an older commune profile."""

from imio.commune.cli.sites import pending_upgrades
from imio.commune.cli.sites import profile_versions
from imio.commune.cli.upgrade import upgrade_site
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from plone import api
from zope.component.hooks import setSite

import unittest


PROFILE = "imio.commune:default"
REST = "plone.restapi: Use REST API"
ETAGS = "plone.app.caching.weakCaching.plone.content.itemView.etags"


def rest_roles(site) -> set[str]:
    return {role["name"] for role in site.rolesOfPermission(REST) if role["selected"]}


class TestUpgradeTo1001(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        self.fresh = {
            "roles": rest_roles(self.site),
            "etags": api.portal.get_registry_record(ETAGS),
        }
        # The site as profile 1000 left it.
        self.site.manage_permission(REST, ["Anonymous"], acquire=True)
        api.portal.set_registry_record(
            ETAGS, tuple(tag for tag in self.fresh["etags"] if tag != "imio.alerts")
        )
        self.site["portal_setup"].setLastVersionForProfile(PROFILE, "1000")

    def test_upgrade_brings_the_site_level_with_a_fresh_one(self):
        self.assertEqual(pending_upgrades(self.site), [PROFILE])
        self.assertEqual(upgrade_site(self.site), f"mis à niveau : {PROFILE}")
        self.assertEqual(rest_roles(self.site), self.fresh["roles"])
        self.assertNotIn("Anonymous", rest_roles(self.site))
        self.assertEqual(api.portal.get_registry_record(ETAGS), self.fresh["etags"])
        self.assertEqual(
            profile_versions(self.site)["imio.commune"],
            self.site["portal_setup"].getVersionForProfile(PROFILE),
        )
        self.assertEqual(pending_upgrades(self.site), [])
        self.assertEqual(upgrade_site(self.site), "à jour")


class TestSiteProfilePage(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def test_answers_and_versions_shown_to_site_managers(self):
        site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(site)
        request = self.layer["request"]
        request.set("LANGUAGE", "fr")
        with api.env.adopt_roles(["Manager"]):
            page = site.restrictedTraverse("@@site-profile")()
        self.assertIn("<code>refnis</code>", page)
        self.assertIn("92054", page)
        self.assertIn("<code>imio.commune:default</code>", page)
        self.assertIn(site["portal_setup"].getVersionForProfile(PROFILE), page)
        controlpanel = api.portal.get_tool("portal_controlpanel")
        self.assertIn(
            "imio-site-profile", [action.id for action in controlpanel.listActions()]
        )


class TestUpgradeChains(unittest.TestCase):
    """A site at any earlier version of our profiles reaches the current one.

    GenericSetup only proposes a step whose source is the site's version: a
    step registered from a version that no other step reaches would never run,
    and the site would be marked up to date without it.
    """

    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def test_every_profile_has_an_unbroken_chain_to_its_version(self):
        from Products.GenericSetup.upgrade import _upgrade_registry

        site = self.layer["app"][COMMUNE_SITE_ID]
        setup = site["portal_setup"]
        for package in ("imio.website", "imio.eguichet", "imio.commune"):
            profile = f"{package}:default"
            steps = _upgrade_registry.getUpgradeStepsForProfile(profile).values()
            edges = set()
            for step in steps:
                for entry in step if isinstance(step, list) else [step]:
                    entry = entry[1] if isinstance(entry, tuple) else entry
                    edges.add((".".join(entry.source), ".".join(entry.dest)))
            sources = {source for source, _dest in edges}
            dests = {dest for _source, dest in edges}
            version = setup.getVersionForProfile(profile)
            with self.subTest(profile=profile):
                self.assertIn(version, dests)
                # Every step starts where another step ends, but the first.
                self.assertEqual(
                    sorted(sources - dests), [min(sources, key=int)], sorted(edges)
                )


class TestUpgradeTo1009(unittest.TestCase):
    """A site of profile 1008: legal pages in the main navigation, no legal notice."""

    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        from imio.commune.upgrades.v1009 import SOCIAL_LINKS

        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        with api.env.adopt_roles(["Manager"]):
            api.content.delete(self.site["mentions-legales"])
            for page in ("accessibilite", "vie-privee", "cookies"):
                self.site[page].exclude_from_nav = False
                self.site[page].reindexObject()
        actions = self.site["portal_actions"]["site_actions"]
        actions.manage_delObjects([
            name for name in actions.objectIds() if name.startswith("commune-")
        ])
        actions["accessibility"].visible = True
        del self.site["portal_registry"].records[SOCIAL_LINKS]
        self.site["portal_setup"].setLastVersionForProfile(PROFILE, "1008")

    def footer_links(self) -> list[str]:
        from imio.website.interfaces import IImioWebsiteLayer
        from zope.interface import alsoProvides

        import lxml.html

        request = self.layer["request"]
        alsoProvides(request, IImioWebsiteLayer)
        page = lxml.html.fromstring(self.site.restrictedTraverse("@@search")())
        return [
            link.get("href").rsplit("/", 1)[-1]
            for link in page.cssselect(
                "#portal-footer-wrapper .site-footer-legal-links a"
            )
        ]

    def test_legal_pages_leave_the_navigation_for_the_footer(self):
        self.assertEqual(upgrade_site(self.site), f"mis à niveau : {PROFILE}")
        catalog = api.portal.get_tool("portal_catalog")
        for page in ("accessibilite", "vie-privee", "cookies", "mentions-legales"):
            with self.subTest(page=page):
                [brain] = catalog(path={"query": f"/gesves/{page}", "depth": 0})
                self.assertTrue(brain.exclude_from_nav)
                self.assertEqual(brain.review_state, "published")
        self.assertEqual(self.site["mentions-legales"].title, "Mentions légales")
        self.assertEqual(
            api.portal.get_registry_record("imio.commune.social_links"), []
        )
        self.assertEqual(
            self.footer_links(),
            [
                "sitemap",
                "contact",
                "accessibilite",
                "vie-privee",
                "cookies",
                "mentions-legales",
            ],
        )


class TestUpgradeTo1010(unittest.TestCase):
    """A site of profile 1009: the footer's Contact went to Plone's generic form."""

    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)

    def contact_link(self) -> str:
        from imio.website.interfaces import IImioWebsiteLayer
        from zope.interface import alsoProvides

        import lxml.html

        request = self.layer["request"]
        alsoProvides(request, IImioWebsiteLayer)
        page = lxml.html.fromstring(self.site.restrictedTraverse("@@search")())
        [link] = page.cssselect(
            "#portal-footer-wrapper .site-footer-legal-links a[href$='contact'],"
            "#portal-footer-wrapper .site-footer-legal-links a[href$='contact-info']"
        )
        return link.get("href")

    def test_new_sites_link_the_communes_contact_page(self):
        self.assertIn("contact", self.site)
        self.assertEqual(self.contact_link(), f"{self.site.absolute_url()}/contact")

    def test_the_footers_contact_goes_to_the_communes_contact_page(self):
        action = self.site["portal_actions"]["site_actions"]["contact"]
        action._setPropValue(
            "url_expr",
            'python:f"{plone_portal_state.navigation_root_url()}/contact-info"',
        )
        self.site["portal_setup"].setLastVersionForProfile(PROFILE, "1009")
        self.assertEqual(upgrade_site(self.site), f"mis à niveau : {PROFILE}")
        self.assertEqual(self.contact_link(), f"{self.site.absolute_url()}/contact")

    def test_a_site_without_a_contact_section_keeps_the_contact_form(self):
        with api.env.adopt_roles(["Manager"]):
            api.content.delete(self.site["contact"])
        self.assertTrue(self.contact_link().endswith("/contact-info"))
