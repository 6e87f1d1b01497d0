"""A change of the site's SMTP settings tries its queue again at once."""

from imio.commune.mail.mailhost import wake_queue_processor
from zope.component.hooks import getSite

import transaction


SMTP_RECORDS = (
    "plone.smtp_host",
    "plone.smtp_port",
    "plone.smtp_userid",
    "plone.smtp_pass",
)


def smtp_settings_changed(event) -> None:
    """Once committed, wake this instance's processor of the site's queue.

    The processor reads the settings before each round; without this, a
    queue waiting for an unreachable server would keep waiting its delay.
    """
    if event.record.__name__ not in SMTP_RECORDS:
        return
    mailhost = getattr(getSite(), "MailHost", None)
    if mailhost is None or not mailhost.smtp_queue:
        return

    def wake(committed):
        if committed:
            wake_queue_processor(mailhost)

    transaction.get().addAfterCommitHook(wake)
