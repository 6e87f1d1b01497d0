"""Logged-in citizens find their own cases, and answer requests for information."""

from collective.easyform.api import get_schema
from imio.eguichet.cases import create_case
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import SERVICE
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD

import lxml.html
import re
import requests
import transaction
import unittest


AUTHENTICATOR = re.compile(r'name="_authenticator"[^>]*value="([^"]+)"')
PDF = b"%PDF-1.4 copie du bail"


class MyCasesTestCase(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.form = add_form(self.portal)
        for username, fullname in (("jean", "Jean Martin"), ("sophie", "Sophie")):
            api.user.create(
                email=f"{username}@example.org",
                username=username,
                password=TEST_USER_PASSWORD,
                properties={"fullname": fullname},
            )
        api.user.create(email="agent@namur.example", username="agent")
        api.group.add_user(groupname=SERVICE, username="agent")
        logout()
        self.jeans = self.submit("jean")
        self.sophies = self.submit("sophie")
        # Typed by someone else with Jean's address, without logging in.
        self.anonymous, _code = create_case(
            self.form, get_schema(self.form), {"email": "jean@example.org"}
        )
        transaction.commit()

    def submit(self, username):
        with api.env.adopt_user(username=username):
            case, _code = create_case(
                self.form, get_schema(self.form), {"reason": "<b>Bail</b>"}
            )
        return case

    def get(self, url, username="jean", **kwargs):
        auth = (username, TEST_USER_PASSWORD) if username else None
        return requests.get(url, auth=auth, timeout=30, **kwargs)

    def move(self, case, *transitions):
        workflow = api.portal.get_tool("portal_workflow")
        with api.env.adopt_user(username="agent"):
            for transition in transitions:
                comment = "Joignez <i>le bail</i>." if transition == "ask_info" else ""
                workflow.doActionFor(case, transition, comment=comment)
        transaction.commit()


class TestMyCases(MyCasesTestCase):
    def test_citizen_lists_own_cases_only(self):
        url = f"{self.portal.absolute_url()}/@@mes-demarches"
        page = self.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.jeans.formatted_reference(), page.text)
        self.assertIn(self.jeans.absolute_url(), page.text)
        self.assertIn("Envoyée", page.text)
        self.assertNotIn(self.sophies.formatted_reference(), page.text)
        self.assertNotIn(self.anonymous.formatted_reference(), page.text)
        # On a phone the table scrolls in its own box, which the keyboard reaches.
        tree = lxml.html.fromstring(page.text)
        [box] = tree.xpath("//table[contains(@class, 'my-cases')]/parent::div")
        self.assertIn("table-responsive", box.get("class"))
        self.assertEqual((box.get("role"), box.get("tabindex")), ("region", "0"))
        # Each state as a badge in the colours agents see.
        [badge] = tree.cssselect("td.case-state .case-badge")
        self.assertEqual(badge.text_content(), "Envoyée")
        self.assertIn("case-badge-submitted", badge.get("class"))
        self.assertIn("imio-workspace", page.text)
        [title] = tree.xpath(f"//*[@id='{box.get('aria-labelledby')}']")
        self.assertEqual(title.text_content().strip(), "Mes démarches")
        page = self.get(url, username="sophie")
        self.assertIn(self.sophies.formatted_reference(), page.text)
        self.assertNotIn(self.jeans.formatted_reference(), page.text)

    def test_anonymous_is_sent_to_log_in(self):
        url = f"{self.portal.absolute_url()}/@@mes-demarches"
        page = self.get(url, username=None, allow_redirects=False)
        self.assertEqual(page.status_code, 302)
        self.assertIn("login", page.headers["Location"])

    def test_citizen_cannot_open_another_citizens_case(self):
        page = self.get(self.sophies.absolute_url(), allow_redirects=False)
        self.assertNotEqual(page.status_code, 200)
        self.assertNotIn("Sophie", page.text)
        self.assertEqual(self.get(self.jeans.absolute_url()).status_code, 200)

    def test_case_page_shows_history_without_internal_notes(self):
        self.jeans.internal_notes = [{"text": "Note interne confidentielle"}]
        self.move(self.jeans, "receive", "start", "ask_info")
        page = self.get(self.jeans.absolute_url())
        self.assertIn("Joignez &lt;i&gt;le bail&lt;/i&gt;.", page.text)
        self.assertIn("&lt;b&gt;Bail&lt;/b&gt;", page.text)
        self.assertNotIn("Note interne", page.text)


class TestAnswer(MyCasesTestCase):
    def setUp(self):
        super().setUp()
        self.url = self.jeans.absolute_url()

    def answer(self, username="jean", token=True, files=None, follow=True, **data):
        page = self.get(self.url, username=username)
        form = {"answer": "Voici <script>le bail</script>.", **data}
        if token and AUTHENTICATOR.search(page.text):
            form["_authenticator"] = AUTHENTICATOR.search(page.text).group(1)
        return requests.post(
            f"{self.url}/@@answer",
            data=form,
            files=files or [("files:list", ("bail.pdf", PDF, "application/pdf"))],
            auth=(username, TEST_USER_PASSWORD),
            allow_redirects=follow,
            timeout=30,
        )

    def state(self):
        transaction.begin()
        return api.content.get_state(self.jeans)

    def test_form_only_while_awaiting_information(self):
        self.assertNotIn("case-answer", self.get(self.url).text)
        self.move(self.jeans, "receive", "start", "ask_info")
        self.assertIn("case-answer", self.get(self.url).text)
        self.assertNotIn("case-answer", self.get(self.url, username="agent").text)

    def test_answer_with_files_gives_the_case_back_to_the_service(self):
        self.move(self.jeans, "receive", "start", "ask_info")
        page = self.answer()
        self.assertEqual(page.status_code, 200)
        self.assertIn("Votre réponse a été transmise au service.", page.text)
        self.assertEqual(self.state(), "in_progress")
        (message,) = self.jeans.messages
        self.assertTrue(message["from_applicant"])
        self.assertEqual(message["text"], "Voici <script>le bail</script>.")
        self.assertEqual(message["files"], ["bail.pdf"])
        self.assertEqual(self.jeans.attachments["message-1-1"].data, PDF)
        self.assertIn("Voici &lt;script&gt;le bail&lt;/script&gt;.", page.text)
        self.assertNotIn("<script>le bail", page.text)
        self.assertIn("bail.pdf", page.text)
        self.assertNotIn("case-answer", page.text)

    def test_applicant_is_mailed_that_the_answer_arrived(self):
        self.move(self.jeans, "receive", "start", "ask_info")
        inbox = self.layer["inbox"].messages
        inbox.clear()
        self.answer()
        self.assertEqual(self.state(), "in_progress")
        reference = self.jeans.formatted_reference()
        (message,) = inbox
        self.assertEqual(message["To"], "Jean Martin <jean@example.org>")
        self.assertEqual(
            message["Subject"], f"Votre demande {reference} : En cours de traitement"
        )
        body = message.get_content()
        self.assertIn("Bonjour Jean Martin,", body)
        self.assertIn("Nous avons bien reçu votre réponse.", body)
        self.assertIn(
            f"Votre demande {reference} est désormais : En cours de traitement.",
            body,
        )
        self.assertIn("Votre réponse : Voici <script>le bail</script>.", body)
        self.assertNotIn("Message du service", body)
        self.assertIn(f"Suivre votre demande : {self.url}", body)

    def test_renamed_executable_is_refused(self):
        self.move(self.jeans, "receive", "start", "ask_info")
        program = [("files:list", ("bail.pdf", b"MZ\x90\x00\x03", "application/pdf"))]
        page = self.answer(files=program)
        self.assertIn("Ce fichier n'est pas accepté : bail.pdf.", page.text)
        self.assertEqual(self.state(), "awaiting_info")
        self.assertEqual(self.jeans.messages, [])

    def test_answer_needs_the_form_token(self):
        self.move(self.jeans, "receive", "start", "ask_info")
        self.assertEqual(self.answer(token=False).status_code, 403)
        self.assertEqual(self.state(), "awaiting_info")

    def test_another_citizen_cannot_answer(self):
        self.move(self.jeans, "receive", "start", "ask_info")
        page = self.answer(username="sophie", follow=False)
        self.assertIn(page.status_code, (302, 401, 403))
        self.assertEqual(self.state(), "awaiting_info")
        self.assertEqual(self.jeans.messages, [])
