"""The queue processor against a real SMTP server, one round at a time."""

from imio.commune.mail.folder import MailQueue
from imio.commune.mail.processor import delay_after
from imio.commune.mail.processor import QueueProcessor
from imio.commune.tests.test_mail_retries import SMTPServer
from pathlib import Path
from unittest import mock
from zope.sendmail.delivery import QueuedMailDelivery
from zope.sendmail.mailer import SMTPMailer

import subprocess
import sys
import tempfile
import transaction
import unittest


# Holds an exclusive lock on a message, as an instance sending it would.
HOLDER = """
import fcntl, os, sys, time
descriptor = os.open(sys.argv[1], os.O_RDONLY)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(600)
"""


class TestQueueProcessor(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.queue = MailQueue(Path(folder.name) / "gesves")
        self.smtp = SMTPServer()
        self.addCleanup(self.smtp.stop)
        self.processor = QueueProcessor(
            self.queue.path, lambda: SMTPMailer("127.0.0.1", self.smtp.port)
        )

    def queue_message(self, recipient: str) -> Path:
        QueuedMailDelivery(str(self.queue.path)).send(
            "guichet@gesves.be",
            [recipient],
            f"To: {recipient}\nSubject: Votre demande\n\nBonjour,\n",
        )
        transaction.commit()
        (path,) = [p for p in self.queue.pending() if recipient in p.read_text()]
        return path

    def test_schedule_from_the_environment_last_delay_repeats(self):
        with mock.patch.dict("os.environ", {"IMIO_MAIL_RETRY_DELAYS": "5,20"}):
            self.assertEqual([delay_after(n) for n in (1, 2, 3, 9)], [5, 20, 20, 20])
        with mock.patch.dict("os.environ", {"IMIO_MAIL_RETRY_DELAYS": "bientôt"}):
            self.assertEqual(
                [delay_after(n) for n in range(1, 7)], [10, 30, 60, 120, 300, 300]
            )

    def test_server_down_waits_for_the_next_delay_then_sends(self):
        self.queue_message("marie.dupont@example.org")
        with mock.patch.dict("os.environ", {"IMIO_MAIL_RETRY_DELAYS": "600"}):
            self.processor.process()
        self.assertIn("ConnectionRefusedError", self.queue.status()["last_error"])
        self.smtp.start()
        # Within the delay, the round does not even try.
        self.processor.process()
        self.assertEqual(self.smtp.inbox.messages, [])
        self.processor.server_retry_at = 0
        self.processor.process()
        self.assertEqual(len(self.smtp.inbox.messages), 1)
        self.assertEqual(self.queue.pending(), [])
        self.assertIn("last_sent_at", self.queue.status())

    def test_message_locked_by_a_live_instance_waits_then_is_sent_once_it_dies(self):
        self.smtp.start()
        path = self.queue_message("luc.lambert@example.org")
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        self.addCleanup(holder.wait)
        self.addCleanup(holder.kill)
        self.assertEqual(holder.stdout.readline().strip(), "locked")

        self.processor.process()
        self.assertEqual(self.smtp.inbox.messages, [])
        self.assertEqual(self.queue.pending(), [path])

        # The instance dies while sending: its lock goes with it.
        holder.kill()
        holder.wait()
        self.processor.process()
        self.assertEqual(len(self.smtp.inbox.messages), 1)
        self.assertEqual(self.queue.pending(), [])
        # Another instance that listed the message earlier sends nothing.
        other = QueueProcessor(
            self.queue.path, lambda: SMTPMailer("127.0.0.1", self.smtp.port)
        )
        other.send(path, SMTPMailer("127.0.0.1", self.smtp.port))
        self.assertEqual(len(self.smtp.inbox.messages), 1)
