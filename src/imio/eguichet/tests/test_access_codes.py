"""Access codes: kept as salted slow hashes, never carried in clear."""

from imio.belgium.testing import at
from imio.eguichet.browser.form import SENT_COOKIE
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.browser.follow import FOLLOW_ATTEMPTS
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.tests.test_form import ACCESS_CODE
from imio.eguichet.tests.test_follow import AUTHENTICATOR
from imio.eguichet.tests.test_form import REFERENCE
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from urllib.parse import unquote

import hashlib
import requests
import transaction
import unittest


GONE = "This confirmation is no longer shown."
ANSWERS = {
    "fullname": "Amélie Vandenbroucke",
    "email": "amelie.vandenbroucke@example.be",
    "reason": "Inscription rue de Fer 42, 5000 Namur",
}


class TestAccessCodes(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.form = add_form(self.portal, "certificat")
        transaction.commit()
        FOLLOW_ATTEMPTS.reset()
        self.browser = requests.Session()
        self.addCleanup(self.browser.close)
        self.addCleanup(FOLLOW_ATTEMPTS.reset)

    def submit(self) -> tuple:
        """Send the form through the REST API: the case and its access code."""
        answer = requests.post(
            f"{self.form.absolute_url()}/++api++/@submit",
            json=ANSWERS,
            headers={"Accept": "application/json"},
            timeout=30,
        )
        self.assertEqual(answer.status_code, 201, answer.text)
        body = answer.json()
        return self.case(body["reference"]), body["access_code"]

    def case(self, reference):
        transaction.begin()
        return get_cases_folder(self.portal)[reference.replace("-", "")]

    def follow(self, reference, code):
        url = f"{self.portal.absolute_url()}/@@suivi"
        page = self.browser.get(url, timeout=30)
        data = {
            "reference": reference,
            "access_code": code,
            "_authenticator": AUTHENTICATOR.search(page.text).group(1),
        }
        return self.browser.post(url, data=data, timeout=30)

    def send_form(self):
        page = self.browser.get(self.form.absolute_url(), timeout=30)
        data = {f"form.widgets.{name}": value for name, value in ANSWERS.items()}
        data["form.buttons.submit"] = "Envoyer"
        data["_authenticator"] = AUTHENTICATOR.search(page.text).group(1)
        upload = ("carte d'identité.pdf", b"%PDF-1.4 carte", "application/pdf")
        return self.browser.post(
            self.form.absolute_url(),
            data=data,
            files={"form.widgets.document": upload},
            timeout=30,
            allow_redirects=False,
        )

    def test_the_case_keeps_a_salted_slow_hash_of_the_code(self):
        first, code = self.submit()
        second, other_code = self.submit()
        stored = first._access_code_hash
        self.assertTrue(stored.startswith("scrypt$"), stored)
        self.assertNotIn(code, stored)
        self.assertNotEqual(stored, hashlib.sha256(code.encode()).hexdigest())
        # The same code on two cases would not give the same hash: a salt each.
        second.set_access_code(code)
        self.assertNotEqual(second._access_code_hash, stored)
        self.assertTrue(first.check_access_code(code.lower()))
        self.assertFalse(first.check_access_code(other_code))
        page = self.follow(first.formatted_reference(), code)
        self.assertEqual(page.status_code, 200)
        self.assertIn('class="case-state"', page.text)

    def test_a_case_sent_before_is_still_followed_and_gets_the_new_hash(self):
        case, code = self.submit()
        case._access_code_hash = hashlib.sha256(code.encode()).hexdigest()
        transaction.commit()
        wrong = self.follow(case.formatted_reference(), "WRONGCODE2")
        self.assertNotIn('class="case-state"', wrong.text)
        self.assertFalse(self.case(case.getId())._access_code_hash.startswith("s"))
        page = self.follow(case.formatted_reference(), code.lower())
        self.assertEqual(page.status_code, 200)
        self.assertIn('class="case-state"', page.text)
        stored = self.case(case.getId())._access_code_hash
        self.assertTrue(stored.startswith("scrypt$"), stored)
        again = self.follow(case.formatted_reference(), code)
        self.assertIn('class="case-state"', again.text)

    def test_the_confirmation_cookie_does_not_carry_the_code(self):
        sent = self.send_form()
        self.assertEqual(sent.status_code, 303)
        cookie = unquote(self.browser.cookies.get(SENT_COOKIE)).upper()
        page = self.browser.get(sent.headers["Location"], timeout=30)
        reference = REFERENCE.search(page.text).group(1)
        code = ACCESS_CODE.search(page.text).group(1)
        self.assertTrue(self.case(reference).check_access_code(code))
        self.assertNotIn(code.upper(), cookie)
        self.assertNotIn(code.encode().hex().upper(), cookie)

    def test_a_confirmation_cookie_is_read_for_an_hour(self):
        with at(2026, 3, 10, 10, 0):
            sent = self.send_form()
        confirmation = sent.headers["Location"]
        with at(2026, 3, 10, 10, 59):
            page = self.browser.get(confirmation, timeout=30)
            self.assertIsNotNone(ACCESS_CODE.search(page.text))
        # A browser that keeps the cookie longer than told shows nothing.
        cookie = {SENT_COOKIE: self.browser.cookies.get(SENT_COOKIE)}
        with at(2026, 3, 10, 11, 1):
            page = requests.get(confirmation, cookies=cookie, timeout=30)
        self.assertIn(GONE, page.text)
        self.assertIsNone(ACCESS_CODE.search(page.text))
