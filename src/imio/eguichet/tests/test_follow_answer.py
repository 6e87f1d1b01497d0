"""An applicant asked for information answers; agents may also move on."""

from collective.easyform.api import get_schema
from imio.eguichet.browser.follow import FOLLOW_ATTEMPTS
from imio.eguichet.cases import create_case
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import SERVICE
from PIL import Image
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import TEST_USER_PASSWORD
from urllib.parse import quote

import io
import os
import re
import requests
import transaction
import unittest


AUTHENTICATOR = re.compile(r'name="_authenticator"[^>]*value="([^"]+)"')
ANSWER_TEXT = (
    "Bonjour, voici la copie du bail de la rue de Fer 25 à Namur, signé le "
    "1er mars. Cordialement, Marie Dupont."
)
PDF_NAME = "Bail rue de Fer – copie signée.pdf"
TOO_LONG = "Votre réponse est trop longue : 10001 caractères, au plus 10000."


def scanned_pdf(pages=4) -> bytes:
    """A scanned document: several A4 pages at 150 dpi, a few megabytes."""
    images = [
        Image.frombytes("RGB", (1240, 1754), os.urandom(1240 * 1754 * 3))
        for _page in range(pages)
    ]
    output = io.BytesIO()
    images[0].save(
        output, "PDF", save_all=True, append_images=images[1:], resolution=150
    )
    return output.getvalue()


class AwaitingInfoTestCase(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        form = add_form(self.portal)
        api.user.create(
            email="agent@namur.example",
            username="agent",
            password=TEST_USER_PASSWORD,
            properties={"fullname": "Luc Lambert"},
        )
        api.group.add_user(groupname=SERVICE, username="agent")
        logout()
        values = {"fullname": "Marie Dupont", "email": "marie.dupont@example.org"}
        self.case, self.code = create_case(form, get_schema(form), values)
        workflow = api.portal.get_tool("portal_workflow")
        with api.env.adopt_user(username="agent"):
            workflow.doActionFor(self.case, "receive")
            workflow.doActionFor(self.case, "start")
            workflow.doActionFor(
                self.case, "ask_info", comment="Joignez une copie du bail."
            )
        transaction.commit()
        FOLLOW_ATTEMPTS.reset()
        self.inbox = self.layer["inbox"].messages
        self.inbox.clear()
        self.follow_url = f"{self.portal.absolute_url()}/@@suivi"
        self.reference = self.case.formatted_reference()
        self.browser = requests.Session()

    def tearDown(self):
        self.browser.close()
        FOLLOW_ATTEMPTS.reset()

    def state(self):
        transaction.begin()
        return api.content.get_state(self.case)

    def follow(self, **data):
        """The follow-up page, opened with the reference and access code."""
        page = self.browser.get(self.follow_url, timeout=30)
        token = AUTHENTICATOR.search(page.text).group(1)
        form = {"reference": self.reference, "access_code": self.code}
        form.update(_authenticator=token, **data)
        return self.browser.post(self.follow_url, data=form, timeout=30)

    def answer(self, text=ANSWER_TEXT, files=None, code=None, token=True):
        page = self.follow()
        form = {
            "reference": self.reference,
            "access_code": code or self.code,
            "answer": text,
            "send_answer": "1",
        }
        if token:
            form["_authenticator"] = AUTHENTICATOR.search(page.text).group(1)
        return self.browser.post(
            self.follow_url, data=form, files=files or [], timeout=120
        )


class TestAnonymousAnswer(AwaitingInfoTestCase):
    def test_follow_page_offers_the_answer_only_while_awaiting_information(self):
        page = self.follow()
        self.assertIn('class="case-answer"', page.text)
        self.assertIn('enctype="multipart/form-data"', page.text)
        self.assertIn("Répondre à la demande d'informations", page.text)
        self.assertNotIn(self.code, page.text)
        with api.env.adopt_user(username="agent"):
            api.content.transition(self.case, transition="resume")
        transaction.commit()
        self.assertNotIn('class="case-answer"', self.follow().text)

    def test_answer_with_a_scanned_pdf_goes_back_to_the_service(self):
        pdf = scanned_pdf()
        self.assertGreater(len(pdf), 3 * 1024 * 1024)
        files = [("files:list", (PDF_NAME, pdf, "application/pdf"))]
        page = self.answer(files=files)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Votre réponse a été transmise au service.", page.text)
        self.assertIn("En cours de traitement", page.text)
        self.assertNotIn('class="case-answer"', page.text)
        self.assertEqual(self.state(), "in_progress")
        # The agent reads the answer and downloads the file as it was sent.
        agent = ("agent", TEST_USER_PASSWORD)
        case_page = requests.get(self.case.absolute_url(), auth=agent, timeout=30)
        self.assertIn(ANSWER_TEXT, case_page.text)
        self.assertIn(PDF_NAME, case_page.text)
        download = requests.get(
            f"{self.case.absolute_url()}/@@attachment/message-1-1",
            auth=agent,
            timeout=60,
        )
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.content, pdf)
        self.assertIn(quote(PDF_NAME), download.headers["Content-Disposition"])
        # The applicant is told that the answer arrived.
        (mail,) = self.inbox
        self.assertEqual(mail["To"], "Marie Dupont <marie.dupont@example.org>")
        self.assertEqual(
            mail["Subject"], f"Votre demande {self.reference} : En cours de traitement"
        )
        self.assertIn("Nous avons bien reçu votre réponse.", mail.get_content())
        # Their own words are read back to them, as to a logged-in applicant.
        content = " ".join(mail.get_content().split())
        self.assertIn(f"Votre réponse : {ANSWER_TEXT}", content)
        self.assertNotIn("Message du service", content)

    def test_answer_without_the_form_token_stores_nothing(self):
        page = self.answer(token=False)
        self.assertIn("La page a expiré", page.text)
        self.assertEqual(self.state(), "awaiting_info")
        self.assertEqual(self.case.messages, [])

    def test_answer_with_a_wrong_code_stores_nothing(self):
        page = self.answer(code="WRONGCODE2")
        self.assertIn("Aucune demande ne correspond", page.text)
        self.assertNotIn(ANSWER_TEXT, page.text)
        self.assertEqual(self.state(), "awaiting_info")
        self.assertEqual(self.case.messages, [])

    def test_answers_count_as_attempts(self):
        for _attempt in range(10):
            self.answer(code="WRONGCODE2")
        page = self.answer()
        self.assertEqual(page.status_code, 429)
        self.assertEqual(self.state(), "awaiting_info")

    def test_renamed_executable_is_refused_and_the_text_kept(self):
        program = [("files:list", ("bail.pdf", b"MZ\x90\x00\x03", "application/pdf"))]
        page = self.answer(files=program)
        self.assertEqual(page.status_code, 400)
        self.assertIn("Ce fichier n'est pas accepté : bail.pdf.", page.text)
        self.assertIn(f">{ANSWER_TEXT}</textarea>", page.text)
        self.assertEqual(self.state(), "awaiting_info")
        self.assertEqual(self.case.messages, [])

    def test_too_long_answer_is_refused_and_shown_back(self):
        text = ("Les documents demandés suivent. " * 313)[:10001]
        self.assertEqual(len(text), 10001)
        page = self.answer(text=text)
        self.assertEqual(page.status_code, 400)
        self.assertIn(TOO_LONG, page.text)
        self.assertIn(f">{text}</textarea>", page.text)
        self.assertEqual(self.state(), "awaiting_info")
        self.assertEqual(self.case.messages, [])
        page = self.answer(text=text[:10000])
        self.assertIn("Votre réponse a été transmise au service.", page.text)
        self.assertEqual(self.state(), "in_progress")


class TestLoggedInAnswerCap(AwaitingInfoTestCase):
    def setUp(self):
        super().setUp()
        api.user.create(
            email="jean.martin@example.org",
            username="jean",
            password=TEST_USER_PASSWORD,
        )
        self.case.applicant_id = "jean"
        self.case.manage_setLocalRoles("jean", ["Owner"])
        self.case.reindexObjectSecurity()
        transaction.commit()

    def test_too_long_answer_is_refused_and_shown_back(self):
        auth = ("jean", TEST_USER_PASSWORD)
        url = self.case.absolute_url()
        page = requests.get(url, auth=auth, timeout=30)
        text = ("Les documents demandés suivent. " * 313)[:10001]
        sent = requests.post(
            f"{url}/@@answer",
            data={
                "answer": text,
                "_authenticator": AUTHENTICATOR.search(page.text).group(1),
            },
            auth=auth,
            timeout=30,
        )
        self.assertEqual(sent.status_code, 400)
        self.assertIn(TOO_LONG, sent.text)
        self.assertIn(f">{text}</textarea>", sent.text)
        self.assertEqual(self.state(), "awaiting_info")
        self.assertEqual(self.case.messages, [])


class TestAgentWhileAwaitingInfo(AwaitingInfoTestCase):
    def transition(self, transition, comment=""):
        auth = ("agent", TEST_USER_PASSWORD)
        url = self.case.absolute_url()
        page = requests.get(url, auth=auth, timeout=30)
        self.assertIn(f'value="{transition}"', page.text)
        return requests.post(
            f"{url}/view",
            data={
                "case_action": "transition",
                "transition": transition,
                "comment": comment,
                "_authenticator": AUTHENTICATOR.search(page.text).group(1),
            },
            auth=auth,
            timeout=30,
        )

    def test_agent_resumes_processing_without_an_answer(self):
        page = requests.get(
            self.case.absolute_url(), auth=("agent", TEST_USER_PASSWORD), timeout=30
        )
        self.assertIn("Reprendre le traitement sans réponse", page.text)
        page = self.transition("resume", "Bail reçu au guichet.")
        self.assertEqual(page.status_code, 200)
        self.assertEqual(self.state(), "in_progress")
        (mail,) = self.inbox
        self.assertEqual(
            mail["Subject"], f"Votre demande {self.reference} : En cours de traitement"
        )
        self.assertIn("Bail reçu au guichet.", mail.get_content())

    def test_agent_refuses_with_a_reason(self):
        self.assertEqual(self.transition("refuse").status_code, 400)
        self.assertEqual(self.state(), "awaiting_info")
        self.transition("refuse", "Aucune réponse après deux mois.")
        self.assertEqual(self.state(), "refused")


class TestCaseExistence(AwaitingInfoTestCase):
    def get(self, url, accept, auth=None):
        return requests.get(
            url,
            headers={"Accept": accept},
            auth=auth,
            allow_redirects=False,
            timeout=30,
        )

    def test_anonymous_gets_one_answer_for_known_and_unknown_references(self):
        portal = self.portal.absolute_url()
        known = self.case.getId()
        unknown = "ZZZZZZZZ" if known != "ZZZZZZZZ" else "YYYYYYYY"
        for suffix, accept in (
            ("", "text/html"),
            ("", "*/*"),
            ("/view", "text/html"),
            ("/@@attachment/message-1-1", "text/html"),
            ("/@@attachment/message-1-1", "*/*"),
        ):
            with self.subTest(suffix=suffix, accept=accept):
                url = f"{portal}/demandes/{{}}{suffix}"
                existing = self.get(url.format(known), accept)
                missing = self.get(url.format(unknown), accept)
                self.assertNotEqual(existing.status_code, 200)
                self.assertEqual(existing.status_code, missing.status_code)
                self.assertEqual(
                    existing.headers.get("Location", "").replace(known, "REF"),
                    missing.headers.get("Location", "").replace(unknown, "REF"),
                )
                self.assertEqual(
                    existing.text.replace(known, "REF"),
                    missing.text.replace(unknown, "REF"),
                )

    def test_the_rest_api_gives_one_answer_too(self):
        api_url = f"{self.portal.absolute_url()}/++api++/demandes"
        known = self.case.getId()
        unknown = "ZZZZZZZZ" if known != "ZZZZZZZZ" else "YYYYYYYY"
        for suffix in ("", "/@workflow"):
            with self.subTest(suffix=suffix):
                existing = self.get(f"{api_url}/{known}{suffix}", "application/json")
                missing = self.get(f"{api_url}/{unknown}{suffix}", "application/json")
                self.assertEqual(existing.status_code, 401)
                self.assertEqual(missing.status_code, 401)
                self.assertEqual(existing.json(), missing.json())

    def test_logged_in_users_still_get_not_found(self):
        portal = self.portal.absolute_url()
        for login in ("agent", TEST_USER_NAME):
            for prefix, accept in (("", "text/html"), ("/++api++", "application/json")):
                with self.subTest(login=login, prefix=prefix):
                    missing = self.get(
                        f"{portal}{prefix}/demandes/ZZZZZZZZ",
                        accept,
                        auth=(login, TEST_USER_PASSWORD),
                    )
                    self.assertEqual(missing.status_code, 404)
