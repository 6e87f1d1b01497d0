"""The applicant withdraws a request, logged in or with the access code."""

from collective.easyform.api import get_schema
from imio.eguichet.browser.follow import FOLLOW_ATTEMPTS
from imio.eguichet.browser.follow import follow_url
from imio.eguichet.cases import create_case
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import SERVICE
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD

import re
import requests
import transaction
import unittest


AUTHENTICATOR = re.compile(r'name="_authenticator"[^>]*value="([^"]+)"')
WITHDRAW_BUTTON = "Retirer ma demande"


class WithdrawTestCase(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.form = add_form(self.portal)
        api.user.create(
            email="jean@example.org", username="jean", password=TEST_USER_PASSWORD
        )
        api.user.create(
            email="agent@namur.example", username="agent", password=TEST_USER_PASSWORD
        )
        api.group.add_user(groupname=SERVICE, username="agent")
        logout()
        with api.env.adopt_user(username="jean"):
            self.jeans, _code = create_case(
                self.form, get_schema(self.form), {"reason": "Déménagement"}
            )
        self.anonymous, self.code = create_case(
            self.form,
            get_schema(self.form),
            {"fullname": "Marie Dupont", "email": "marie@example.org"},
        )
        transaction.commit()
        FOLLOW_ATTEMPTS.reset()

    def tearDown(self):
        FOLLOW_ATTEMPTS.reset()

    def state(self, case):
        transaction.begin()
        return api.content.get_state(case)

    def move(self, case, *transitions):
        workflow = api.portal.get_tool("portal_workflow")
        with api.env.adopt_user(username="agent"):
            for transition in transitions:
                workflow.doActionFor(case, transition, comment="Précisez.")
        transaction.commit()


class TestWithdrawLoggedIn(WithdrawTestCase):
    def post(self, username="jean", token=True, **data):
        page = requests.get(
            self.jeans.absolute_url(), auth=(username, TEST_USER_PASSWORD), timeout=30
        )
        form = {"case_action": "withdraw", **data}
        match = AUTHENTICATOR.search(page.text)
        if token and match:
            form["_authenticator"] = match.group(1)
        return page, requests.post(
            self.jeans.absolute_url(),
            data=form,
            auth=(username, TEST_USER_PASSWORD),
            timeout=30,
        )

    def test_applicant_withdraws_with_confirmation(self):
        page, answer = self.post(confirm_withdraw="1", withdraw_reason="Plus utile")
        self.assertIn(WITHDRAW_BUTTON, page.text)
        self.assertEqual(answer.status_code, 200)
        self.assertIn("Votre demande a été retirée.", answer.text)
        self.assertEqual(self.state(self.jeans), "withdrawn")
        self.assertNotIn(WITHDRAW_BUTTON, answer.text)

    def test_applicant_is_mailed_a_link_to_the_case_page(self):
        inbox = self.layer["inbox"].messages
        inbox.clear()
        self.post(confirm_withdraw="1", withdraw_reason="Plus utile")
        (message,) = inbox
        reference = self.jeans.formatted_reference()
        self.assertEqual(message["To"], "jean@example.org")
        self.assertEqual(message["Subject"], f"Votre demande {reference} : Retirée")
        body = message.get_content()
        self.assertIn("Votre motif : Plus utile", body)
        self.assertIn(f"Suivre votre demande : {self.jeans.absolute_url()}", body)

    def test_without_confirmation_nothing_moves_and_the_reason_stays(self):
        _page, answer = self.post(withdraw_reason="Plus <b>utile</b>")
        self.assertEqual(answer.status_code, 400)
        self.assertIn("Cochez la case pour confirmer", answer.text)
        self.assertIn("Plus &lt;b&gt;utile&lt;/b&gt;", answer.text)
        self.assertEqual(self.state(self.jeans), "submitted")

    def test_without_the_authenticator_nothing_moves(self):
        _page, answer = self.post(token=False, confirm_withdraw="1")
        self.assertNotEqual(answer.status_code, 200)
        self.assertEqual(self.state(self.jeans), "submitted")

    def test_awaiting_information_may_be_withdrawn_in_progress_may_not(self):
        self.move(self.jeans, "receive", "start", "ask_info")
        self.post(confirm_withdraw="1")
        self.assertEqual(self.state(self.jeans), "withdrawn")
        other, _code = create_case(self.form, get_schema(self.form), {})
        transaction.commit()
        self.move(other, "receive", "start")
        self.jeans = other
        page, _answer = self.post(confirm_withdraw="1")
        self.assertNotIn(WITHDRAW_BUTTON, page.text)
        self.assertEqual(self.state(other), "in_progress")

    def test_case_page_has_no_navigation_portlet(self):
        # Cases stay out of the title index: a navigation entry would be empty.
        page = requests.get(
            self.jeans.absolute_url(), auth=("jean", TEST_USER_PASSWORD), timeout=30
        )
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("portletNavigationTree", page.text)

    def test_agent_gets_no_withdraw_button(self):
        page = requests.get(
            self.jeans.absolute_url(), auth=("agent", TEST_USER_PASSWORD), timeout=30
        )
        self.assertEqual(page.status_code, 200)
        self.assertNotIn(WITHDRAW_BUTTON, page.text)


class TestWithdrawWithAccessCode(WithdrawTestCase):
    def follow(self, session, **data):
        url = f"{self.portal.absolute_url()}/@@suivi"
        page = session.get(url, timeout=30)
        data["_authenticator"] = AUTHENTICATOR.search(page.text).group(1)
        return session.post(url, data=data, timeout=30)

    def test_holder_of_the_code_withdraws(self):
        session = requests.Session()
        reference = self.anonymous.formatted_reference()
        shown = self.follow(session, reference=reference, access_code=self.code)
        self.assertIn(WITHDRAW_BUTTON, shown.text)
        refused = self.follow(
            session, reference=reference, access_code=self.code, withdraw="1"
        )
        self.assertIn("Cochez la case pour confirmer", refused.text)
        self.assertEqual(self.state(self.anonymous), "submitted")
        done = self.follow(
            session,
            reference=reference,
            access_code=self.code,
            withdraw="1",
            confirm_withdraw="1",
        )
        self.assertIn("Votre demande a été retirée.", done.text)
        self.assertIn("Retirée", done.text)
        self.assertEqual(self.state(self.anonymous), "withdrawn")

    def test_holder_of_the_code_is_mailed_the_withdrawal(self):
        inbox = self.layer["inbox"].messages
        inbox.clear()
        reference = self.anonymous.formatted_reference()
        self.follow(
            requests.Session(),
            reference=reference,
            access_code=self.code,
            withdraw="1",
            confirm_withdraw="1",
            withdraw_reason="J'ai trouvé un autre <b>logement</b>.",
        )
        self.assertEqual(self.state(self.anonymous), "withdrawn")
        (message,) = inbox
        self.assertEqual(message["To"], "Marie Dupont <marie@example.org>")
        self.assertEqual(message["Subject"], f"Votre demande {reference} : Retirée")
        body = message.get_content()
        self.assertIn("Bonjour Marie Dupont,", body)
        self.assertIn(f"Votre demande {reference} est désormais : Retirée.", body)
        self.assertIn("Votre motif : J'ai trouvé un autre <b>logement</b>.", body)
        self.assertNotIn("Message du service", body)
        self.assertIn(f"Suivre votre demande : {follow_url(self.anonymous)}", body)
        self.assertNotIn(self.code, body)

    def test_a_wrong_code_withdraws_nothing(self):
        answer = self.follow(
            requests.Session(),
            reference=self.anonymous.formatted_reference(),
            access_code="WRONGCODE2",
            withdraw="1",
            confirm_withdraw="1",
        )
        self.assertIn("Aucune demande ne correspond", answer.text)
        self.assertEqual(self.state(self.anonymous), "submitted")

    def test_a_decided_request_cannot_be_withdrawn(self):
        self.move(self.anonymous, "receive", "start")
        answer = self.follow(
            requests.Session(),
            reference=self.anonymous.formatted_reference(),
            access_code=self.code,
            withdraw="1",
            confirm_withdraw="1",
        )
        self.assertIn("ne peut plus être retirée", answer.text)
        self.assertEqual(self.state(self.anonymous), "in_progress")
