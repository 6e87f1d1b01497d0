"""The site administrator sees the mail queue and sends refused messages again."""

from imio.commune.tests.test_mail_retries import MailQueueTestCase
from imio.commune.tests.test_mail_retries import SENDER
from imio.commune.tests.test_mail_retries import wait_until
from imio.eguichet.testing import Inbox
from plone import api
from plone.app.testing import TEST_USER_PASSWORD
from zope.sendmail.delivery import QueuedMailDelivery

import html
import re
import requests
import transaction


AUTHENTICATOR = re.compile(r'name="_authenticator"[^>]*value="([^"]+)"')
UNKNOWN = "dominique.inconnu@example.org"


class RefusingInbox(Inbox):
    """A mail server that knows every address but one."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == UNKNOWN:
            return "550 5.1.1 <dominique.inconnu@example.org>: Mailbox unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def text(element: str, page: str) -> str:
    found = re.search(rf'class="{element}"[^>]*>(.*?)</dd>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>|\s+", " ", found.group(1))).strip()


class TestMailQueuePage(MailQueueTestCase):
    def setUp(self):
        super().setUp()
        users = {
            "administrateur": ("Site Administrator",),
            "redaction": ("Editor",),
            "agent": ("Member",),
        }
        for username, roles in users.items():
            api.user.create(
                email=f"{username}@gesves.be",
                username=username,
                password=TEST_USER_PASSWORD,
                roles=roles,
            )
        api.group.add_user(groupname="etat_civil", username="agent")
        transaction.commit()
        self.url = f"{self.site.absolute_url()}/@@mail-queue"
        self.smtp.inbox = RefusingInbox()

    def session(self, user=None) -> requests.Session:
        session = requests.Session()
        session.headers["Accept-Language"] = "fr"
        if user:
            session.auth = (user, TEST_USER_PASSWORD)
        self.addCleanup(session.close)
        return session

    def one_failed_one_pending(self):
        """A mistyped address refused for good, then the server down."""
        self.smtp.start()
        self.submit("Dominique Inconnu", UNKNOWN)
        wait_until(lambda: self.queue.failed(), 10, "the refused message")
        self.smtp.stop()
        self.submit("Marie Dupont", "marie.dupont@example.org")
        wait_until(
            lambda: "Connection" in self.queue.status().get("last_error", ""),
            10,
            "the server's absence noted",
        )

    def test_administrator_sees_counts_and_last_error(self):
        self.one_failed_one_pending()
        page = self.session("administrateur").get(self.url, timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertIn("File d'attente des e-mails", page.text)
        self.assertEqual(text("mail-queue-pending", page.text), "1")
        self.assertEqual(text("mail-queue-failed", page.text), "1")
        last_error = text("mail-queue-last-error", page.text)
        self.assertIn("ConnectionRefusedError", last_error)
        self.assertRegex(last_error, r"^\d\d/\d\d/\d{4} \d\d:\d\d")
        self.assertIn("550 5.1.1", page.text)
        self.assertIn(UNKNOWN, page.text)
        self.assertIn("Renvoyer", page.text)

    def test_long_backlog_counted_and_oldest_listed(self):
        delivery = QueuedMailDelivery(str(self.queue.path))
        for number in range(1, 52):
            delivery.send(
                SENDER,
                [f"citoyen{number}@example.org"],
                f"To: citoyen{number}@example.org\nSubject: Demande {number}\n\n.\n",
            )
        transaction.commit()
        page = self.session("administrateur").get(self.url, timeout=30)
        self.assertEqual(text("mail-queue-pending", page.text), "51")
        self.assertIn("Les 50 messages les plus anciens sont affichés.", page.text)
        rows = re.search(r"mail-queue-pending-messages.*?</table>", page.text, re.S)
        self.assertEqual(rows.group(0).count("<tr>"), 51)

    def test_linked_from_the_site_setup(self):
        setup = self.session("administrateur").get(
            f"{self.site.absolute_url()}/@@overview-controlpanel", timeout=30
        )
        self.assertEqual(setup.status_code, 200)
        self.assertIn(f'href="{self.url}"', setup.text)
        self.assertIn("File d'attente des e-mails", setup.text)

    def test_refused_to_anonymous_agents_and_editors(self):
        anonymous = self.session().get(self.url, timeout=30, allow_redirects=False)
        self.assertIn(anonymous.status_code, (302, 401))
        for user in ("agent", "redaction"):
            page = self.session(user).get(self.url, timeout=30, allow_redirects=False)
            self.assertIn(page.status_code, (302, 401, 403), user)
            self.assertNotIn("mail-queue-pending", page.text)

    def test_send_again_needs_the_form_token_then_delivers(self):
        self.one_failed_one_pending()
        (failed,) = self.queue.failed()
        administrator = self.session("administrateur")
        forged = administrator.post(self.url, data={"message": failed.name}, timeout=30)
        self.assertEqual(forged.status_code, 403)
        self.assertEqual(self.queue.failed(), [failed])
        agent = self.session("agent").post(
            self.url, data={"message": failed.name}, timeout=30, allow_redirects=False
        )
        self.assertIn(agent.status_code, (302, 401, 403))
        self.assertEqual(self.queue.failed(), [failed])

        # The commune corrects the address on its side; the server comes back.
        self.smtp.inbox = Inbox()
        self.smtp.start()
        page = administrator.get(self.url, timeout=30)
        token = AUTHENTICATOR.search(page.text).group(1)
        answer = administrator.post(
            self.url, data={"message": failed.name, "_authenticator": token}, timeout=30
        )
        self.assertEqual(answer.status_code, 200)
        self.assertIn("1 message(s) remis dans la file d'attente.", answer.text)
        self.assertEqual(self.queue.failed(), [])
        wait_until(
            lambda: len(self.smtp.inbox.messages) == 2, 10, "both messages delivered"
        )
        recipients = sorted(str(m["To"]) for m in self.smtp.inbox.messages)
        self.assertEqual(
            recipients,
            [
                f"Dominique Inconnu <{UNKNOWN}>",
                "Marie Dupont <marie.dupont@example.org>",
            ],
        )
