"""Who may do what with a case, asserted cell by cell over real HTTP."""

from collective.easyform.api import get_schema
from imio.eguichet.cases import create_case
from imio.eguichet.content.case.notes import add_note
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import SERVICE
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD

import io
import openpyxl
import re
import requests
import transaction
import unittest


OTHER_SERVICE = "urbanisme"
NOTE = "Note interne : dossier incomplet"
TOKEN = re.compile(r'data-token="([^"]+)"')

ALLOWED, REFUSED = "allowed", "refused"
# Allowed, but the case is not listed: exports show only the cases one may see.
NOT_LISTED = "not listed"

# Fields of a case in plone.restapi. The applicant never reads who processes
# the case; its files, messages and notes are written by their actions only.
APPLICANT_FIELDS = frozenset({
    "form_title",
    "values",
    "labels",
    "attachments",
    "applicant_name",
    "applicant_email",
    "due_date",
    "messages",
})
AGENTS_SIDE = frozenset({"service", "assignee", "internal_notes"})
AGENT_FIELDS = APPLICANT_FIELDS | AGENTS_SIDE
PROCESSING_FIELDS = frozenset({"service", "assignee", "due_date"})
HIDDEN = "hidden"
PATCH = {
    "service": OTHER_SERVICE,
    "assignee": "agent",
    "due_date": "2027-01-15",
    "values": {"fullname": "Nom falsifié"},
    "applicant_email": "faux@example.org",
    "messages": [{"text": "Je retire ma demande", "from_applicant": True}],
    "internal_notes": [{"text": "Note falsifiée"}],
    "attachments": {"document": {"data": "UERG", "encoding": "base64"}},
}

USERS = (
    "anonymous",
    "citizen_a",
    "citizen_b",
    "agent",
    "other_agent",
    "editor",
    "site_admin",
)
MATRIX = {
    "view_case": {
        "anonymous": REFUSED,
        "citizen_a": ALLOWED,
        "citizen_b": REFUSED,
        "agent": ALLOWED,
        "other_agent": REFUSED,
        "editor": REFUSED,
        "site_admin": ALLOWED,
    },
    "view_notes": {
        "anonymous": REFUSED,
        "citizen_a": REFUSED,
        "citizen_b": REFUSED,
        "agent": ALLOWED,
        "other_agent": REFUSED,
        "editor": REFUSED,
        "site_admin": ALLOWED,
    },
    "transition": {
        "anonymous": REFUSED,
        "citizen_a": REFUSED,
        "citizen_b": REFUSED,
        "agent": ALLOWED,
        "other_agent": REFUSED,
        "editor": REFUSED,
        "site_admin": ALLOWED,
    },
    "export_csv": {
        "anonymous": REFUSED,
        "citizen_a": REFUSED,
        "citizen_b": REFUSED,
        "agent": ALLOWED,
        "other_agent": NOT_LISTED,
        "editor": REFUSED,
        "site_admin": ALLOWED,
    },
    "export_xlsx": {
        "anonymous": REFUSED,
        "citizen_a": REFUSED,
        "citizen_b": REFUSED,
        "agent": ALLOWED,
        "other_agent": NOT_LISTED,
        "editor": REFUSED,
        "site_admin": ALLOWED,
    },
    "statistics": {
        "anonymous": REFUSED,
        "citizen_a": REFUSED,
        "citizen_b": REFUSED,
        "agent": ALLOWED,
        "other_agent": ALLOWED,
        "editor": REFUSED,
        "site_admin": ALLOWED,
    },
    # REST: the fields of the case that each one reads with a GET...
    "rest_get": {
        "anonymous": REFUSED,
        "citizen_a": APPLICANT_FIELDS,
        "citizen_b": REFUSED,
        "agent": AGENT_FIELDS,
        "other_agent": REFUSED,
        "editor": REFUSED,
        "site_admin": AGENT_FIELDS,
    },
    # ... whether @workflow names the agent who moved it...
    "rest_workflow_actor": {
        "anonymous": REFUSED,
        "citizen_a": HIDDEN,
        "citizen_b": REFUSED,
        "agent": ALLOWED,
        "other_agent": REFUSED,
        "editor": REFUSED,
        "site_admin": ALLOWED,
    },
    # ... and the fields each one changes with a PATCH of them all.
    "rest_patch": {
        "anonymous": REFUSED,
        "citizen_a": REFUSED,
        "citizen_b": REFUSED,
        "agent": PROCESSING_FIELDS,
        "other_agent": REFUSED,
        "editor": REFUSED,
        "site_admin": PROCESSING_FIELDS,
    },
}


class TestPermissionMatrix(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.form = add_form(self.portal)
        other = add_form(self.portal, "permis", processing_service=OTHER_SERVICE)
        api.group.create(groupname=OTHER_SERVICE, title="Urbanisme")
        for username in USERS[1:]:
            api.user.create(
                email=f"{username}@example.org",
                username=username,
                password=TEST_USER_PASSWORD,
                properties={"fullname": username.replace("_", " ").title()},
            )
        for username, group in (("agent", SERVICE), ("other_agent", OTHER_SERVICE)):
            api.group.add_user(groupname=group, username=username)
            api.group.grant_roles(groupname=group, roles=["EguichetAgent"])
        api.user.grant_roles(username="editor", obj=self.portal, roles=["Editor"])
        api.user.grant_roles(username="site_admin", roles=["Site Administrator"])
        logout()
        self.case = self.submit("Marie Dupont")
        # A case the other service may see, so that its export is not empty.
        self.other_case = self.submit("Paul Urbain", form=other)
        with api.env.adopt_user(username="agent"):
            add_note(self.case, NOTE)
        transaction.commit()
        self.sessions = {}

    def tearDown(self):
        for session in self.sessions.values():
            session.close()

    def submit(self, name, form=None):
        form = form or self.form
        with api.env.adopt_user(username="citizen_a"):
            case, _code = create_case(
                form,
                get_schema(form),
                {"fullname": name, "email": "marie@example.org"},
            )
        return case

    def session(self, username):
        if username not in self.sessions:
            session = requests.Session()
            if username != "anonymous":
                session.auth = (username, TEST_USER_PASSWORD)
            self.sessions[username] = session
        return self.sessions[username]

    def get(self, username, url):
        return self.session(username).get(url, allow_redirects=False, timeout=30)

    def assert_refused(self, response):
        if response.status_code == 302:
            self.assertIn("login", response.headers["Location"])
        else:
            self.assertIn(response.status_code, (401, 403))
        self.assertNotIn(NOTE, response.text)

    # One method per action: ``expected`` is the matrix's cell.

    def check_view_case(self, username, expected):
        response = self.get(username, self.case.absolute_url())
        if expected == REFUSED:
            return self.assert_refused(response)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.case.formatted_reference(), response.text)
        self.assertIn("Marie Dupont", response.text)

    def check_view_notes(self, username, expected):
        response = self.get(username, self.case.absolute_url())
        self.assertNotIn(NOTE, response.text) if expected == REFUSED else None
        if expected == ALLOWED:
            self.assertEqual(response.status_code, 200)
            self.assertIn(NOTE, response.text)

    def check_transition(self, username, expected):
        case = self.submit("Léa Transition")
        transaction.commit()
        session = self.session(username)
        front = session.get(self.portal.absolute_url(), timeout=30)
        token = TOKEN.search(front.text)
        data = {"case_action": "transition", "transition": "receive"}
        if token:
            data["_authenticator"] = token.group(1)
        response = session.post(
            f"{case.absolute_url()}/view", data=data, allow_redirects=False, timeout=30
        )
        transaction.begin()
        state = api.content.get_state(case)
        if expected == ALLOWED:
            self.assertEqual(response.status_code, 302)
            self.assertEqual(response.headers["Location"], case.absolute_url())
            self.assertEqual(state, "received")
        else:
            if response.status_code != 400:
                # 400: the page is theirs, but the action is not offered.
                self.assert_refused(response)
            self.assertEqual(state, "submitted")

    def export(self, username, view):
        return self.get(username, f"{self.portal.absolute_url()}/@@{view}")

    def check_listed(self, text, expected):
        if expected == NOT_LISTED:
            self.assertNotIn(self.case.formatted_reference(), text)
            self.assertIn(self.other_case.formatted_reference(), text)
        else:
            self.assertIn(self.case.formatted_reference(), text)
        self.assertNotIn(NOTE, text)

    def check_export_csv(self, username, expected):
        response = self.export(username, "demandes-export")
        if expected == REFUSED:
            return self.assert_refused(response)
        self.assertEqual(response.status_code, 200)
        self.assertIn("text/csv", response.headers["Content-Type"])
        self.check_listed(response.content.decode("utf-8-sig"), expected)

    def check_export_xlsx(self, username, expected):
        response = self.export(username, "demandes-export-xlsx")
        if expected == REFUSED:
            return self.assert_refused(response)
        self.assertEqual(response.status_code, 200)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        cells = "\n".join(
            str(value) for row in sheet.iter_rows(values_only=True) for value in row
        )
        self.check_listed(cells, expected)

    def check_statistics(self, username, expected):
        response = self.export(username, "demandes-statistiques")
        if expected == REFUSED:
            return self.assert_refused(response)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Statistiques", response.text)

    def rest(self, username, method, url, **kwargs):
        return self.session(username).request(
            method,
            url,
            headers={"Accept": "application/json"},
            allow_redirects=False,
            timeout=30,
            **kwargs,
        )

    def check_rest_get(self, username, expected):
        response = self.rest(username, "GET", f"{self.case.absolute_url()}/++api++/")
        if expected == REFUSED:
            return self.assert_refused(response)
        self.assertEqual(response.status_code, 200, response.text)
        answer = response.json()
        self.assertEqual(AGENT_FIELDS & set(answer), expected)
        if expected == APPLICANT_FIELDS:
            self.assertNotIn(SERVICE, response.text)

    def check_rest_workflow_actor(self, username, expected):
        case = self.submit("Léa Historique")
        with api.env.adopt_user(username="agent"):
            api.content.transition(case, "receive")
        transaction.commit()
        url = f"{case.absolute_url()}/++api++/@workflow"
        response = self.rest(username, "GET", url)
        if expected == REFUSED:
            return self.assert_refused(response)
        self.assertEqual(response.status_code, 200, response.text)
        last = response.json()["history"][-1]
        self.assertEqual(last["action"], "receive")
        if expected == HIDDEN:
            self.assertNotIn("actor", last)
            self.assertNotIn('"agent"', response.text)
        else:
            self.assertEqual(last["actor"], "agent")

    def check_rest_patch(self, username, expected):
        case = self.submit("Léa Modification")
        transaction.commit()
        before = {name: getattr(case, name) for name in PATCH}
        response = self.rest(
            username, "PATCH", f"{case.absolute_url()}/++api++/", json=PATCH
        )
        transaction.begin()
        changed = {name for name in PATCH if getattr(case, name) != before[name]}
        if expected == REFUSED:
            self.assert_refused(response)
            self.assertEqual(changed, set())
            return
        self.assertEqual(response.status_code, 204, response.text)
        self.assertEqual(changed, expected)

    def test_matrix(self):
        for action, cells in MATRIX.items():
            self.assertEqual(set(cells), set(USERS))
            check = getattr(self, f"check_{action}")
            for username, expected in cells.items():
                with self.subTest(action=action, user=username, expected=expected):
                    check(username, expected)

    def test_applicant_sees_the_citizen_page(self):
        text = self.get("citizen_a", self.case.absolute_url()).text
        for agents_only in ("case-transition", "case-note", "case-assign", NOTE):
            self.assertNotIn(agents_only, text)
