"""Agents of the case's service move it; the applicant is told by e-mail."""

from collective.easyform.api import get_schema
from imio.eguichet.browser.follow import follow_url
from imio.eguichet.cases import create_case
from imio.eguichet.content.case.messages import add_message
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.testing import add_form
from imio.eguichet.testing import free_port
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import SENDER
from imio.eguichet.testing import SERVICE
from imio.eguichet.workflow import NOTIFIED_TRANSITIONS
from imio.eguichet.workflow import WORKFLOW_ID
from imio.eguichet.workflow.guards import CommentRequired
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD
from Products.CMFCore.WorkflowCore import WorkflowException

import requests
import transaction
import unittest


PASSWORD = TEST_USER_PASSWORD


def submission():
    return {"fullname": "Marie Dupont", "email": "marie.dupont@example.org"}


class WorkflowTestCase(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING
    language = "fr"

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", self.language)
        self.form = add_form(self.portal)
        api.user.create(
            email="agent@namur.example", username="agent", password=PASSWORD
        )
        api.group.add_user(groupname=SERVICE, username="agent")
        api.group.create(groupname="urbanisme")
        api.user.create(email="other@namur.example", username="other")
        api.group.add_user(groupname="urbanisme", username="other")
        api.user.create(email="jean@example.org", username="jean")
        logout()
        self.case, self.access_code = create_case(
            self.form, get_schema(self.form), submission()
        )
        transaction.commit()
        self.inbox = self.layer["inbox"].messages
        self.inbox.clear()

    def move(self, username, transition, **kwargs):
        workflow = api.portal.get_tool("portal_workflow")
        with api.env.adopt_user(username=username):
            workflow.doActionFor(self.case, transition, **kwargs)
        transaction.commit()

    def state(self):
        return api.content.get_state(self.case)


class TestTransitions(WorkflowTestCase):
    def test_agent_of_the_service_takes_it_to_the_end(self):
        self.move("agent", "receive")
        self.move("agent", "start")
        self.move("agent", "ask_info", comment="Joignez une copie du bail.")
        self.assertEqual(self.state(), "awaiting_info")
        self.move("agent", "provide_info")
        self.move("agent", "accept")
        self.assertEqual(self.state(), "accepted")
        self.move("agent", "close")
        self.assertEqual(self.state(), "closed")
        history = self.case.workflow_history["imio_case_workflow"]
        self.assertEqual(
            [entry["review_state"] for entry in history],
            [
                "submitted",
                "received",
                "in_progress",
                "awaiting_info",
                "in_progress",
                "accepted",
                "closed",
            ],
        )
        self.assertEqual(history[3]["comments"], "Joignez une copie du bail.")
        self.assertEqual(history[3]["actor"], "agent")

    def test_refused_then_closed(self):
        self.move("agent", "receive")
        self.move("agent", "start")
        self.move("agent", "refuse", comment="Vous n'habitez pas la commune.")
        self.assertEqual(self.state(), "refused")
        self.move("agent", "close")
        self.assertEqual(self.state(), "closed")

    def test_agent_of_another_service_cannot_move_it(self):
        with self.assertRaises(WorkflowException):
            self.move("other", "receive")
        with api.env.adopt_user(username="other"):
            self.assertFalse(api.user.has_permission("View", obj=self.case))
        self.assertEqual(self.state(), "submitted")

    def test_refusing_needs_a_comment_says_so_in_french(self):
        self.move("agent", "receive")
        self.move("agent", "start")
        url = f"{self.case.absolute_url()}/@workflow/refuse"
        response = requests.post(
            url,
            json={"comment": "  "},
            auth=("agent", PASSWORD),
            headers={"Accept": "application/json"},
            timeout=30,
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json()["error"]["message"],
            "Veuillez indiquer le motif du refus.",
        )
        transaction.begin()
        self.assertEqual(self.state(), "in_progress")
        response = requests.post(
            url,
            json={"comment": "Vous n'habitez pas la commune."},
            auth=("agent", PASSWORD),
            headers={"Accept": "application/json"},
            timeout=30,
        )
        self.assertEqual(response.status_code, 200)
        transaction.begin()
        self.assertEqual(self.state(), "refused")

    def test_asking_for_information_needs_a_comment(self):
        self.move("agent", "receive")
        self.move("agent", "start")
        with self.assertRaises(CommentRequired):
            self.move("agent", "ask_info")
        transaction.abort()
        self.assertEqual(self.state(), "in_progress")

    def test_applicant_withdraws_before_processing_only(self):
        self.case.manage_setLocalRoles("jean", ["Owner"])
        transaction.commit()
        with self.assertRaises(WorkflowException):
            self.move("jean", "receive")
        self.move("jean", "withdraw")
        self.assertEqual(self.state(), "withdrawn")

    def test_applicant_cannot_withdraw_while_in_progress(self):
        self.case.manage_setLocalRoles("jean", ["Owner"])
        self.move("agent", "receive")
        self.move("agent", "start")
        with self.assertRaises(WorkflowException):
            self.move("jean", "withdraw")
        self.move("agent", "ask_info", comment="Quel est votre numéro de rue ?")
        self.move("jean", "provide_info")
        self.assertEqual(self.state(), "in_progress")

    def test_editors_and_anonymous_cannot_move_it(self):
        api.user.create(email="editor@namur.example", username="editor")
        api.user.grant_roles(username="editor", roles=["Editor", "Reviewer"])
        with self.assertRaises(WorkflowException):
            self.move("editor", "receive")
        with api.env.adopt_roles(["Anonymous"]):
            self.assertFalse(api.user.has_permission("View", obj=self.case))


class TestNotifications(WorkflowTestCase):
    def test_submission_is_confirmed_with_the_access_code(self):
        logout()
        case, code = create_case(self.form, get_schema(self.form), submission())
        transaction.commit()
        (message,) = self.inbox
        reference = case.formatted_reference()
        self.assertEqual(message["To"], "Marie Dupont <marie.dupont@example.org>")
        self.assertIn(SENDER, message["From"])
        self.assertEqual(
            message["Subject"], f"Votre demande {reference} a bien été reçue"
        )
        body = message.get_content()
        self.assertIn(f"sous la référence {reference}", body)
        self.assertIn(f"Votre code d'accès est {code}.", body)
        self.assertIn(follow_url(case), body)
        self.assertNotIn(code, follow_url(case))

    def test_each_visible_step_is_mailed_in_french(self):
        self.move("agent", "receive")
        self.move("agent", "start")
        self.move("agent", "ask_info", comment="Joignez <b>une copie</b> du bail.")
        reference = self.case.formatted_reference()
        self.assertEqual(
            [message["Subject"] for message in self.inbox],
            [
                f"Votre demande {reference} : Reçue",
                f"Votre demande {reference} : En cours de traitement",
                f"Votre demande {reference} : En attente d'informations",
            ],
        )
        body = self.inbox[-1].get_content()
        self.assertIn("Bonjour Marie Dupont,", body)
        self.assertIn("Message du service : Joignez <b>une copie</b> du bail.", body)
        self.assertEqual(self.inbox[-1].get_content_type(), "text/plain")
        self.assertIn(follow_url(self.case), body)

    def test_every_step_is_mailed(self):
        workflow = api.portal.get_tool("portal_workflow")[WORKFLOW_ID]
        self.assertEqual(
            set(workflow.transitions.objectIds()), set(NOTIFIED_TRANSITIONS)
        )

    def test_closing_is_mailed_in_french(self):
        self.move("agent", "receive")
        self.move("agent", "start")
        self.move("agent", "accept")
        self.inbox.clear()
        self.move("agent", "close", comment="Document remis au guichet.")
        reference = self.case.formatted_reference()
        (message,) = self.inbox
        self.assertEqual(message["To"], "Marie Dupont <marie.dupont@example.org>")
        self.assertEqual(message["Subject"], f"Votre demande {reference} : Clôturée")
        body = message.get_content()
        self.assertIn("Bonjour Marie Dupont,", body)
        self.assertIn(f"Votre demande {reference} est désormais : Clôturée.", body)
        self.assertIn("Message du service : Document remis au guichet.", body)
        self.assertIn(f"Suivre votre demande : {follow_url(self.case)}", body)

    def test_answer_recorded_by_an_agent_is_mailed_in_their_words(self):
        self.move("agent", "receive")
        self.move("agent", "start")
        self.move("agent", "ask_info", comment="Joignez une copie du bail.")
        self.inbox.clear()
        self.move("agent", "provide_info", comment="Bail reçu par courrier.")
        self.assertEqual(self.state(), "in_progress")
        reference = self.case.formatted_reference()
        (message,) = self.inbox
        self.assertEqual(
            message["Subject"], f"Votre demande {reference} : En cours de traitement"
        )
        body = message.get_content()
        self.assertIn("Nous avons bien reçu votre réponse.", body)
        self.assertIn(
            f"Votre demande {reference} est désormais : En cours de traitement.",
            body,
        )
        self.assertIn("Message du service : Bail reçu par courrier.", body)
        self.assertNotIn("Votre réponse", body)

    def test_unreachable_mail_server_loses_no_case(self):
        api.portal.set_registry_record("plone.smtp_port", free_port())
        logout()
        case, _code = create_case(self.form, get_schema(self.form), submission())
        reference = case.getId()
        transaction.commit()
        transaction.begin()
        self.assertIn(reference, get_cases_folder(self.portal))
        self.assertEqual(self.inbox, [])


class TestNotificationsInGerman(WorkflowTestCase):
    language = "de"

    def test_mailed_in_german(self):
        self.move("agent", "receive")
        self.move("agent", "start")
        self.move("agent", "refuse", comment="Sie wohnen nicht in der Gemeinde.")
        reference = self.case.formatted_reference()
        self.assertEqual(
            self.inbox[-1]["Subject"], f"Ihr Antrag {reference}: Abgelehnt"
        )
        self.assertIn(
            "Guten Tag Marie Dupont,", self.inbox[-1].get_body(("plain",)).get_content()
        )

    def test_withdrawal_mailed_in_german(self):
        self.case.manage_setLocalRoles("jean", ["Owner"])
        transaction.commit()
        self.move("jean", "withdraw", comment="Nicht mehr nötig.")
        reference = self.case.formatted_reference()
        (message,) = self.inbox
        self.assertEqual(message["Subject"], f"Ihr Antrag {reference}: Zurückgezogen")
        body = message.get_content()
        self.assertIn(f"Ihr Antrag {reference} ist jetzt: Zurückgezogen.", body)
        self.assertIn("Ihre Begründung: Nicht mehr nötig.", body)
        self.assertIn(follow_url(self.case), body)

    def test_answer_mailed_in_german(self):
        with api.env.adopt_user(username="jean"):
            case, _code = create_case(self.form, get_schema(self.form), {})
        transaction.commit()
        self.case = case
        self.move("agent", "receive")
        self.move("agent", "start")
        self.move("agent", "ask_info", comment="Bitte den Mietvertrag beifügen.")
        self.inbox.clear()
        with api.env.adopt_user(username="jean"):
            add_message(case, "Hier ist der Mietvertrag.", from_applicant=True)
            api.content.transition(case, transition="provide_info")
        transaction.commit()
        reference = case.formatted_reference()
        (message,) = self.inbox
        self.assertEqual(message["To"], "jean@example.org")
        self.assertEqual(message["Subject"], f"Ihr Antrag {reference}: In Bearbeitung")
        body = message.get_content()
        self.assertIn("Wir haben Ihre Antwort erhalten.", body)
        self.assertIn(f"Ihr Antrag {reference} ist jetzt: In Bearbeitung.", body)
        self.assertIn("Ihre Antwort: Hier ist der Mietvertrag.", body)
        self.assertNotIn("Nachricht", body)
        self.assertIn(case.absolute_url(), body)
