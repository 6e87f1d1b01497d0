"""An anonymous applicant follows a case with its reference and access code."""

from collective.easyform.api import get_schema
from imio.eguichet.browser.follow import FOLLOW_ATTEMPTS
from imio.eguichet.cases import create_case
from imio.eguichet.ratelimit import AttemptLimiter
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import SERVICE
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import re
import requests
import transaction
import unittest


AUTHENTICATOR = re.compile(r'name="_authenticator"[^>]*value="([^"]+)"')
NO_MATCH = "Aucune demande ne correspond à cette référence et à ce code d'accès."


class TestAttemptLimiter(unittest.TestCase):
    def test_attempts_per_client_within_the_window(self):
        now = [0.0]
        limiter = AttemptLimiter(3, 60, clock=lambda: now[0])
        self.assertEqual([limiter.allow("10.0.0.1") for _ in range(4)], [1, 1, 1, 0])
        self.assertTrue(limiter.allow("10.0.0.2"))
        now[0] = 61.0
        self.assertTrue(limiter.allow("10.0.0.1"))

    def test_failures_only(self):
        limiter = AttemptLimiter(2, 60, clock=lambda: 0.0)
        self.assertFalse(limiter.exhausted("10.0.0.1"))
        limiter.count("10.0.0.1")
        self.assertFalse(limiter.exhausted("10.0.0.1"))
        limiter.count("10.0.0.1")
        self.assertTrue(limiter.exhausted("10.0.0.1"))
        self.assertFalse(limiter.exhausted("10.0.0.2"))

    def test_forgets_idle_clients(self):
        now = [0.0]
        limiter = AttemptLimiter(3, 60, clock=lambda: now[0])
        for number in range(100):
            limiter.allow(f"10.0.0.{number}")
        now[0] = 200.0
        limiter.allow("10.0.1.1")
        self.assertEqual(list(limiter._seen), ["10.0.1.1"])


class TestFollowCase(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        form = add_form(self.portal)
        api.user.create(email="agent@namur.example", username="agent")
        api.group.add_user(groupname=SERVICE, username="agent")
        logout()
        values = {"fullname": "Marie <i>Dupont</i>", "email": "marie@example.org"}
        self.case, self.code = create_case(form, get_schema(form), values)
        workflow = api.portal.get_tool("portal_workflow")
        with api.env.adopt_user(username="agent"):
            workflow.doActionFor(self.case, "receive")
            workflow.doActionFor(self.case, "start")
            workflow.doActionFor(
                self.case, "ask_info", comment="Joignez <b>le bail</b>."
            )
        self.case.messages = [
            {
                "date": "2027-01-04T10:00:00+01:00",
                "from_applicant": False,
                "text": "<script>alert(1)</script>Bonjour",
                "files": [],
            }
        ]
        self.case.internal_notes = [{"text": "Note interne confidentielle"}]
        transaction.commit()
        FOLLOW_ATTEMPTS.reset()
        self.url = f"{self.portal.absolute_url()}/@@suivi"
        self.browser = requests.Session()

    def tearDown(self):
        self.browser.close()
        FOLLOW_ATTEMPTS.reset()

    def follow(self, reference, code, token=True):
        page = self.browser.get(self.url, timeout=30)
        data = {"reference": reference, "access_code": code}
        if token:
            data["_authenticator"] = AUTHENTICATOR.search(page.text).group(1)
        return self.browser.post(self.url, data=data, timeout=30)

    def test_reference_and_code_show_status_history_and_messages(self):
        response = self.follow(self.case.formatted_reference().lower(), self.code)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.case.formatted_reference(), response.text)
        self.assertIn('class="case-state">En attente d\'informations<', response.text)
        self.assertIn("Joignez &lt;b&gt;le bail&lt;/b&gt;.", response.text)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;Bonjour", response.text)
        self.assertNotIn("<script>alert(1)", response.text)
        self.assertNotIn("<b>le bail</b>", response.text)
        self.assertNotIn("Note interne", response.text)
        self.assertNotIn("agent", response.text)
        self.assertNotIn(self.code, response.text)
        self.assertEqual(response.headers["Cache-Control"], "private, no-store")

    def test_wrong_code_and_unknown_reference_say_the_same(self):
        reference = self.case.formatted_reference()
        unknown = "ZZZZ-ZZZZ" if reference != "ZZZZ-ZZZZ" else "YYYY-YYYY"
        wrong_code = self.follow(reference, "WRONGCODE2")
        no_case = self.follow(unknown, self.code)
        for response in (wrong_code, no_case):
            self.assertEqual(response.status_code, 200)
            self.assertIn(NO_MATCH, response.text)
            self.assertNotIn("case-state", response.text)
        self.assertEqual(
            AUTHENTICATOR.sub("TOKEN", wrong_code.text.replace(reference, "REF")),
            AUTHENTICATOR.sub("TOKEN", no_case.text.replace(unknown, "REF")),
        )

    def test_logged_in_applicants_case_has_no_code(self):
        self.case.applicant_id = "jean"
        self.case._access_code_hash = None
        transaction.commit()
        response = self.follow(self.case.formatted_reference(), self.code)
        self.assertIn(NO_MATCH, response.text)

    def test_post_without_token_shows_nothing(self):
        response = self.follow(self.case.formatted_reference(), self.code, token=False)
        self.assertIn("La page a expiré", response.text)
        self.assertNotIn("case-state", response.text)

    def test_attempts_are_limited_per_client(self):
        reference = self.case.formatted_reference()
        for _attempt in range(10):
            self.assertIn(NO_MATCH, self.follow(reference, "WRONGCODE2").text)
        response = self.follow(reference, self.code)
        self.assertEqual(response.status_code, 429)
        self.assertIn(
            "Trop de tentatives depuis votre connexion. Veuillez réessayer dans "
            "15 minutes.",
            response.text,
        )
        self.assertNotIn("case-state", response.text)
        FOLLOW_ATTEMPTS.reset()
        self.assertIn("case-state", self.follow(reference, self.code).text)

    def test_the_applicants_own_visits_are_never_counted(self):
        # Following, answering, downloading the letter or the data: each a
        # look-up with the right code; only wrong codes use up the attempts.
        reference = self.case.formatted_reference()
        for _visit in range(15):
            self.assertIn("case-state", self.follow(reference, self.code).text)
        for _attempt in range(9):
            self.assertIn(NO_MATCH, self.follow(reference, "WRONGCODE2").text)
        self.assertIn("case-state", self.follow(reference, self.code).text)
        self.assertIn(NO_MATCH, self.follow(reference, "WRONGCODE2").text)
        self.assertEqual(self.follow(reference, self.code).status_code, 429)

    def test_link_fills_in_the_reference_never_the_code(self):
        reference = self.case.formatted_reference()
        page = self.browser.get(f"{self.url}?reference={reference}", timeout=30)
        self.assertIn(f'value="{reference}"', page.text)
        page = self.browser.get(f'{self.url}?reference="><b>x</b>', timeout=30)
        self.assertIn('value="&quot;&gt;&lt;b&gt;x&lt;/b&gt;"', page.text)

    def test_confirmation_mail_links_to_the_follow_page(self):
        (message,) = [
            message
            for message in self.layer["inbox"].messages
            if self.case.formatted_reference() in message["Subject"]
            and "reçue" in message["Subject"]
        ]
        body = message.get_content()
        link = f"{self.url}?reference={self.case.formatted_reference()}"
        self.assertIn(link, body)
        self.assertNotIn(self.case.absolute_url(), body)
        self.assertNotIn(f"{link}&", body)
