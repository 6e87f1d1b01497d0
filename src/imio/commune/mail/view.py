"""The site's mail queue page: what waits, what failed, and the last error."""

from datetime import datetime
from imio.commune import _
from imio.commune.mail.folder import MailQueue
from imio.commune.mail.mailhost import start_queue_processor
from imio.commune.mail.mailhost import wake_queue_processor
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from Products.statusmessages.interfaces import IStatusMessage
from zExceptions import Forbidden
from zoneinfo import ZoneInfo

import os


# The page lists the oldest pending messages; the count says how many wait.
PENDING_SHOWN = 50


class MailQueueView(BrowserView):
    """Pending and failed messages of the site's queue, failed ones sent again."""

    def __call__(self):
        if self.request.method == "POST":
            return self.retry()
        return self.index()

    def mail_queue(self) -> MailQueue | None:
        mailhost = self.context["MailHost"]
        if not mailhost.smtp_queue:
            return None
        return MailQueue(mailhost.smtp_queue_directory)

    def summary(self) -> dict | None:
        queue = self.mail_queue()
        if queue is None:
            return None
        status = queue.status()
        return {
            "pending_count": len(queue.pending()),
            "pending": queue.pending_messages(PENDING_SHOWN),
            "failed": queue.failed_messages(),
            "last_error": status.get("last_error", ""),
            "last_error_at": self.local_time(status.get("last_error_at")),
            "last_sent_at": self.local_time(status.get("last_sent_at")),
            "paused": bool(os.environ.get("MAILHOST_QUEUE_ONLY")),
        }

    def local_time(self, moment) -> str:
        """A date of the queue, in the site's time zone, as a commune reads it."""
        if not moment:
            return ""
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        zone = api.portal.get_registry_record(
            "plone.portal_timezone", default="Europe/Brussels"
        )
        return moment.astimezone(ZoneInfo(zone or "Europe/Brussels")).strftime(
            "%d/%m/%Y %H:%M:%S"
        )

    def retry(self):
        CheckAuthenticator(self.request)
        queue = self.mail_queue()
        if queue is None:
            raise Forbidden("The site's mail is not queued.")
        name = self.request.form.get("message")
        names = [name] if name else [path.name for path in queue.failed()]
        count = sum(1 for name in names if queue.retry(name))
        mailhost = self.context["MailHost"]
        if count and not os.environ.get("MAILHOST_QUEUE_ONLY"):
            start_queue_processor(mailhost)
            wake_queue_processor(mailhost)
        IStatusMessage(self.request).add(
            _(
                "mail_queue_retried",
                default="${count} message(s) put back in the queue.",
                mapping={"count": count},
            ),
            type="info" if count else "warning",
        )
        self.request.response.redirect(
            f"{self.context.absolute_url()}/@@mail-queue", status=303
        )
        return ""
