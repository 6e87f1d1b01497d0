"""The case page of the agents: values, files, notes, transitions, assignment."""

from collective.easyform.api import get_schema
from imio.eguichet.browser.export import cell
from imio.eguichet.cases import create_case
from imio.eguichet.content.case.messages import add_message
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import SERVICE
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD
from plone.namedfile.file import NamedBlobFile

import html
import re
import requests
import transaction
import unittest


PASSWORD = TEST_USER_PASSWORD
PAYLOAD = '<script>alert("x")</script><b>gras</b>'
TOKEN = re.compile(r'data-token="([^"]+)"')


class CasePageTestCase(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.form = add_form(self.portal)
        for username, fullname in (
            ("agent", "Agnès Agent"),
            ("colleague", "Claude Collègue"),
            ("marie", "Marie Dupont"),
            ("paul", "Paul Autre"),
            ("planner", "Pierre Urbain"),
        ):
            api.user.create(
                email=f"{username}@example.org",
                username=username,
                password=PASSWORD,
                properties={"fullname": fullname},
            )
        api.group.add_user(groupname=SERVICE, username="agent")
        api.group.add_user(groupname=SERVICE, username="colleague")
        api.group.create(groupname="urbanisme")
        api.group.add_user(groupname="urbanisme", username="planner")
        logout()
        login(self.portal, "marie")
        self.case, _code = create_case(
            self.form,
            get_schema(self.form),
            {
                "fullname": f"Marie {PAYLOAD}",
                "email": "marie@example.org",
                "reason": f"Motif {PAYLOAD}",
                "document": NamedBlobFile(data=b"%PDF-1.4 carte", filename="carte.pdf"),
            },
        )
        logout()
        add_message(self.case, f"Message {PAYLOAD}", from_applicant=True)
        transaction.commit()
        self.inbox = self.layer["inbox"].messages
        self.inbox.clear()
        self.url = self.case.absolute_url()

    def session(self, username):
        session = requests.Session()
        if username:
            session.auth = (username, PASSWORD)
        return session

    def page(self, username="agent"):
        return self.session(username).get(self.url, timeout=30)

    def post(self, username="agent", token=True, **data):
        session = self.session(username)
        data.setdefault("case_action", "transition")
        if token:
            data["_authenticator"] = TOKEN.search(
                session.get(self.url, timeout=30).text
            ).group(1)
        return session.post(
            f"{self.url}/view", data=data, allow_redirects=False, timeout=30
        )

    def start(self):
        with api.env.adopt_user(username="agent"):
            api.content.transition(self.case, "receive")
            api.content.transition(self.case, "start")
        transaction.commit()
        self.inbox.clear()

    def refresh(self):
        transaction.begin()
        return self.portal.demandes[self.case.getId()]


class TestCasePage(CasePageTestCase):
    def test_values_in_the_forms_order_with_their_labels(self):
        text = self.page().text
        labels = ["Nom et prénom", "Adresse e-mail", "Motif de la demande"]
        positions = [text.index(f"<dt>{label}</dt>") for label in labels]
        self.assertEqual(positions, sorted(positions))
        self.assertIn('Motif &lt;script&gt;alert("x")&lt;/script&gt;', text)

    def test_payloads_are_escaped_everywhere_on_the_page(self):
        for username in ("agent", "marie"):
            text = self.page(username).text
            self.assertNotIn("<script>alert", text)
            self.assertNotIn("<b>gras</b>", text)
            self.assertIn("Message &lt;script&gt;", text)
            self.assertIn("Marie &lt;script&gt;", text)

    def test_attachment_downloads_for_those_who_see_the_case(self):
        text = self.page().text
        link = re.search(r'href="([^"]+@@attachment/document)"', text).group(1)
        download = self.session("agent").get(link, timeout=30)
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.content, b"%PDF-1.4 carte")
        self.assertIn("attachment", download.headers["Content-Disposition"])
        self.assertEqual(download.headers["X-Content-Type-Options"], "nosniff")
        self.assertEqual(self.session("marie").get(link, timeout=30).status_code, 200)
        for username in ("paul", "planner", None):
            response = self.session(username).get(
                link, allow_redirects=False, timeout=30
            )
            self.assertIn(response.status_code, (302, 401, 403), username)
        missing = self.session("agent").get(f"{self.url}/@@attachment/x", timeout=30)
        self.assertEqual(missing.status_code, 404)

    def test_refusal_without_comment_is_refused_next_to_the_field(self):
        self.start()
        response = self.post(transition="refuse", comment="  ")
        self.assertEqual(response.status_code, 400)
        self.assertIn('id="case-comment-error"', response.text)
        self.assertIn("Veuillez indiquer le motif du refus.", response.text)
        self.assertEqual(api.content.get_state(self.refresh()), "in_progress")

    def test_typed_comment_is_kept_when_no_action_is_chosen(self):
        response = self.post(comment=f"Texte {PAYLOAD}")
        self.assertEqual(response.status_code, 400)
        self.assertIn("Veuillez choisir une action.", response.text)
        self.assertIn(f"Texte {html.escape(PAYLOAD, quote=False)}", response.text)

    def test_transition_with_comment_moves_the_case_and_mails_as_text(self):
        self.start()
        response = self.post(transition="refuse", comment=f"Refus {PAYLOAD}")
        self.assertEqual(response.status_code, 302)
        case = self.refresh()
        self.assertEqual(api.content.get_state(case), "refused")
        history = self.page().text
        self.assertIn("Refus &lt;script&gt;", history)
        (mail,) = self.inbox
        # Text only, with the decision letter as a PDF: no HTML part.
        self.assertEqual(
            [part.get_content_type() for part in mail.iter_parts()],
            ["text/plain", "application/pdf"],
        )
        self.assertIn(f"Refus {PAYLOAD}", mail.get_body(("plain",)).get_content())

    def test_post_without_authenticator_is_refused(self):
        response = self.post(token=False, transition="receive")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(api.content.get_state(self.refresh()), "submitted")

    def test_applicant_cannot_process_nor_note(self):
        text = self.page("marie").text
        self.assertNotIn("case-transition", text)
        self.assertNotIn("case-note", text)
        self.post("marie", transition="receive")
        self.post("marie", case_action="note", note="Note de Marie")
        case = self.refresh()
        self.assertEqual(api.content.get_state(case), "submitted")
        self.assertFalse(case.internal_notes)

    def test_notes_are_for_agents_only(self):
        response = self.post(case_action="note", note=f"Note {PAYLOAD}")
        self.assertEqual(response.status_code, 302)
        agent_page = self.page().text
        self.assertIn("Note &lt;script&gt;", agent_page)
        self.assertIn("Agnès Agent", agent_page)
        self.assertNotIn("Note &lt;script&gt;", self.page("marie").text)
        self.assertEqual(self.post(case_action="note", note=" ").status_code, 400)

    def test_assignment_to_an_agent_of_the_service(self):
        text = self.page().text
        self.assertIn('<option value="colleague">Claude Collègue</option>', text)
        self.assertNotIn('value="planner"', text)
        refused = self.post(case_action="assign", assignee="planner")
        self.assertEqual(refused.status_code, 400)
        self.assertIn("Veuillez choisir un agent du service.", refused.text)
        self.assertEqual(
            self.post(case_action="assign", assignee="colleague").status_code, 302
        )
        case = self.refresh()
        self.assertEqual(case.assignee, "colleague")
        found = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
            case_assignee="colleague"
        )
        self.assertEqual([brain.getId for brain in found], [case.getId()])
        self.assertIn("<strong>Claude Collègue</strong>", self.page().text)

    def test_csv_cells_keep_payloads_as_text(self):
        self.assertEqual(cell(PAYLOAD), PAYLOAD)
        self.assertEqual(cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0")
