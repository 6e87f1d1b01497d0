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
