"""A site created by the ``commune`` distribution."""

from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_FUNCTIONAL_TESTING
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from plone import api
from plone.base.utils import get_installer
from plone.distribution.api import distribution as dist_api

from zope.component.hooks import setSite

import requests
import unittest


class TestCommuneSite(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.portal)

    def test_site_is_french_in_brussels_time(self):
        self.assertEqual(api.portal.get_registry_record("plone.default_language"), "fr")
        self.assertEqual(
            api.portal.get_registry_record("plone.portal_timezone"), "Europe/Brussels"
        )
        self.assertEqual(self.portal.title, "Commune de Gesves")

    def test_website_and_eguichet_installed(self):
        installer = get_installer(self.portal, self.layer["request"])
        for package in ("imio.website", "imio.eguichet", "collective.easyform"):
            with self.subTest(package=package):
                self.assertTrue(installer.is_product_installed(package))

    def test_creation_report_keeps_the_answers(self):
        report = dist_api.get_creation_report(self.portal)
        self.assertEqual(report.name, "commune")
        self.assertEqual(report.answers["refnis"], "92054")


class TestAnonymousVisit(unittest.TestCase):
    layer = IMIO_COMMUNE_FUNCTIONAL_TESTING

    def test_home_page_is_french_and_names_the_commune(self):
        url = self.layer["app"][COMMUNE_SITE_ID].absolute_url()
        response = requests.get(url, timeout=30)
        self.assertEqual(response.status_code, 200)
        self.assertIn('lang="fr"', response.text)
        self.assertIn("<title>Commune de Gesves", response.text)


class TestWebsiteMeetsEguichet(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def test_procedure_offers_the_sites_eguichet_forms(self):
        from zope.component import getUtility
        from zope.schema.interfaces import IVocabularyFactory

        site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(site)
        with api.env.adopt_roles(["Manager"]):
            form = api.content.create(
                container=site["e-guichet"],
                type="EasyForm",
                id="certificat-residence",
                title="Certificat de résidence",
            )
            # As the editor who fills the procedure's online-form field.
            factory = getUtility(IVocabularyFactory, "imio.website.OnlineForms")
            terms = [(term.value, term.title) for term in factory(site)]
        self.assertEqual(terms, [(form, "Certificat de résidence")])
