"""The site's footer: the commune's contacts, hours, map, social and legal links."""

from imio.belgium.testing import at
from imio.website.browser.footer import map_url
from imio.website.browser.footer import social_links
from imio.website.interfaces import IImioWebsiteLayer
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import read_in
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from types import SimpleNamespace
from zope.interface import alsoProvides

import lxml.html
import requests
import transaction
import unittest


ADMINISTRATION = {
    "street": "Hôtel de Ville",
    "postal_code": "5000",
    "city": "Namur",
    "phones": ["081 24 60 00"],
    "emails": ["info@ville.namur.be"],
    "monday": "08:30-12:00 13:00-16:00",
    "wednesday": "08:30-12:00",
}


class TestLinks(unittest.TestCase):
    def test_map_at_the_position_or_the_address(self):
        here = SimpleNamespace(
            latitude=50.4649, longitude=4.8662, street="", postal_code="", city=""
        )
        self.assertEqual(
            map_url(here),
            "https://www.openstreetmap.org/?mlat=50.4649&mlon=4.8662"
            "#map=18/50.4649/4.8662",
        )
        address = SimpleNamespace(
            latitude=None,
            longitude=None,
            **{
                name: ADMINISTRATION[name] for name in ("street", "postal_code", "city")
            },
        )
        self.assertEqual(
            map_url(address),
            "https://www.openstreetmap.org/search?query="
            "H%C3%B4tel%20de%20Ville%2C%205000%20Namur",
        )

    def test_social_links_named_after_their_network(self):
        self.assertEqual(
            [
                link["name"]
                for link in social_links([
                    "https://www.facebook.com/villedenamur",
                    "https://www.instagram.com/villedenamur/",
                    "https://mastodon.example.be/@namur",
                ])
            ],
            ["Facebook", "Instagram", "mastodon.example.be"],
        )


class TestFooter(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]
        alsoProvides(self.request, IImioWebsiteLayer)
        read_in("fr", self.request)
        api.portal.set_registry_record("plone.site_title", "Ville de Namur")
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        services = api.content.create(
            self.portal, "Folder", id="services", title="Services"
        )
        self.administration = api.content.create(
            services,
            "Service",
            id="administration",
            title="Administration communale",
            **ADMINISTRATION,
        )
        for item in (services, self.administration):
            api.content.transition(item, "publish")
        logout()

    def footer(self):
        page = self.portal.restrictedTraverse("@@search")()
        [footer] = lxml.html.fromstring(page).cssselect("footer#portal-footer-wrapper")
        return footer

    def texts(self, node, selector) -> list[str]:
        return [
            " ".join(each.text_content().split()) for each in node.cssselect(selector)
        ]

    @at(2026, 3, 2, 10, 0)
    def test_contacts_hours_open_now_and_map(self):
        footer = self.footer()
        self.assertEqual(
            self.texts(footer, "h2")[:2], ["Ville de Namur", "Heures d'ouverture"]
        )
        self.assertEqual(self.texts(footer, "address"), ["Hôtel de Ville5000 Namur"])
        self.assertEqual(
            [
                (link.text, link.get("href"))
                for link in footer.cssselect(".site-footer-contact a")
            ],
            [
                ("081 24 60 00", "tel:081246000"),
                ("info@ville.namur.be", "mailto:info@ville.namur.be"),
                (
                    "Voir sur la carte (OpenStreetMap)",
                    "https://www.openstreetmap.org/search?query="
                    "H%C3%B4tel%20de%20Ville%2C%205000%20Namur",
                ),
            ],
        )
        self.assertEqual(
            self.texts(footer, ".site-footer-status.is-open"), ["Ouvert actuellement"]
        )
        self.assertEqual(self.texts(footer, "dt"), ["Lundi", "Mercredi"])
        self.assertEqual(
            self.texts(footer, "dd"), ["08:30–12:00, 13:00–16:00", "08:30–12:00"]
        )

    @at(2026, 3, 3, 10, 0)
    def test_closed_on_tuesday(self):
        footer = self.footer()
        self.assertEqual(
            self.texts(footer, ".site-footer-status.is-closed"), ["Fermé actuellement"]
        )

    def test_no_plone_copyright_nor_powered_by(self):
        footer = self.footer()
        self.assertNotIn("Plone", footer.text_content())
        self.assertEqual(footer.cssselect(".portletActions, .portletWrapper"), [])
        self.assertEqual(
            self.texts(footer, ".site-footer-legal-links a"),
            ["Plan du site", "Accessibilité", "Contact"],
        )

    def test_a_private_administration_stays_out(self):
        login(self.portal, TEST_USER_NAME)
        api.content.transition(self.administration, "retract")
        logout()
        footer = self.footer()
        self.assertEqual(footer.cssselect("address, .site-footer-hours"), [])
        self.assertEqual(self.texts(footer, "h2"), ["Ville de Namur"])

    def test_the_footer_follows_an_edit_of_the_administration(self):
        self.footer()
        login(self.portal, TEST_USER_NAME)
        self.administration.phones = ["081 24 69 99"]
        self.administration.reindexObject()
        logout()
        self.assertIn("081 24 69 99", self.footer().text_content())


class TestFooterAddresses(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def test_links_follow_the_address_the_site_is_reached_at(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        services = api.content.create(portal, "Folder", id="services", title="S")
        administration = api.content.create(
            services, "Service", id="administration", title="A", **ADMINISTRATION
        )
        for item in (services, administration):
            api.content.transition(item, "publish")
        transaction.commit()
        url = portal.absolute_url()
        for host in ("localhost", "www.namur.be"):
            with self.subTest(host=host):
                port = url.split(":")[2].split("/")[0]
                page = requests.get(
                    url, headers={"Host": f"{host}:{port}"}, timeout=30
                ).text
                [link] = lxml.html.fromstring(page).cssselect(".site-footer-hours p a")
                self.assertEqual(
                    link.get("href"),
                    f"http://{host}:{port}/plone/services/administration",
                )
