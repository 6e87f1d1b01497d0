"""At start-up, send what an earlier process left in the queues."""

from imio.commune.mail.mailhost import start_queue_processor
from imio.commune.mail.queue import pending_sites
from imio.commune.mail.queue import queue_root

import logging
import os


logger = logging.getLogger("imio.commune")


def send_pending_mail(event) -> None:
    """Start the processor of every queue holding messages.

    The MailHost starts its processor at the first message it queues; without
    this, mail queued before a restart would wait for the next one.
    """
    root = queue_root()
    if root is None or os.environ.get("MAILHOST_QUEUE_ONLY"):
        return
    site_ids = pending_sites(root)
    if not site_ids:
        return
    connection = event.database.open()
    try:
        application = connection.root()["Application"]
        for site_id in site_ids:
            site = application.get(site_id)
            mailhost = getattr(site, "MailHost", None) if site else None
            if mailhost is None or not mailhost.smtp_queue:
                continue
            if start_queue_processor(mailhost):
                logger.info("Sending the mail queued for %s", site_id)
    finally:
        connection.close()
