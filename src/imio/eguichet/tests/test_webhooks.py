"""A form's webhook: signed, retried, never in the way of a transition."""

from collective.easyform.api import get_schema
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.cases import create_case
from imio.eguichet.testing import add_form
from imio.eguichet.testing import free_port
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import SERVICE
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD
from plone.restapi.interfaces import IFieldSerializer
from unittest import mock
from zope.component import getMultiAdapter
from zope.interface import Invalid

import hashlib
import hmac
import json
import requests
import threading
import time
import transaction
import unittest


SECRET = "s3cr3t-partagé"  # noqa: S105


class Receiver:
    """The commune's other software: an HTTP server on loopback."""

    def __init__(self, statuses=()):
        self.calls = []
        self.statuses = list(statuses)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/imio/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count, timeout=20):
        deadline = time.monotonic() + timeout
        while len(self.calls) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.calls


def submission():
    return {"fullname": "Marie Dupont", "email": "marie.dupont@example.org"}


def signed(body: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


class WebhookTestCase(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING
    statuses = ()

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.receiver = Receiver(self.statuses)
        self.addCleanup(self.receiver.stop)
        self.form = add_form(
            self.portal, webhook_url=self.receiver.url, webhook_secret=SECRET
        )
        api.user.create(
            email="agent@namur.example", username="agent", password=TEST_USER_PASSWORD
        )
        api.group.add_user(groupname=SERVICE, username="agent")
        logout()
        transaction.commit()

    def submit(self):
        case, _code = create_case(self.form, get_schema(self.form), submission())
        transaction.commit()
        return case

    def receive(self, case):
        return requests.post(
            case.absolute_url() + "/@workflow/receive",
            auth=("agent", TEST_USER_PASSWORD),
            headers={"Accept": "application/json"},
            timeout=30,
        )


class TestSignedCalls(WebhookTestCase):
    def test_creation_and_each_transition_posted_signed(self):
        case = self.submit()
        self.assertEqual(self.receive(case).status_code, 200)
        calls = self.receiver.wait_for(2)
        self.assertEqual(len(calls), 2)
        payloads = []
        for headers, body in calls:
            self.assertEqual(headers["X-Imio-Signature"], signed(body))
            payloads.append(json.loads(body))
            self.assertEqual(headers["X-Imio-Event"], payloads[-1]["event"])
        created, received = payloads
        self.assertEqual(created["event"], "case_created")
        self.assertEqual(created["reference"], case.formatted_reference())
        self.assertEqual(created["review_state"], "submitted")
        self.assertIsNone(created["previous_state"])
        self.assertIsNone(created["transition"])
        self.assertEqual(created["form"]["title"], "Certificat de résidence")
        self.assertEqual(created["case_url"], case.absolute_url())
        self.assertEqual(received["event"], "case_transition")
        self.assertEqual(received["transition"], "receive")
        self.assertEqual(received["previous_state"], "submitted")
        self.assertEqual(received["review_state"], "received")
        self.assertRegex(received["date"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")

    def test_wrong_secret_does_not_verify(self):
        self.submit()
        ((headers, body),) = self.receiver.wait_for(1)
        forged = "sha256=" + hmac.new(b"autre", body, hashlib.sha256).hexdigest()
        self.assertNotEqual(headers["X-Imio-Signature"], forged)

    def test_aborted_transaction_calls_nothing(self):
        create_case(self.form, get_schema(self.form), submission())
        transaction.abort()
        time.sleep(0.5)
        self.assertEqual(self.receiver.calls, [])


class TestRetried(WebhookTestCase):
    statuses = (500,)

    def test_retried_after_a_server_error(self):
        with mock.patch("imio.eguichet.webhooks.FIRST_DELAY", 0.1):
            self.submit()
            calls = self.receiver.wait_for(2)
        self.assertEqual(len(calls), 2)
        self.assertEqual(calls[0][1], calls[1][1])
        self.assertEqual(calls[1][0]["X-Imio-Signature"], signed(calls[1][1]))


class TestTargetDown(WebhookTestCase):
    def test_transition_succeeds_and_failure_is_logged(self):
        self.receiver.stop()
        self.form.webhook_url = f"http://127.0.0.1:{free_port()}/hook"
        transaction.commit()
        with (
            mock.patch("imio.eguichet.webhooks.FIRST_DELAY", 0.05),
            self.assertLogs("imio.eguichet", level="ERROR") as logged,
        ):
            case = self.submit()
            started = time.monotonic()
            response = self.receive(case)
            self.assertLess(time.monotonic() - started, 5)
            self.assertEqual(response.status_code, 200, response.text)
            self.assertEqual(response.json()["review_state"], "received")
            deadline = time.monotonic() + 20
            while len(logged.output) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
        self.assertEqual(len(logged.output), 2)
        self.assertIn("failed 4 times, given up", logged.output[0])


class TestWebhookSettings(WebhookTestCase):
    def test_only_http_addresses(self):
        field = IEguichetForm["webhook_url"]
        field.validate("https://gestion.namur.example/hooks")
        for address in ("ftp://gestion.namur.example/", "file:///etc/passwd"):
            with self.assertRaises(Invalid):
                field.validate(address)

    def test_secret_never_shown_back(self):
        answer = requests.get(
            self.form.absolute_url(),
            auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
            headers={"Accept": "application/json"},
            timeout=30,
        ).json()
        self.assertIsNone(answer["webhook_secret"])
        self.assertNotIn(SECRET, json.dumps(answer, ensure_ascii=False))
        self.assertEqual(answer["webhook_url"], self.receiver.url)

    def test_address_hidden_from_who_cannot_edit_the_form(self):
        request = self.layer["request"]
        with api.env.adopt_user(username="agent"):
            for name in ("webhook_url", "webhook_secret"):
                serializer = getMultiAdapter(
                    (IEguichetForm[name], self.form, request), IFieldSerializer
                )
                self.assertIsNone(serializer(), name)

    def test_edit_form_does_not_show_the_secret(self):
        browser = requests.Session()
        self.addCleanup(browser.close)
        browser.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
        edit = self.form.absolute_url() + "/edit"
        page = browser.get(edit, timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertIn('name="form.widgets.IEguichetForm.webhook_secret"', page.text)
        self.assertNotIn(SECRET, page.text)
        self.assertIn(self.receiver.url, page.text)
