"""A citizen signs in as with FAS, in a real browser, against the real provider.

The demo instance's citizens sign in at the development OpenID provider (a
Node process behaving like the federal authentication service, see
tests/eguichet_layer.py). A form that asks for the identity card or itsme
says so, leads to the provider and back, comes prefilled, and its case shows
the agent what the sign-in vouches for; "Mes démarches" lists it; signing out
ends the site's session and the provider's.
"""

from tests.browser import accessibility_violations
from tests.browser import RecordedPage
from tests.browser import screenshot
from tests.eguichet_layer import AGENT
from tests.test_browser_eguichet import EguichetBrowserTestCase
from tests.test_browser_eguichet import REFERENCE

import re


FORM = "certificat-de-residence"
# The provider's test citizens (dev/oidc-provider/citizens.json).
MARIE = {
    "username": "marie",
    "given_name": "Marie-Hélène",
    "family_name": "Dubois",
    "email": "marie-helene.dubois@example.org",
    "national_number": "85041212369",
    # As the form and the case show it.
    "shown_number": "85.04.12-123.69",
}
JURGEN = {
    "username": "jurgen",
    "given_name": "Jürgen",
    "family_name": "Müller",
    "email": "juergen.mueller@example.org",
    "national_number": "90010107843",
    "shown_number": "90.01.01-078.43",
}
TEXTS = {
    "fr": {
        "needed": "Vous devez vous connecter avec votre carte d'identité (eID) "
        "ou itsme pour envoyer ce formulaire.",
        "sign_in": "Se connecter",
        "check": "Vérifiez vos réponses",
        "sent": "Votre demande a bien été envoyée",
        "sign_out": "Se déconnecter",
    },
    "de": {
        "needed": "Sie müssen sich mit Ihrem Personalausweis (eID) oder itsme "
        "anmelden, um dieses Formular zu senden.",
        "sign_in": "Anmelden",
        "check": "Überprüfen Sie Ihre Angaben",
        "sent": "Ihr Antrag wurde gesendet",
        "sign_out": "Abmelden",
    },
}
ANSWERS = {"purpose": "Employeur", "delivery": "email"}


class TestCitizenSignsInWithFAS(EguichetBrowserTestCase):
    """The issue's round trip, in French and in German."""

    def provider_signs_in(self, page, citizen: dict, level: int):
        """On the provider's page: who, at which level (eID is Level450)."""
        issuer = self.layer["oidc_provider"].issuer
        self.assertTrue(page.url.startswith(issuer), page.url)
        page.fill("#username", citizen["username"])
        page.select_option("#level", str(level))
        with page.expect_navigation(url=re.compile(re.escape(self.site_url))):
            page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()

    def round_trip(self, language: str, citizen: dict, shots: str | None = None):
        texts = TEXTS[language]
        page = self.page
        form_url = f"{self.site_url}/e-guichet/{FORM}"
        page.goto(f"{self.site_url}?set_language={language}")
        page.goto(form_url)
        intro = page.locator(".eguichet-intro")
        self.assertIn(texts["needed"], intro.inner_text())
        self.assertEqual(page.locator("#form-widgets-national_number").count(), 0)
        self.assertEqual(accessibility_violations(page), [])
        if shots:
            screenshot(page, f"{shots}-01-connexion-requise")
        with page.expect_navigation():
            intro.get_by_role("link", name=texts["sign_in"]).click()
        if shots:
            screenshot(page, f"{shots}-02-service-authentification")
        self.provider_signs_in(page, citizen, 450)

        # Back on the form, signed in, the identity's answers in place.
        self.assertEqual(page.url.split("?")[0], form_url)
        self.signed_in_name = citizen["family_name"]
        self.assertIn(self.signed_in_name, page.locator(".site-account").inner_text())
        self.assertEqual(
            page.input_value("#form-widgets-lastname"), citizen["family_name"]
        )
        self.assertEqual(
            page.input_value("#form-widgets-firstname"), citizen["given_name"]
        )
        self.assertEqual(page.input_value("#form-widgets-email"), citizen["email"])
        # The national number is shown, not asked.
        self.assertEqual(
            page.locator("input[name='form.widgets.national_number']").count(), 0
        )
        self.assertIn(citizen["shown_number"], page.locator("form").inner_text())
        self.assertEqual(accessibility_violations(page), [])
        if shots:
            screenshot(page, f"{shots}-03-formulaire-prerempli")
        self.fill_form(ANSWERS)
        with page.expect_navigation():
            page.click("#form-buttons-continue")
        self.assertEqual(page.locator("h1").inner_text(), texts["check"])
        with page.expect_navigation():
            page.click("[name='form.buttons.send']")
        confirmation = page.locator(".eguichet-confirmation")
        self.assertIn(texts["sent"], confirmation.inner_text())
        reference = confirmation.locator(".case-reference").inner_text()
        self.assertRegex(reference, REFERENCE)

        # "Mes démarches" lists the case.
        page.goto(f"{self.site_url}/@@mes-demarches")
        row = page.locator("table.my-cases tr", has_text=reference)
        self.assertEqual(row.count(), 1)
        if shots:
            screenshot(page, f"{shots}-04-mes-demarches")
        return reference

    def signs_out(self, language: str):
        """Sign-out ends the site's session and the provider's."""
        page = self.page
        issuer = self.layer["oidc_provider"].issuer
        account = page.locator(".site-account")
        with page.expect_navigation():
            account.get_by_role("link", name=TEXTS[language]["sign_out"]).click()
        page.wait_for_load_state()
        if page.url.startswith(issuer):
            # The provider asks, as FAS does, whether to end its session too.
            with page.expect_navigation(url=re.compile(re.escape(self.site_url))):
                page.get_by_role("button", name="Me déconnecter").click()
        self.assertTrue(page.url.startswith(self.site_url), page.url)
        page.goto(f"{self.site_url}/e-guichet/{FORM}")
        self.assertNotIn(
            self.signed_in_name, page.locator(".site-account").inner_text()
        )
        intro = page.locator(".eguichet-intro")
        with page.expect_navigation():
            intro.get_by_role("link", name=TEXTS[language]["sign_in"]).click()
        # The provider asks again who signs in: its session ended too.
        self.assertTrue(page.url.startswith(issuer), page.url)
        self.assertEqual(page.locator("#username").count(), 1)

    def agent_reads_the_case(self, reference: str, citizen: dict):
        agent = RecordedPage(self.layer["browser"])
        try:
            page = agent.page
            self.log_in(AGENT, page)
            page.goto(self.case_url(reference))
            text = page.locator("#content").inner_text()
            self.assertIn(citizen["shown_number"], text)
            self.assertIn("vérifié par la connexion (niveau 450", text)
        finally:
            agent.close()

    def assertNotLogged(self, citizen: dict):
        """Nothing of the national number in any of the instance's logs."""
        logs = sorted((self.layer["var"] / "log").glob("*"))
        self.assertTrue(any(log.stat().st_size for log in logs), logs)
        digits = citizen["national_number"]
        texts = {log.name: log.read_text("utf-8", errors="replace") for log in logs}
        # The access log was written: the sign-in's requests are in it.
        self.assertTrue(
            any("citizen-callback" in text for text in texts.values()),
            {name: text[-300:] for name, text in texts.items()},
        )
        for name, text in texts.items():
            # Written whole, grouped as on the form, or split by separators.
            for shown in (digits, citizen["shown_number"], digits[:6] + "-"):
                self.assertNotIn(shown, text, name)

    def test_french_citizen_with_eid(self):
        reference = self.round_trip("fr", MARIE, shots="citoyen-connexion")
        self.agent_reads_the_case(reference, MARIE)
        self.signs_out("fr")
        self.assertNotLogged(MARIE)

    def test_german_citizen_with_eid(self):
        reference = self.round_trip("de", JURGEN)
        self.agent_reads_the_case(reference, JURGEN)
        self.signs_out("de")
        self.assertNotLogged(JURGEN)
