"""Plone's templates that the e-guichet amends for screen readers."""

from imio.eguichet.library import install_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from lxml import html
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import requests
import transaction
import unittest


class TestAccessibleTemplates(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        folder = api.content.create(
            container=portal, type="Folder", id="e-guichet", title="E-guichet"
        )
        api.content.transition(folder, "publish")
        self.form = install_form(folder, "signalement-voirie")
        transaction.commit()
        self.session = requests.Session()

    def tearDown(self):
        self.session.close()

    def page(self, url):
        response = self.session.get(url, timeout=30)
        self.assertEqual(response.status_code, 200)
        return html.fromstring(response.text)

    def test_the_photo_input_is_named_by_its_field(self):
        page = self.page(self.form.absolute_url())
        (photo,) = page.xpath("//input[@id='form-widgets-photo-input']")
        self.assertEqual(photo.get("type"), "file")
        self.assertEqual(photo.get("aria-label"), "Photo")

    def test_the_photo_input_says_what_it_accepts_in_the_citizen_s_language(self):
        for language, hint in (
            ("fr", "Types acceptés : Image JPEG, Image PNG. Taille maximale : 10 Mo."),
            ("de", "Zulässige Dateitypen: JPEG-Bild, PNG-Bild. Maximale Größe: 10 MB."),
        ):
            with self.subTest(language=language):
                api.portal.set_registry_record("plone.default_language", language)
                transaction.commit()
                page = self.page(self.form.absolute_url())
                (photo,) = page.xpath("//input[@id='form-widgets-photo-input']")
                (accepted,) = page.xpath(f"//*[@id='{photo.get('aria-describedby')}']")
                self.assertEqual(accepted.text_content().strip(), hint)
                self.assertNotIn("Allowed types", page.text_content())
