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
from imio.eguichet.webhook_targets import ALLOWED_NETWORKS
from imio.eguichet.webhook_targets import checked_addresses
from imio.eguichet.webhook_targets import is_public
from imio.eguichet.webhook_targets import RefusedAddress
from lxml import html
from pathlib import Path
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
import logging
import os
import re
import requests
import socket
import threading
import time
import transaction
import unittest


SECRET = "s3cr3t-partagé"  # noqa: S105
OPERATORS_GUIDE = (
    Path(__file__).resolve().parents[4] / "docs" / "operators" / "eguichet.md"
)


def documented_receiver_check():
    """The receiver's check of the operators' guide, as a receiver copies it."""
    blocks = re.findall(r"```python\n(.*?)```", OPERATORS_GUIDE.read_text(), re.S)
    (code,) = [block for block in blocks if "def is_genuine" in block]
    namespace = {}
    exec(compile(code, str(OPERATORS_GUIDE), "exec"), namespace)  # noqa: S102
    return namespace["is_genuine"]


class Receiver:
    """The commune's other software: an HTTP server on loopback."""

    def __init__(self, statuses=(), headers=None):
        self.calls = []
        self.statuses = list(statuses)
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.arrived:
                    receiver.calls.append((dict(self.headers), body))
                    receiver.arrived.notify_all()
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
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
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.calls) >= count, timeout)
            return list(self.calls)


class Errors(logging.Handler):
    """The errors the webhooks log, waited for as they come."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages = []
        self.logged = threading.Condition()

    def emit(self, record):
        with self.logged:
            self.messages.append(record.getMessage())
            self.logged.notify_all()

    def wait_for(self, count, timeout=20):
        with self.logged:
            self.logged.wait_for(lambda: len(self.messages) >= count, timeout)
            return list(self.messages)


def submission():
    return {"fullname": "Marie Dupont", "email": "marie.dupont@example.org"}


def signed(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class WebhookTestCase(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING
    statuses = ()

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        # The receiver is on loopback, which only the operators can allow.
        allow = mock.patch.dict(os.environ, {ALLOWED_NETWORKS: "127.0.0.1"})
        allow.start()
        self.addCleanup(allow.stop)
        self.errors = Errors()
        logging.getLogger("imio.eguichet").addHandler(self.errors)
        self.addCleanup(logging.getLogger("imio.eguichet").removeHandler, self.errors)
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
            timestamp = headers["X-Imio-Timestamp"]
            self.assertLess(abs(time.time() - int(timestamp)), 60)
            self.assertEqual(headers["X-Imio-Signature"], signed(body, timestamp))
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

    def test_wrong_secret_or_another_time_does_not_verify(self):
        self.submit()
        ((headers, body),) = self.receiver.wait_for(1)
        timestamp = headers["X-Imio-Timestamp"]
        self.assertNotEqual(
            headers["X-Imio-Signature"], signed(body, timestamp, "autre")
        )
        # Replayed later with a new time, the call no longer verifies.
        later = str(int(timestamp) + 600)
        self.assertNotEqual(headers["X-Imio-Signature"], signed(body, later))
        body_only = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        self.assertNotEqual(headers["X-Imio-Signature"], f"sha256={body_only}")

    def test_the_guides_receiver_accepts_a_call_once(self):
        is_genuine = documented_receiver_check()
        self.submit()
        ((headers, body),) = self.receiver.wait_for(1)
        timestamp = headers["X-Imio-Timestamp"]
        signature = headers["X-Imio-Signature"]
        self.assertFalse(is_genuine(SECRET, body + b" ", timestamp, signature))
        self.assertFalse(is_genuine("autre", body, timestamp, signature))
        self.assertTrue(is_genuine(SECRET, body, timestamp, signature))
        # The same call replayed at once is refused.
        self.assertFalse(is_genuine(SECRET, body, timestamp, signature))

    def test_aborted_transaction_calls_nothing(self):
        create_case(self.form, get_schema(self.form), submission())
        transaction.abort()
        case = self.submit()
        calls = self.receiver.wait_for(1)
        # The committed case's call has come: the aborted one never will.
        self.assertEqual(len(calls), 1)
        self.assertEqual(
            json.loads(calls[0][1])["reference"], case.formatted_reference()
        )


class TestRetried(WebhookTestCase):
    statuses = (500,)

    def test_retried_after_a_server_error(self):
        with mock.patch("imio.eguichet.webhooks.FIRST_DELAY", 0.1):
            self.submit()
            calls = self.receiver.wait_for(2)
        self.assertEqual(len(calls), 2)
        self.assertEqual(calls[0][1], calls[1][1])
        headers, body = calls[1]
        self.assertEqual(
            headers["X-Imio-Signature"], signed(body, headers["X-Imio-Timestamp"])
        )


class TestTargetDown(WebhookTestCase):
    def test_transition_succeeds_and_failure_is_logged(self):
        self.receiver.stop()
        self.form.webhook_url = f"http://127.0.0.1:{free_port()}/hook"
        transaction.commit()
        with mock.patch("imio.eguichet.webhooks.FIRST_DELAY", 0.05):
            case = self.submit()
            started = time.monotonic()
            response = self.receive(case)
            self.assertLess(time.monotonic() - started, 5)
            self.assertEqual(response.status_code, 200, response.text)
            self.assertEqual(response.json()["review_state"], "received")
            errors = self.errors.wait_for(2)
        self.assertEqual(len(errors), 2)
        self.assertIn("failed 4 times, given up", errors[0])


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


class TestPublicAddresses(unittest.TestCase):
    def test_internal_addresses_are_not_public(self):
        for address in (
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.10",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",  # noqa: S104
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1%2",
            "fc00::1",
            "fd12:3456::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2002:c0a8:101::1",
        ):
            with self.subTest(address=address):
                self.assertFalse(is_public(address))
        for address in ("8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8"):
            with self.subTest(address=address):
                self.assertTrue(is_public(address))

    def test_every_address_of_a_name_is_checked(self):
        with mock.patch.dict(os.environ, {ALLOWED_NETWORKS: ""}):
            for host in ("localhost", "127.0.0.1", "::1"):
                with self.subTest(host=host), self.assertRaises(RefusedAddress):
                    checked_addresses(host, 80)
        public_and_private = [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", 443)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 443)),
        ]
        with (
            mock.patch("socket.getaddrinfo", return_value=public_and_private),
            self.assertRaises(RefusedAddress) as refused,
        ):
            checked_addresses("gestion.namur.example", 443)
        self.assertEqual(str(refused.exception), "10.0.0.7")

    def test_operators_allow_networks_addresses_and_names(self):
        allowed = "10.20.0.0/16, ::1 gestion.namur.example"
        with mock.patch.dict(os.environ, {ALLOWED_NETWORKS: allowed}):
            self.assertEqual(checked_addresses("10.20.3.4", 80), ["10.20.3.4"])
            self.assertEqual(checked_addresses("::1", 80), ["::1"])
            with self.assertRaises(RefusedAddress):
                checked_addresses("10.21.0.1", 80)
            with mock.patch(
                "socket.getaddrinfo",
                return_value=[(socket.AF_INET, 1, 6, "", ("10.9.9.9", 443))],
            ):
                self.assertEqual(
                    checked_addresses("gestion.namur.example", 443), ["10.9.9.9"]
                )


class TestInternalAddressRefused(WebhookTestCase):
    def test_without_the_operators_leave_nothing_is_sent(self):
        with mock.patch.dict(os.environ, {ALLOWED_NETWORKS: ""}):
            case = self.submit()
            errors = self.errors.wait_for(1)
        self.assertEqual(len(errors), 1)
        self.assertIn("127.0.0.1 is not a public address", errors[0])
        self.assertIn(ALLOWED_NETWORKS, errors[0])
        self.assertEqual(self.receiver.calls, [])
        # Allowed again, the next step of the case is told.
        self.assertEqual(self.receive(case).status_code, 200)
        ((_headers, body),) = self.receiver.wait_for(1)
        self.assertEqual(json.loads(body)["transition"], "receive")


class TestRedirectionNotFollowed(WebhookTestCase):
    def setUp(self):
        super().setUp()
        self.elsewhere = Receiver()
        self.addCleanup(self.elsewhere.stop)

    def test_a_redirection_is_logged_and_not_followed(self):
        redirecting = Receiver([307], headers={"Location": self.elsewhere.url})
        self.addCleanup(redirecting.stop)
        self.form.webhook_url = redirecting.url
        transaction.commit()
        self.submit()
        errors = self.errors.wait_for(1)
        self.assertEqual(len(redirecting.calls), 1)
        self.assertIn("refused the call: HTTP 307", errors[0])
        self.assertEqual(self.elsewhere.calls, [])


class TestWebhookEditing(WebhookTestCase):
    def setUp(self):
        super().setUp()
        api.user.create(
            email="editrice@namur.example",
            username="editrice",
            password=TEST_USER_PASSWORD,
        )
        api.user.grant_roles(username="editrice", obj=self.form, roles=["Editor"])
        api.portal.set_registry_record("plone.available_languages", ["fr", "en"])
        api.portal.set_registry_record("plone.default_language", "fr")
        transaction.commit()

    def edit_form(self, auth, url):
        """Open the form's edit page as ``auth``, set the address, save."""
        browser = requests.Session()
        self.addCleanup(browser.close)
        browser.auth = auth
        browser.headers["Accept-Language"] = "fr"
        page = browser.get(self.form.absolute_url() + "/edit", timeout=30)
        self.assertEqual(page.status_code, 200)
        form = html.fromstring(page.text).xpath("//form[@id='form']")[0]
        data = dict(form.form_values())
        data["form.widgets.IEguichetForm.webhook_url"] = url
        data["form.buttons.save"] = "Enregistrer"
        return browser.post(form.action, data=data, timeout=30)

    def test_an_internal_address_is_refused_with_a_clear_message(self):
        before = self.form.webhook_url
        with mock.patch.dict(os.environ, {ALLOWED_NETWORKS: ""}):
            page = self.edit_form(
                (SITE_OWNER_NAME, SITE_OWNER_PASSWORD), "http://169.254.169.254/hook"
            )
            with self.assertRaises(Invalid):
                IEguichetForm["webhook_url"].validate("http://localhost:8080/hook")
        self.assertEqual(page.status_code, 200)
        self.assertIn(
            "Cette adresse mène à ce serveur ou à un réseau interne", page.text
        )
        transaction.begin()
        self.assertEqual(self.form.webhook_url, before)

    def test_editors_may_change_neither_the_address_nor_the_secret(self):
        editor = ("editrice", TEST_USER_PASSWORD)
        page = requests.get(self.form.absolute_url() + "/edit", auth=editor, timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn('name="form.widgets.IEguichetForm.webhook_url"', page.text)
        self.assertNotIn('name="form.widgets.IEguichetForm.webhook_secret"', page.text)
        other = Receiver()
        self.addCleanup(other.stop)
        answer = requests.patch(
            self.form.absolute_url(),
            json={"webhook_url": other.url, "webhook_secret": "pris"},
            auth=editor,
            headers={"Accept": "application/json"},
            timeout=30,
        )
        self.assertLess(answer.status_code, 500)
        transaction.begin()
        self.assertEqual(self.form.webhook_url, self.receiver.url)
        self.assertEqual(self.form.webhook_secret, SECRET)
        # The site's managers may.
        saved = self.edit_form((SITE_OWNER_NAME, SITE_OWNER_PASSWORD), other.url)
        self.assertEqual(saved.status_code, 200)
        transaction.begin()
        self.assertEqual(self.form.webhook_url, other.url)
        self.assertEqual(self.form.webhook_secret, SECRET)
