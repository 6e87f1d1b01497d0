"""A case through plone.restapi: read by those who see it, moved by its agents."""

from collective.easyform.api import get_schema
from imio.eguichet.cases import create_case
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import SERVICE
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD

import requests
import transaction
import unittest


class TestCaseRest(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.form = add_form(self.portal)
        api.group.create(groupname="urbanisme")
        for username, group in (
            ("agent", SERVICE),
            ("planner", "urbanisme"),
            ("marie", None),
            ("paul", None),
        ):
            api.user.create(
                email=f"{username}@example.org",
                username=username,
                password=TEST_USER_PASSWORD,
            )
            if group:
                api.group.add_user(groupname=group, username=username)
                api.group.grant_roles(groupname=group, roles=["EguichetAgent"])
        logout()
        login(self.portal, "marie")
        self.case, _code = create_case(
            self.form,
            get_schema(self.form),
            {"fullname": "Marie Dupont", "email": "marie@example.org"},
        )
        logout()
        with api.env.adopt_user(username="agent"):
            self.case.internal_notes = [{"text": "Note interne"}]
        transaction.commit()
        self.url = f"{self.case.absolute_url()}/++api++/"

    def call(self, username, method="get", path="", **kwargs):
        return requests.request(
            method,
            self.url + path,
            auth=(username, TEST_USER_PASSWORD) if username else None,
            headers={"Accept": "application/json"},
            timeout=30,
            **kwargs,
        )

    def test_read_by_the_applicant_and_the_service(self):
        for username in ("marie", "agent"):
            answer = self.call(username).json()
            self.assertEqual(answer["reference"], self.case.formatted_reference())
            self.assertEqual(answer["review_state"], "submitted")
            self.assertEqual(answer["values"]["fullname"], "Marie Dupont")
        self.assertNotIn("internal_notes", self.call("marie").json())
        self.assertIn("internal_notes", self.call("agent").json())

    def test_closed_to_others(self):
        for username in ("paul", "planner", None):
            self.assertIn(self.call(username).status_code, (401, 403), username)

    def test_agents_of_the_service_move_it(self):
        for username in ("marie", "planner", "paul"):
            refused = self.call(username, "post", "@workflow/receive")
            self.assertIn(refused.status_code, (400, 401, 403), username)
        moved = self.call("agent", "post", "@workflow/receive")
        self.assertEqual(moved.status_code, 200, moved.text)
        self.assertEqual(moved.json()["review_state"], "received")
        self.call("agent", "post", "@workflow/start")
        no_comment = self.call("agent", "post", "@workflow/refuse", json={})
        self.assertEqual(no_comment.status_code, 400, no_comment.text)
        refused = self.call(
            "agent", "post", "@workflow/refuse", json={"comment": "Hors commune"}
        )
        self.assertEqual(refused.status_code, 200, refused.text)
        self.assertEqual(self.call("marie").json()["review_state"], "refused")

    def test_agents_read_the_history_of_a_closed_case(self):
        steps = ("receive", "start", "ask_info", "resume", "accept", "close")
        for transition in steps:
            answer = self.call(
                "agent", "post", f"@workflow/{transition}", json={"comment": "Vu"}
            )
            self.assertEqual(answer.status_code, 200, answer.text)
        history = self.call("agent", path="@workflow").json()["history"]
        self.assertEqual(
            [entry["action"] for entry in history], [None, *steps], history
        )
        self.assertEqual(history[-1]["review_state"], "closed")
        self.assertEqual(history[-1]["actor"], "agent")
        self.assertEqual(history[-1]["title"], "Closed")

    def test_the_applicant_reads_the_history_without_the_agents_names(self):
        api.portal.set_registry_record("plone.default_language", "fr")
        transaction.commit()
        for transition in ("receive", "start"):
            self.call("agent", "post", f"@workflow/{transition}")
        answer = self.call("marie", path="@workflow")
        self.assertEqual(answer.status_code, 200, answer.text)
        history = answer.json()["history"]
        self.assertEqual(
            [entry["action"] for entry in history], [None, "receive", "start"]
        )
        self.assertEqual(history[-1]["title"], "En cours de traitement")
        self.assertTrue(all("actor" not in entry for entry in history), history)
        self.assertNotIn("agent", answer.text)
        expanded = self.call("marie", path="?expand=workflow").json()
        self.assertNotIn("actor", expanded["@components"]["workflow"]["history"][-1])
        # plone.restapi's @history names the actors: closed to the applicant.
        self.assertIn(self.call("marie", path="@history").status_code, (401, 403))

    def test_no_one_rewrites_the_files_messages_or_notes(self):
        forged = {
            "messages": [{"text": "Je retire ma demande", "from_applicant": True}],
            "internal_notes": [{"text": "Note falsifiée"}],
            "attachments": {"document": {"data": "UERG", "encoding": "base64"}},
        }
        for username in ("agent", "marie"):
            self.call(username, "patch", json=forged)
        transaction.begin()
        self.assertEqual(self.case.messages, [])
        self.assertEqual(self.case.internal_notes, [{"text": "Note interne"}])
        self.assertEqual(self.case.attachments, {})
