"""The administrator changes the commune's colour from the site settings."""

from imio.commune.browser.branding import RECORD
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_FUNCTIONAL_TESTING
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD
from zope.component.hooks import setSite

import html
import re
import requests
import transaction
import unittest


PASSWORD = TEST_USER_PASSWORD
AUTHENTICATOR = re.compile(r'name="_authenticator"[^>]*value="([^"]+)"')


class TestBrandingForm(unittest.TestCase):
    layer = IMIO_COMMUNE_FUNCTIONAL_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        setRoles(self.site, TEST_USER_ID, ["Manager"])
        api.user.create(
            email="admin@gesves.be",
            username="administrateur",
            password=PASSWORD,
            roles=("Site Administrator",),
        )
        api.user.create(
            email="redaction@gesves.be",
            username="redaction",
            password=PASSWORD,
            roles=("Editor",),
        )
        transaction.commit()
        self.url = f"{self.site.absolute_url()}/@@commune-branding"

    def session(self, user=None):
        session = requests.Session()
        session.headers["Accept-Language"] = "fr"
        if user:
            session.auth = (user, PASSWORD)
        return session

    def submit(self, colour: str) -> requests.Response:
        session = self.session("administrateur")
        page = session.get(self.url, timeout=30)
        self.assertEqual(page.status_code, 200)
        token = AUTHENTICATOR.search(page.text).group(1)
        return session.post(
            self.url,
            data={
                "form.widgets.main_colour": colour,
                "form.buttons.save": "Enregistrer",
                "_authenticator": token,
            },
            timeout=30,
        )

    def current_colour(self) -> str:
        transaction.begin()
        return api.portal.get_registry_record(RECORD)

    def test_a_dark_colour_is_saved_and_styles_every_page(self):
        answer = self.submit("#7A1F2B")
        self.assertEqual(answer.status_code, 200)
        self.assertIn("La couleur de la commune est enregistrée.", answer.text)
        self.assertEqual(self.current_colour(), "#7a1f2b")
        home = requests.get(self.site.absolute_url(), timeout=30)
        self.assertIn("--imio-primary:#7a1f2b", home.text)

    def test_a_light_colour_is_refused_with_the_contrast_reached(self):
        before = self.current_colour()
        answer = self.submit("#ffd700")
        text = html.unescape(answer.text)
        self.assertIn("Cette couleur est trop claire", text)
        self.assertIn("au moins 4,5:1", text)
        # What was typed stays in the field.
        self.assertIn('value="#ffd700"', answer.text)
        self.assertEqual(self.current_colour(), before)

    def test_a_malformed_colour_gets_a_french_message(self):
        answer = self.submit("rouge<script>")
        self.assertIn("six chiffres hexadécimaux", html.unescape(answer.text))
        self.assertNotIn("rouge<script>", answer.text)

    def test_a_post_without_the_authenticator_changes_nothing(self):
        before = self.current_colour()
        answer = self.session("administrateur").post(
            self.url,
            data={"form.widgets.main_colour": "#123456", "form.buttons.save": "1"},
            timeout=30,
        )
        self.assertNotEqual(answer.status_code, 500)
        self.assertEqual(self.current_colour(), before)

    def test_editors_and_visitors_cannot_open_it(self):
        for session in (self.session("redaction"), self.session()):
            answer = session.get(self.url, timeout=30)
            self.assertNotIn("form.widgets.main_colour", answer.text)

    def test_the_site_profile_page_links_to_it(self):
        page = self.session("administrateur").get(
            f"{self.site.absolute_url()}/@@site-profile", timeout=30
        )
        self.assertIn(f'href="{self.url}"', page.text)
        self.assertIn("Changer la couleur de la commune", page.text)
