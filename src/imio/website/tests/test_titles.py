"""The browser's title of every page: "<page> — <commune>"."""

from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.tests.helpers import browser
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import lxml.html
import transaction
import unittest


COMMUNE = "Ville de Namur"


def title_of(page: str) -> str:
    titles = lxml.html.document_fromstring(page).findall(".//head/title")
    assert len(titles) == 1, f"{len(titles)} titles"
    return titles[0].text_content()


class TestTitles(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def setUp(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.site_title", COMMUNE)
        # A German page, as the browser asks for it.
        api.portal.set_registry_record("plone.use_request_negotiation", True)
        news = api.content.create(portal, "Folder", id="actualites", title="Actualités")
        api.content.create(news, "News Item", id="travaux", title="Travaux rue de Fer")
        contact = api.content.create(portal, "Folder", id="contact", title="Contact")
        contact.setLayout("commune-contact")
        for item in (news, news["travaux"], contact):
            api.content.transition(item, "publish")
        transaction.commit()
        self.portal_url = portal.absolute_url()
        self.session = browser()

    def title(self, path: str = "", language: str = "fr", **params) -> str:
        self.session.headers["Accept-Language"] = language
        response = self.session.get(self.portal_url + path, params=params, timeout=30)
        self.assertEqual(response.status_code, 200, path)
        return title_of(response.text)

    def test_content_then_commune(self):
        self.assertEqual(self.title("/actualites"), f"Actualités — {COMMUNE}")
        self.assertEqual(
            self.title("/actualites/travaux"), f"Travaux rue de Fer — {COMMUNE}"
        )
        self.assertEqual(self.title("/contact"), f"Contact — {COMMUNE}")

    def test_home_page_is_the_commune_s_name(self):
        self.assertEqual(self.title(), COMMUNE)
        self.layer["portal"].setLayout("commune-home")
        transaction.commit()
        self.assertEqual(self.title(), COMMUNE)

    def test_search_with_and_without_words(self):
        self.assertEqual(
            self.title("/@@search", SearchableText="carte d'identité"),
            f"Recherche : carte d'identité — {COMMUNE}",
        )
        self.assertEqual(self.title("/@@search"), f"Recherche — {COMMUNE}")
        self.assertEqual(
            self.title("/@@search", language="de", SearchableText="Umzug"),
            f"Suche: Umzug — {COMMUNE}",
        )

    def test_search_words_are_escaped(self):
        self.session.headers["Accept-Language"] = "fr"
        page = self.session.get(
            self.portal_url + "/@@search",
            params={"SearchableText": "</title><script>alert(1)</script>"},
            timeout=30,
        ).text
        self.assertNotIn("<script>alert(1)", page)
        self.assertEqual(
            title_of(page),
            f"Recherche : </title><script>alert(1)</script> — {COMMUNE}",
        )

    def test_life_event_and_audience_pages(self):
        self.assertEqual(self.title("/@@je-trouve"), f"Je trouve — {COMMUNE}")
        self.assertEqual(
            self.title("/@@je-trouve/demenagement"), f"Déménagement — {COMMUNE}"
        )
        self.assertEqual(self.title("/@@je-suis"), f"Je suis — {COMMUNE}")
        self.assertEqual(
            self.title("/@@je-suis/nouvel-habitant"), f"Nouvel habitant — {COMMUNE}"
        )
        self.assertEqual(
            self.title("/@@je-suis/nouvel-habitant", language="de"),
            f"Neubürger — {COMMUNE}",
        )

    def test_login_form(self):
        self.assertEqual(self.title("/login"), f"Se connecter — {COMMUNE}")
        self.assertEqual(self.title("/login", language="de"), f"Anmelden — {COMMUNE}")
