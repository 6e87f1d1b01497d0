"""After sending, the citizen lands on a confirmation page that no reload resends."""

from imio.eguichet.browser.form import SENT_COOKIE
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.tests.test_form import ACCESS_CODE
from imio.eguichet.tests.test_form import AUTHENTICATOR
from imio.eguichet.tests.test_form import REFERENCE
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import re
import requests
import transaction
import unittest


GONE = "This confirmation is no longer shown."


class TestConfirmationPage(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.form = add_form(self.portal, "certificat")
        self.other = add_form(self.portal, "autre")
        transaction.commit()
        self.url = self.form.absolute_url()
        self.confirmation_url = f"{self.url}/@@demande-envoyee"
        self.browser = requests.Session()

    def tearDown(self):
        self.browser.close()

    def cases(self) -> int:
        transaction.begin()
        return len(get_cases_folder(self.portal).objectIds())

    def send(self, url=None, browser=None):
        url = url or self.url
        browser = browser or self.browser
        page = browser.get(url, timeout=30)
        data = {
            "form.widgets.fullname": "Marie Dupont",
            "form.widgets.email": "marie.dupont@example.org",
            "form.widgets.reason": "Inscription",
            "form.buttons.submit": "Envoyer",
            "_authenticator": AUTHENTICATOR.search(page.text).group(1),
        }
        upload = ("carte.pdf", b"%PDF-1.4 carte", "application/pdf")
        return browser.post(
            url,
            data=data,
            files={"form.widgets.document": upload},
            timeout=30,
            allow_redirects=False,
        )

    def test_sending_redirects_to_the_confirmation(self):
        sent = self.send()
        self.assertEqual(sent.status_code, 303)
        self.assertEqual(sent.headers["Location"], self.confirmation_url)
        cookie = sent.headers["Set-Cookie"]
        self.assertIn(f"{SENT_COOKIE}=", cookie)
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Lax", cookie)
        self.assertIn("Max-Age=3600", cookie)
        self.assertIn(f"Path=/{self.portal.getId()}/certificat", cookie)
        page = self.browser.get(self.confirmation_url, timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertIn("no-store", page.headers["Cache-Control"])
        reference = REFERENCE.search(page.text).group(1)
        code = ACCESS_CODE.search(page.text).group(1)
        transaction.begin()
        case = get_cases_folder(self.portal)[reference.replace("-", "")]
        self.assertTrue(case.check_access_code(code))
        self.assertIn("marie.dupont@example.org", page.text)

    def test_reloading_the_confirmation_sends_nothing_again(self):
        self.send()
        first = self.browser.get(self.confirmation_url, timeout=30)
        again = self.browser.get(self.confirmation_url, timeout=30)
        self.assertEqual(
            REFERENCE.search(first.text).group(1), REFERENCE.search(again.text).group(1)
        )
        self.assertEqual(self.cases(), 1)

    def test_without_cookie_the_page_tells_where_to_look(self):
        page = requests.get(self.confirmation_url, timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertIn(GONE, page.text)
        self.assertIsNone(REFERENCE.search(page.text))
        self.assertIn("@@suivi", page.text)

    def test_a_forged_cookie_shows_nothing(self):
        self.send()
        value = self.browser.cookies.get(SENT_COOKIE)
        reference, code, signature = value.split(".")
        for forged in (
            f"{'A' * 8}.{code}.{signature}",
            f"{reference}.{code}.{'0' * 64}",
            f"{reference}.{code}",
            "<script>alert(1)</script>",
            "",
        ):
            with self.subTest(forged=forged):
                page = requests.get(
                    self.confirmation_url, cookies={SENT_COOKIE: forged}, timeout=30
                )
                self.assertEqual(page.status_code, 200)
                self.assertIn(GONE, page.text)
                self.assertIsNone(REFERENCE.search(page.text))
                self.assertNotIn("<script>alert", page.text)

    def test_another_forms_confirmation_does_not_show_the_case(self):
        self.send()
        value = self.browser.cookies.get(SENT_COOKIE)
        page = requests.get(
            f"{self.other.absolute_url()}/@@demande-envoyee",
            cookies={SENT_COOKIE: value},
            timeout=30,
        )
        self.assertIn(GONE, page.text)
        self.assertIsNone(REFERENCE.search(page.text))


class TestConfirmationWording(unittest.TestCase):
    """The page confirms an administrative request, not a feedback form."""

    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING
    send = TestConfirmationPage.send
    tearDown = TestConfirmationPage.tearDown

    def setUp(self):
        api.portal.set_registry_record("plone.default_language", "fr")
        TestConfirmationPage.setUp(self)
        # Created in French, a form holds easyform's French default thanks.
        self.form.thankstitle = "Merci"
        self.form.thanksdescription = "Merci pour votre retour."
        transaction.commit()
        self.browser.headers["Accept-Language"] = "fr"

    def test_a_sent_request_is_confirmed_as_such(self):
        self.send()
        page = self.browser.get(self.confirmation_url, timeout=30)
        self.assertIn(
            '<h1 class="documentFirstHeading">Votre demande a bien été envoyée</h1>',
            page.text,
        )
        self.assertNotIn("Merci pour votre retour", page.text)
        self.assertNotIn(">Merci<", page.text)
        panel = re.search(r'<div class="eguichet-panel.*?</div>', page.text, re.S)
        self.assertIn("Votre référence", panel.group(0))
        self.assertIn(REFERENCE.search(page.text).group(0), panel.group(0))
        self.assertIn("Et maintenant ?", page.text)

    def test_a_form_editors_own_thanks_are_kept(self):
        self.form.thankstitle = "Demande de certificat envoyée"
        self.form.thanksdescription = "Le certificat vous parviendra par la poste."
        transaction.commit()
        self.send()
        page = self.browser.get(self.confirmation_url, timeout=30)
        self.assertIn(">Demande de certificat envoyée</h1>", page.text)
        self.assertIn("Le certificat vous parviendra par la poste.", page.text)
