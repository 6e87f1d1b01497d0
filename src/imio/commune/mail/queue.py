"""Each site's MailHost writes to a queue folder that a thread empties.

The queue of a site lives in ``$IMIO_MAIL_QUEUE/<site id>``, by default
``$IMIO_VAR/mailqueue/<site id>``: on the instance's data directory, one
folder per site since the queue's thread sends with its site's SMTP settings.
The instances of a cluster that share their data directory share the queues;
the processor's lock on each message makes one of them send it.
"""

from imio.commune.mail.folder import MailQueue
from imio.commune.mail.mailhost import CommuneMailHost
from imio.commune.mail.mailhost import install_mailhost
from pathlib import Path

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
    MailQueue(directory)
    if install_mailhost(site):
        changes.append("file d'attente des e-mails avec nouvelles tentatives")
    mailhost = site["MailHost"]
    if mailhost.smtp_queue and mailhost.smtp_queue_directory == str(directory):
        return
    mailhost.smtp_queue = True
    mailhost.smtp_queue_directory = str(directory)
    changes.append(f"file d'attente des e-mails {directory}")


def queued_mailhost(site):
    """The site's MailHost if our processor sends its mail, else None."""
    mailhost = getattr(site, "MailHost", None)
    if isinstance(mailhost, CommuneMailHost) and mailhost.smtp_queue:
        return mailhost
    return None


def pending_sites(root: Path) -> list[str]:
    """Ids of the sites whose queue holds messages."""
    if not root.is_dir():
        return []
    return sorted(
        folder.name
        for folder in root.iterdir()
        if any((folder / "new").glob("*")) or any((folder / "cur").glob("*"))
    )
