"""Queued mail: each site's MailHost writes to a maildir that a thread empties.

The queue of a site lives in ``$IMIO_MAIL_QUEUE/<site id>``, by default
``$IMIO_VAR/mailqueue/<site id>``: on the instance's data directory, one
folder per site since the queue's thread sends with its site's SMTP settings.
The instances of a cluster that share their data directory share the queues;
zope.sendmail's hard-link lock makes one of them send each message.
"""

from pathlib import Path
from Products.MailHost.MailHost import queue_threads
from zope.component.hooks import setSite
from zope.sendmail.maildir import Maildir

import logging
import os


logger = logging.getLogger("imio.commune")


def queue_root() -> Path | None:
    """Where the sites' queues live, from the instance's environment."""
    if os.environ.get("IMIO_MAIL_QUEUE"):
        return Path(os.environ["IMIO_MAIL_QUEUE"]).absolute()
    if os.environ.get("IMIO_VAR"):
        return Path(os.environ["IMIO_VAR"]).absolute() / "mailqueue"
    return None


def apply_mail_queue(site, changes: list[str]) -> None:
    """Queue the site's mail in its folder of the queue root; idempotent."""
    root = queue_root()
    if root is None:
        logger.warning("Neither IMIO_MAIL_QUEUE nor IMIO_VAR set: mail not queued")
        return
    directory = root / site.getId()
    root.mkdir(parents=True, exist_ok=True)
    Maildir(str(directory), create=True)
    mailhost = site["MailHost"]
    if mailhost.smtp_queue and mailhost.smtp_queue_directory == str(directory):
        return
    mailhost.smtp_queue = True
    mailhost.smtp_queue_directory = str(directory)
    changes.append(f"file d'attente des e-mails {directory}")


def pending_sites(root: Path) -> list[str]:
    """Ids of the sites whose queue holds messages."""
    if not root.is_dir():
        return []
    return sorted(
        folder.name
        for folder in root.iterdir()
        if any((folder / "new").glob("*")) or any((folder / "cur").glob("*"))
    )


def send_pending_mail(event) -> None:
    """At start-up, send what an earlier process left in the queues.

    The MailHost starts its thread at the first message it queues; without
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
            if mailhost._getThreadKey() in queue_threads:
                continue
            # The mailer reads the SMTP settings from the site's registry.
            setSite(site)
            try:
                mailhost._startQueueProcessorThread()
            finally:
                setSite(None)
            logger.info("Sending the mail queued for %s", site_id)
    finally:
        connection.close()
