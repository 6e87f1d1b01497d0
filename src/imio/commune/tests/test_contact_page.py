"""The contact section shows the administration, its hours and every service."""

from imio.commune.answers import apply_answers
from imio.commune.answers import stored_answers
from imio.commune.cli.upgrade import upgrade_site
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_FUNCTIONAL_TESTING
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from plone import api
from zope.component.hooks import setSite

import requests
import transaction
import unittest


PROFILE = "imio.commune:default"
CONTACT = {
    "street": "Rue de la Pichelotte 9",
    "postal_code": "5340",
    "city": "Gesves",
    "phone": "+32 83 67 02 11",
    "email": "info@gesves.be",
}


class TestContactLayout(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)

    def test_new_site_contact_section_uses_the_contact_page(self):
        self.assertEqual(self.site["contact"].getLayout(), "commune-contact")

    def test_upgrade_sets_it_and_keeps_an_editors_choice(self):
        del self.site["contact"].layout
        self.site["portal_setup"].setLastVersionForProfile(PROFILE, "1003")
        upgrade_site(self.site)
        self.assertEqual(self.site["contact"].getLayout(), "commune-contact")
        self.site["contact"].setLayout("folder_listing")
        apply_answers(self.site, stored_answers(self.site))
        self.assertEqual(self.site["contact"].getLayout(), "folder_listing")


class TestContactPage(unittest.TestCase):
    layer = IMIO_COMMUNE_FUNCTIONAL_TESTING

    def test_citizen_reads_the_administration_and_the_services(self):
        site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(site)
        answers = {
            **stored_answers(site),
            "contact": CONTACT,
            "opening_hours": {"monday": "08:30-12:00"},
        }
        apply_answers(site, answers)
        with api.env.adopt_roles(["Manager"]):
            urbanisme = api.content.create(
                site["services"], "Service", id="urbanisme", title="Urbanisme <b>"
            )
            api.content.transition(urbanisme, "publish")
        transaction.commit()
        page = requests.get(
            f"{site.absolute_url()}/contact",
            headers={"Accept-Language": "fr"},
            timeout=30,
        )
        self.assertEqual(page.status_code, 200)
        self.assertIn("Administration communale", page.text)
        self.assertIn("Rue de la Pichelotte 9", page.text)
        self.assertIn('href="tel:+3283670211"', page.text)
        self.assertIn("Écrire à la commune", page.text)
        self.assertIn(f'href="{site.absolute_url()}/contact-info"', page.text)
        self.assertIn("Urbanisme &lt;b&gt;", page.text)
        self.assertIn("Horaires de l'administration", page.text)
