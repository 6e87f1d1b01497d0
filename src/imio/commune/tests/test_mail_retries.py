"""The applicant's confirmation leaves when the mail server comes back.

A real SMTP server on loopback, stopped then started; a retry schedule of
fractions of a second, so that the waits the tests measure stay short.
"""

from aiosmtpd.controller import Controller
from imio.commune.mail.folder import MailQueue
from imio.commune.mail.queue import apply_mail_queue
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_FUNCTIONAL_TESTING
from imio.eguichet.testing import add_form
from imio.eguichet.testing import free_port
from imio.eguichet.testing import Inbox
from imio.eguichet.testing import SERVICE
from pathlib import Path
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD
from unittest import mock
from zope.component.hooks import setSite

import os
import requests
import tempfile
import time
import transaction
import unittest


SENDER = "guichet@gesves.be"
# The schedule under test: a failure waits 0.2 s, then 0.5 s, then 1 s.
RETRY_DELAYS = "0.2,0.5,1"
# The longest wait of the schedule, a pass of the queue, and the SMTP dialogue.
BACK_WITHIN = 1 + 1 + 3


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    if not predicate():
        raise AssertionError(f"not within {timeout} s: {what}")


class SMTPServer:
    """aiosmtpd on a free port of 127.0.0.1, started when the test says."""

    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = None

    @property
    def running(self) -> bool:
        return self.controller is not None

    def start(self):
        # A stopped aiosmtpd controller cannot start again: a new one, same port.
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.running:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list:
        return [m for m in self.inbox.messages if address in str(m["To"])]


class MailQueueTestCase(unittest.TestCase):
    """The commune site with its queue in a throwaway data directory."""

    layer = IMIO_COMMUNE_FUNCTIONAL_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        self.addCleanup(setSite, self.layer["portal"])
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        environment = mock.patch.dict(
            "os.environ",
            {"IMIO_VAR": folder.name, "IMIO_MAIL_RETRY_DELAYS": RETRY_DELAYS},
        )
        environment.start()
        self.addCleanup(environment.stop)
        self.smtp = SMTPServer()
        self.addCleanup(self.smtp.stop)
        setRoles(self.site, TEST_USER_ID, ["Manager"])
        apply_mail_queue(self.site, [])
        self.mailhost = self.site["MailHost"]
        self.addCleanup(self.mailhost._stopQueueProcessorThread)
        self.queue = MailQueue(self.mailhost.smtp_queue_directory)
        api.portal.set_registry_record("plone.smtp_host", "127.0.0.1")
        api.portal.set_registry_record("plone.smtp_port", self.smtp.port)
        api.portal.set_registry_record("plone.email_from_address", SENDER)
        api.portal.set_registry_record("plone.email_from_name", "Commune de Gesves")
        api.portal.set_registry_record("imio.eguichet.submissions_per_hour_per_ip", 0)
        if not api.group.get(SERVICE):
            api.group.create(groupname=SERVICE, title="État civil")
        self.form = add_form(self.site, form_id=f"residence-{time.monotonic_ns()}")
        transaction.commit()

    def submit(self, fullname: str, email: str) -> dict:
        """What a citizen's application sends, and the case it gets back."""
        answer = requests.post(
            f"{self.form.absolute_url()}/@submit",
            json={"fullname": fullname, "email": email},
            headers={"Accept": "application/json"},
            timeout=30,
        )
        self.assertEqual(answer.status_code, 201, answer.text)
        return answer.json()

    def failed_once(self) -> bool:
        return bool(self.queue.status().get("last_error"))


class TestConfirmationAfterOutage(MailQueueTestCase):
    def test_confirmation_arrives_within_the_backoff_once_the_server_is_back(self):
        case = self.submit("Marie Dupont", "marie.dupont@example.org")
        # The queue tried, and the server did not answer.
        wait_until(self.failed_once, 10, "a first attempt, refused")
        self.assertIn("Connection", self.queue.status()["last_error"])
        self.assertEqual(len(self.queue.pending()), 1)

        self.smtp.start()
        back = time.monotonic()
        wait_until(
            lambda: self.smtp.to("marie.dupont@example.org"),
            BACK_WITHIN,
            "the confirmation after the server's return",
        )
        self.assertLess(time.monotonic() - back, BACK_WITHIN)
        (message,) = self.smtp.to("marie.dupont@example.org")
        self.assertIn(case["reference"], message["Subject"])
        self.assertIn(case["access_code"], message.get_body().get_content())
        wait_until(lambda: not self.queue.pending(), 5, "an empty queue")
        self.assertEqual(len(self.smtp.inbox.messages), 1)

    def test_a_lock_left_by_the_previous_processor_is_recovered(self):
        # zope.sendmail's lock of a message whose sending failed hours ago.
        directory = Path(self.mailhost.smtp_queue_directory)
        message = directory / "new" / "1764750000.4242.gesves.1"
        message.write_bytes(
            b"X-Zope-From: guichet@gesves.be\n"
            b"X-Zope-To: marie.dupont@example.org\n"
            b"To: marie.dupont@example.org\n"
            b"Subject: Votre demande 4K7-Q2M\n\nBonjour Marie Dupont,\n"
        )
        lock = directory / "new" / f".sending-{message.name}"
        lock.hardlink_to(message)
        three_hours_ago = time.time() - 3 * 3600
        os.utime(message, (three_hours_ago, three_hours_ago))
        self.smtp.start()
        self.mailhost._startQueueProcessorThread()
        wait_until(
            lambda: self.smtp.to("marie.dupont@example.org"), 10, "the stuck message"
        )
        self.assertFalse(lock.exists())
        self.assertFalse(message.exists())


class TestSettingsChange(MailQueueTestCase):
    def test_new_smtp_port_used_by_the_running_queue(self):
        api.user.create(
            email="admin@gesves.be",
            username="administrateur",
            password=TEST_USER_PASSWORD,
            roles=("Site Administrator",),
        )
        transaction.commit()
        self.smtp.start()
        self.submit("Marie Dupont", "marie.dupont@example.org")
        wait_until(lambda: self.smtp.to("marie.dupont@example.org"), 10, "first mail")
        self.assertTrue(self.mailhost.queueThreadAlive())

        # The commune moves to another mail server.
        other = SMTPServer()
        other.start()
        self.addCleanup(other.stop)
        answer = requests.patch(
            f"{self.site.absolute_url()}/@controlpanels/mail",
            json={"smtp_host": "127.0.0.1", "smtp_port": other.port},
            headers={"Accept": "application/json"},
            auth=("administrateur", TEST_USER_PASSWORD),
            timeout=30,
        )
        self.assertEqual(answer.status_code, 204, answer.text)

        case = self.submit("Jean Lemaire", "jean.lemaire@example.org")
        wait_until(lambda: other.to("jean.lemaire@example.org"), 10, "on the new port")
        (message,) = other.to("jean.lemaire@example.org")
        self.assertIn(case["reference"], message["Subject"])
        self.assertEqual(self.smtp.to("jean.lemaire@example.org"), [])

    def test_new_server_during_an_outage_used_at_once(self):
        api.user.create(
            email="admin@gesves.be",
            username="administrateur",
            password=TEST_USER_PASSWORD,
            roles=("Site Administrator",),
        )
        transaction.commit()
        # After a failure, the queue would wait ten minutes.
        with mock.patch.dict("os.environ", {"IMIO_MAIL_RETRY_DELAYS": "600"}):
            case = self.submit("Marie Dupont", "marie.dupont@example.org")
            wait_until(self.failed_once, 10, "a first attempt, refused")

            # The commune's server is down: it switches to another one.
            other = SMTPServer()
            other.start()
            self.addCleanup(other.stop)
            answer = requests.patch(
                f"{self.site.absolute_url()}/@controlpanels/mail",
                json={"smtp_host": "127.0.0.1", "smtp_port": other.port},
                headers={"Accept": "application/json"},
                auth=("administrateur", TEST_USER_PASSWORD),
                timeout=30,
            )
            self.assertEqual(answer.status_code, 204, answer.text)
            wait_until(
                lambda: other.to("marie.dupont@example.org"), 10, "on the new server"
            )
        (message,) = other.to("marie.dupont@example.org")
        self.assertIn(case["reference"], message["Subject"])
