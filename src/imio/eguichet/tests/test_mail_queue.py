"""With a queued MailHost, an SMTP outage delays the e-mails, never the cases."""

from aiosmtpd.controller import Controller
from collective.easyform.api import get_schema
from imio.eguichet.cases import create_case
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.testing import add_form
from imio.eguichet.testing import free_port
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import Inbox
from imio.eguichet.testing import SERVICE
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD

import os
import re
import requests
import shutil
import tempfile
import time
import transaction
import unittest


AUTHENTICATOR = re.compile(r'name="_authenticator"\s+value="([^"]+)"')
REFERENCE = re.compile(r'class="case-reference">([^<]+)<')
# The queue's thread looks at the directory every 3 seconds.
DELIVERY_TIMEOUT = 30


def wait_for(predicate, timeout=DELIVERY_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


class TestQueuedMail(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.form = add_form(self.portal)
        api.user.create(
            email="agent@namur.example", username="agent", password=TEST_USER_PASSWORD
        )
        api.group.add_user(groupname=SERVICE, username="agent")
        # A mail server of its own, not started yet: the commune's is down.
        self.inbox = Inbox()
        self.smtp = Controller(self.inbox, hostname="127.0.0.1", port=free_port())
        self.smtp_running = False
        api.portal.set_registry_record("plone.smtp_port", self.smtp.port)
        parent = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, parent)
        self.directory = os.path.join(parent, "mailqueue")
        self.mailhost = api.portal.get_tool("MailHost")
        self.mailhost.smtp_port = self.smtp.port
        self.mailhost.smtp_queue = True
        self.mailhost.smtp_queue_directory = self.directory
        transaction.commit()
        self.addCleanup(self.mailhost._stopQueueProcessorThread)

    def tearDown(self):
        if self.smtp_running:
            self.smtp.stop()

    def start_mail_server(self):
        self.smtp.start()
        self.smtp_running = True

    def submit(self):
        browser = requests.Session()
        self.addCleanup(browser.close)
        url = self.form.absolute_url()
        page = browser.get(url, timeout=30)
        data = {
            "form.widgets.fullname": "Marie Dupont",
            "form.widgets.email": "marie.dupont@example.org",
            "form.buttons.submit": "Envoyer",
            "_authenticator": AUTHENTICATOR.search(page.text).group(1),
        }
        return browser.post(url, data=data, timeout=30)

    def test_submission_saved_while_mail_server_down_mailed_when_back(self):
        response = self.submit()
        self.assertEqual(response.status_code, 200)
        reference = REFERENCE.search(response.text).group(1)
        transaction.begin()
        self.assertIn(reference.replace("-", ""), get_cases_folder(self.portal))
        self.assertEqual(self.mailhost.queueLength(), 1)
        self.assertEqual(self.inbox.messages, [])

        self.start_mail_server()
        self.assertTrue(wait_for(lambda: self.inbox.messages), "no mail delivered")
        (message,) = self.inbox.messages
        self.assertEqual(message["To"], "Marie Dupont <marie.dupont@example.org>")
        self.assertIn(reference, message["Subject"])
        self.assertTrue(wait_for(lambda: self.mailhost.queueLength() == 0))

    def test_transition_succeeds_while_mail_server_down(self):
        self.submit()
        transaction.begin()
        (case,) = get_cases_folder(self.portal).objectValues()
        response = requests.post(
            case.absolute_url() + "/@workflow/receive",
            auth=("agent", TEST_USER_PASSWORD),
            headers={"Accept": "application/json"},
            timeout=30,
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["review_state"], "received")
        self.assertEqual(self.mailhost.queueLength(), 2)

        self.start_mail_server()
        self.assertTrue(wait_for(lambda: len(self.inbox.messages) == 2))
        subjects = sorted(message["Subject"] for message in self.inbox.messages)
        reference = case.formatted_reference()
        self.assertEqual(
            subjects,
            [
                f"Votre demande {reference} : Reçue",
                f"Votre demande {reference} a bien été reçue",
            ],
        )

    def test_aborted_submission_queues_nothing(self):
        create_case(
            self.form,
            get_schema(self.form),
            {"fullname": "Marie Dupont", "email": "marie.dupont@example.org"},
        )
        transaction.abort()
        self.assertEqual(self.mailhost.queueLength(), 0)
