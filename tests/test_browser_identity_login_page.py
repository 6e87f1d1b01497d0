"""A citizen who is not signed in opens Mes démarches, on a phone.

The demo site signs its citizens in at the development OpenID provider (a
Node process behaving like FAS, see tests/eguichet_layer.py). Mes démarches
sends the visitor to the login page, which offers citizens first the sign-in
with itsme or the identity card; the provider signs the citizen in and sends
them back to Mes démarches.
"""

from tests.browser import accessibility_violations
from tests.browser import PHONE
from tests.browser import RecordedPage
from tests.browser import screenshot
from tests.test_browser_eguichet import EguichetBrowserTestCase
from tests.test_html_validity import html_errors
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import re


CITIZENS_LINK = "Se connecter avec itsme ou votre carte d'identité"
FAS = (
    "Vous passez par FAS, le service d'authentification de l'État fédéral : "
    "carte d'identité électronique, itsme, codes de sécurité."
)


class TestCitizenSignsInFromTheLoginPage(EguichetBrowserTestCase):
    def setUp(self):
        self.site_url = self.layer["site_url"]
        self.recorded = RecordedPage(self.layer["browser"], viewport=PHONE)
        self.page = self.recorded.page

    def at_provider(self, username: str, level: int):
        """On the provider's page: who signs in, at which level (eID: 450)."""
        page = self.page
        self.assertTrue(page.url.startswith(self.layer["oidc_provider"].issuer))
        page.fill("#username", username)
        page.select_option("#level", str(level))
        with page.expect_navigation(url=re.compile(re.escape(self.site_url))):
            page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()

    def test_from_my_requests_through_the_provider_and_back(self):
        page = self.page
        my_requests = f"{self.site_url}/@@mes-demarches"
        page.goto(my_requests)

        # The login page, which keeps where the citizen was going.
        self.assertEqual(urlsplit(page.url).path, "/demo/login")
        self.assertEqual(page.locator("h1").inner_text(), "Se connecter")
        citizens = page.get_by_role("region", name="Citoyennes et citoyens")
        staff = page.get_by_role("region", name="Agents et éditeurs de la commune")
        link = citizens.get_by_role("link", name=CITIZENS_LINK)
        self.assertIn(FAS, citizens.inner_text())
        query = parse_qs(urlsplit(link.get_attribute("href")).query)
        self.assertEqual(query["came_from"], [my_requests])
        # The citizens' sign-in comes first, the staff's form below it.
        citizens_box = citizens.bounding_box()
        staff_box = staff.bounding_box()
        self.assertLess(citizens_box["y"] + citizens_box["height"], staff_box["y"])
        self.assertEqual(staff.get_by_label("Identifiant").count(), 1)
        self.assertEqual(staff.get_by_label("Mot de passe").count(), 1)
        # The cursor is not put in the staff's user name, past the citizens'.
        focused = page.evaluate("document.activeElement.id")
        self.assertNotIn(focused, ("__ac_name", "__ac_password"))
        # On a 390 px phone: the button in sight, nothing sideways.
        button = link.bounding_box()
        self.assertLessEqual(button["x"] + button["width"], PHONE["width"])
        self.assertLess(button["y"] + button["height"], PHONE["height"])
        width = page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, PHONE["width"])
        self.assertEqual(accessibility_violations(page), [])
        self.assertEqual(html_errors({"login": page.content()}), [])
        self.assertEqual(self.recorded.errors, [])
        screenshot(page, "citoyen-connexion-00-page-de-connexion")

        with page.expect_navigation():
            link.click()
        self.at_provider("marie", 450)

        # Back on Mes démarches, signed in.
        self.assertEqual(page.url, my_requests)
        self.assertEqual(page.locator("h1").inner_text(), "Mes démarches")
        self.assertIn("Dubois", page.locator(".site-account").inner_text())

    def test_the_headers_sign_in_comes_back_to_the_page_read(self):
        page = self.page
        procedure = f"{self.site_url}/demarches/carte-identite"
        page.goto(procedure)
        with page.expect_navigation(url=re.compile("/login")):
            page.locator(".site-account").get_by_role(
                "link", name="Se connecter"
            ).click()
        link = page.get_by_role("link", name=CITIZENS_LINK)
        query = parse_qs(urlsplit(link.get_attribute("href")).query)
        self.assertEqual(query["came_from"], [procedure])
