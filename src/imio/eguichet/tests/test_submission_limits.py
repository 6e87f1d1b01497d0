"""Submissions per hour from one client address or user, from the registry."""

from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.submissions import LIMIT_RECORD
from imio.eguichet.submissions import PROXIES_RECORD
from imio.eguichet.submissions import SUBMISSIONS
from imio.eguichet.testing import add_form
from imio.eguichet.tests.test_form import AUTHENTICATOR
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import requests
import transaction
import unittest


VALID = {"fullname": "Marie Dupont", "email": "marie.dupont@example.org"}
TOO_MANY = "Trop de demandes ont été envoyées depuis votre connexion"


class TestSubmissionLimits(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        api.portal.set_registry_record(LIMIT_RECORD, 2)
        self.form = add_form(self.portal)
        transaction.commit()
        SUBMISSIONS.reset()
        self.api_url = self.form.absolute_url() + "/++api++/@submit"

    def tearDown(self):
        SUBMISSIONS.reset()

    def submit_api(self, forwarded_for=None):
        headers = {"Accept": "application/json", "Accept-Language": "fr"}
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        return requests.post(self.api_url, json=VALID, headers=headers, timeout=30)

    def cases(self):
        transaction.begin()
        return len(get_cases_folder(self.portal).objectIds())

    def test_api_refuses_beyond_the_limit_with_429(self):
        self.assertEqual(self.submit_api().status_code, 201)
        self.assertEqual(self.submit_api().status_code, 201)
        refused = self.submit_api()
        self.assertEqual(refused.status_code, 429)
        self.assertIn(TOO_MANY, refused.json()["message"])
        self.assertEqual(refused.headers["Retry-After"], "3600")
        self.assertEqual(self.cases(), 2)

    def test_forwarded_address_counts_behind_a_trusted_proxy(self):
        # The test client connects from 127.0.0.1, a trusted proxy by default.
        for _number in range(2):
            self.assertEqual(self.submit_api("192.0.2.1").status_code, 201)
        self.assertEqual(self.submit_api("192.0.2.1").status_code, 429)
        self.assertEqual(self.submit_api("192.0.2.2").status_code, 201)
        # A client cannot choose its address by adding to the header.
        self.assertEqual(self.submit_api("192.0.2.9, 192.0.2.1").status_code, 429)

    def test_forwarded_address_ignored_from_an_untrusted_peer(self):
        api.portal.set_registry_record(PROXIES_RECORD, [])
        transaction.commit()
        self.assertEqual(self.submit_api("192.0.2.1").status_code, 201)
        self.assertEqual(self.submit_api("192.0.2.2").status_code, 201)
        self.assertEqual(self.submit_api("192.0.2.3").status_code, 429)

    def test_zero_means_no_limit(self):
        api.portal.set_registry_record(LIMIT_RECORD, 0)
        transaction.commit()
        for _number in range(4):
            self.assertEqual(self.submit_api().status_code, 201)

    def test_web_form_shows_the_refusal_in_french(self):
        api.portal.set_registry_record(LIMIT_RECORD, 1)
        transaction.commit()
        browser = requests.Session()
        data = {
            "form.widgets.fullname": "Marie Dupont",
            "form.widgets.email": "marie.dupont@example.org",
            "form.buttons.submit": "Envoyer",
        }
        url = self.form.absolute_url()
        token = AUTHENTICATOR.search(browser.get(url, timeout=30).text)
        if token:
            data["_authenticator"] = token.group(1)
        first = browser.post(url, data=data, timeout=30)
        self.assertIn("case-reference", first.text)
        second = browser.post(url, data=data, timeout=30)
        self.assertEqual(second.status_code, 429)
        self.assertIn(TOO_MANY, second.text)
        self.assertEqual(self.cases(), 1)
