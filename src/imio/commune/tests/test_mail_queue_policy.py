"""The commune policy queues each site's mail on the instance's data directory."""

from aiosmtpd.controller import Controller
from imio.commune.answers import apply_answers
from imio.commune.answers import stored_answers
from imio.commune.cli.sites import pending_upgrades
from imio.commune.cli.upgrade import upgrade_site
from imio.commune.mail.startup import send_pending_mail
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_FUNCTIONAL_TESTING
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from pathlib import Path
from plone import api
from types import SimpleNamespace
from unittest import mock
from zope.component.hooks import setSite
from zope.sendmail.delivery import QueuedMailDelivery

import email
import socket
import tempfile
import time
import transaction
import unittest


PROFILE = "imio.commune:default"


class QueueRootTestCase(unittest.TestCase):
    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        self.addCleanup(setSite, self.layer["portal"])
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.var = Path(folder.name)
        environment = mock.patch.dict("os.environ", {"IMIO_VAR": str(self.var)})
        environment.start()
        self.addCleanup(environment.stop)

    @property
    def mailhost(self):
        # The policy replaces the MailHost of a site created before it.
        return self.site["MailHost"]


class TestMailQueuePolicy(QueueRootTestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def test_site_mail_queued_in_its_folder_of_the_data_directory(self):
        directory = self.var / "mailqueue" / COMMUNE_SITE_ID
        changes = apply_answers(self.site, stored_answers(self.site))
        self.assertIn(f"file d'attente des e-mails {directory}", changes)
        self.assertTrue(self.mailhost.smtp_queue)
        self.assertEqual(self.mailhost.smtp_queue_directory, str(directory))
        self.assertEqual(self.mailhost.queueLength(), 0)
        self.assertEqual(apply_answers(self.site, stored_answers(self.site)), [])

    def test_queue_root_chosen_by_the_operator(self):
        chosen = self.var / "partage"
        with mock.patch.dict("os.environ", {"IMIO_MAIL_QUEUE": str(chosen)}):
            apply_answers(self.site, stored_answers(self.site))
        self.assertEqual(
            self.mailhost.smtp_queue_directory, str(chosen / COMMUNE_SITE_ID)
        )
        self.assertTrue((chosen / COMMUNE_SITE_ID / "new").is_dir())

    def test_upgrade_to_1003_queues_the_mail_of_an_older_site(self):
        # The site as profile 1002 left it: mail sent directly.
        self.mailhost.smtp_queue = False
        self.site["portal_setup"].setLastVersionForProfile(PROFILE, "1002")
        self.assertEqual(pending_upgrades(self.site), [PROFILE])
        self.assertEqual(upgrade_site(self.site), f"mis à niveau : {PROFILE}")
        self.assertTrue(self.mailhost.smtp_queue)
        self.assertEqual(
            self.mailhost.smtp_queue_directory,
            str(self.var / "mailqueue" / COMMUNE_SITE_ID),
        )
        self.assertEqual(upgrade_site(self.site), "à jour")


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TestMailLeftInTheQueue(QueueRootTestCase):
    layer = IMIO_COMMUNE_FUNCTIONAL_TESTING

    def test_sent_when_the_instance_starts_again(self):
        inbox = Inbox()
        smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
        smtp.start()
        self.addCleanup(smtp.stop)
        api.portal.set_registry_record("plone.smtp_host", "127.0.0.1")
        api.portal.set_registry_record("plone.smtp_port", smtp.port)
        apply_answers(self.site, stored_answers(self.site))
        # Queued by a process that stopped before its thread sent it.
        QueuedMailDelivery(self.mailhost.smtp_queue_directory).send(
            "guichet@gesves.example",
            ["marie.dupont@example.org"],
            "Subject: Votre demande\n\nBonjour Marie Dupont,\n",
        )
        transaction.commit()
        self.assertEqual(self.mailhost.queueLength(), 1)
        self.addCleanup(self.mailhost._stopQueueProcessorThread)

        database = self.layer["app"]._p_jar.db()
        send_pending_mail(SimpleNamespace(database=database))

        deadline = time.monotonic() + 30
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.1)
        (message,) = inbox.messages
        self.assertEqual(message["Subject"], "Votre demande")
        self.assertEqual(message["X-Zope-To"], None)
