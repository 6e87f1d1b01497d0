"""What each answer of a commune profile changes on the site it builds."""

from imio.commune.answers import AnswersError
from imio.commune.answers import apply_answers
from imio.commune.answers import complete_answers
from imio.commune.answers import contrast_with_white
from imio.commune.answers import stored_answers
from imio.commune.testing import IMIO_COMMUNE_FUNCTIONAL_TESTING
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from plone import api
from zope.component.hooks import setSite

import requests
import transaction
import unittest


def create_site(app, **answers):
    from plone.distribution.api import site as site_api

    site = site_api._create_site(app, "commune", complete_answers(answers))
    setSite(site)
    return site


EVERY_OPTION = {
    "site_id": "eupen",
    "title": "Gemeinde Eupen",
    "description": "Die Gemeinde Eupen",
    "refnis": "63023",
    "default_language": "de",
    "other_languages": ["fr"],
    "main_colour": "#7a1f2b",
    "contact": {
        "street": "Am Stadthaus 1",
        "postal_code": "4700",
        "city": "Eupen",
        "phone": "+32 87 59 58 00",
        "email": "info@eupen.be",
    },
    "opening_hours": {"monday": "08:00-12:00 13:30-16:30", "friday": "08:00-12:00"},
    "sections": ["services", "actualites"],
    "mail_sender": "e-schalter@eupen.be",
}


class TestCompleteAnswers(unittest.TestCase):
    def test_defaults(self):
        answers = complete_answers({
            "site_id": "gesves",
            "title": "G",
            "refnis": "92054",
        })
        self.assertEqual(answers["default_language"], "fr")
        self.assertEqual(answers["portal_timezone"], "Europe/Brussels")
        self.assertEqual(len(answers["sections"]), 8)

    def test_unknown_commune_names_the_field(self):
        with self.assertRaises(AnswersError) as raised:
            complete_answers({"site_id": "x", "title": "Nulle part", "refnis": "99999"})
        self.assertEqual(raised.exception.field, "refnis")
        self.assertIn("code INS", str(raised.exception))

    def test_light_colour_is_refused_for_contrast(self):
        self.assertGreater(contrast_with_white("#005a85"), 7)
        self.assertLess(contrast_with_white("#3399ff"), 4.5)
        with self.assertRaises(AnswersError) as raised:
            complete_answers({**EVERY_OPTION, "main_colour": "#ffcc00"})
        self.assertEqual(raised.exception.field, "main_colour")
        self.assertIn("4,5:1", str(raised.exception))

    def test_postal_code_must_be_the_communes(self):
        contact = {**EVERY_OPTION["contact"], "postal_code": "5000"}
        with self.assertRaises(AnswersError) as raised:
            complete_answers({**EVERY_OPTION, "contact": contact})
        self.assertEqual(raised.exception.field, "contact.postal_code")
        self.assertIn("Eupen", str(raised.exception))


class TestSitesFromAnswers(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.app = self.layer["app"]

    def test_minimal_answers_make_a_french_site_with_every_section(self):
        site = create_site(
            self.app, site_id="ohey", title="Commune d'Ohey", refnis="92097"
        )
        self.assertEqual(site.Language(), "fr")
        self.assertEqual(site["ma-commune"].title, "Ma commune")
        self.assertEqual(site["demarches"].title, "Démarches")
        self.assertEqual(api.content.get_state(site["e-guichet"]), "published")
        self.assertEqual(site["accessibilite"].title, "Déclaration d'accessibilité")
        self.assertNotIn("administration", site["services"])
        self.assertIsNone(api.portal.get_registry_record("imio.commune.main_colour"))
        group = api.group.get(groupname="editeurs")
        self.assertEqual(group.getProperty("title"), "Éditeurs")

    def test_every_option_in_german(self):
        site = create_site(self.app, **EVERY_OPTION)
        self.assertEqual(site.Language(), "de")
        self.assertEqual(
            api.portal.get_registry_record("plone.available_languages"), ["de", "fr"]
        )
        sections = [
            item.getId()
            for item in site.contentValues()
            if item.portal_type == "Folder"
        ]
        self.assertEqual(sorted(sections), ["actualites", "services"])
        self.assertNotIn("ma-commune", site)
        self.assertEqual(site["actualites"].title, "Aktuelles")
        self.assertEqual(site["vie-privee"].title, "Datenschutz")
        administration = site["services"]["administration"]
        self.assertEqual(administration.title, "Gemeindeverwaltung")
        self.assertEqual(administration.postal_code, "4700")
        self.assertEqual(administration.monday, "08:00-12:00 13:30-16:30")
        self.assertEqual(administration.emails, ["info@eupen.be"])
        self.assertEqual(
            api.portal.get_registry_record("plone.email_from_address"),
            "e-schalter@eupen.be",
        )
        self.assertEqual(
            api.portal.get_registry_record("imio.commune.main_colour"), "#7a1f2b"
        )
        self.assertEqual(stored_answers(site)["refnis"], "63023")

    def test_applying_the_same_answers_again_changes_nothing(self):
        answers = complete_answers(EVERY_OPTION)
        site = create_site(self.app, **EVERY_OPTION)
        self.assertEqual(apply_answers(site, answers), [])
        changed = apply_answers(site, {**answers, "title": "Stadt Eupen"})
        self.assertIn("title", changed)
        self.assertEqual(site.title, "Stadt Eupen")


class TestBranding(unittest.TestCase):
    layer = IMIO_COMMUNE_FUNCTIONAL_TESTING

    def test_main_colour_reaches_every_page(self):
        site = create_site(self.layer["app"], **EVERY_OPTION)
        transaction.commit()
        page = requests.get(site.absolute_url(), timeout=30).text
        self.assertIn("--imio-primary:#7a1f2b;", page)
        self.assertIn("--imio-primary-rgb:122,31,43;", page)


class TestFooterAnswers(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def test_legal_pages_out_of_the_navigation_with_a_legal_notice(self):
        site = create_site(
            self.layer["app"],
            site_id="ohey",
            title="Commune d'Ohey",
            refnis="92097",
            social_links=["https://www.facebook.com/communeohey"],
        )
        self.assertEqual(site["mentions-legales"].title, "Mentions légales")
        catalog = api.portal.get_tool("portal_catalog")
        for page in ("accessibilite", "vie-privee", "cookies", "mentions-legales"):
            with self.subTest(page=page):
                [brain] = catalog(path={"query": f"/ohey/{page}", "depth": 0})
                self.assertTrue(brain.exclude_from_nav)
                self.assertEqual(api.content.get_state(site[page]), "published")
        self.assertEqual(
            api.portal.get_registry_record("imio.commune.social_links"),
            ["https://www.facebook.com/communeohey"],
        )
