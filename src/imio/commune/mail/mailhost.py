"""The sites' MailHost: Products.MailHost's, with our queue processor.

Products.MailHost starts zope.sendmail's thread in
``_startQueueProcessorThread``, the method its subclasses override (as
plone.app.testing's MockMailHost overrides ``_send``); this one starts a
:class:`QueueProcessor` instead, registered in the same ``queue_threads``,
so that the ZMI's queue page and its start/stop buttons keep working.
"""

from Acquisition import aq_inner
from Acquisition import aq_parent
from imio.commune.mail.processor import QueueProcessor
from plone.base.interfaces import IMailSchema
from plone.registry.interfaces import IRegistry
from Products.MailHost.decorator import synchronized
from Products.MailHost.interfaces import IMailHost
from Products.MailHost.MailHost import MailBase
from Products.MailHost.MailHost import MailHost
from Products.MailHost.MailHost import queue_threads
from zope.component import getUtility
from zope.component.hooks import getSite
from zope.component.hooks import setSite
from zope.sendmail.mailer import SMTPMailer

import logging
import transaction


logger = logging.getLogger("imio.commune.mail")

# What the site's MailHost keeps when it becomes a CommuneMailHost.
SETTINGS = (
    "title",
    "smtp_host",
    "smtp_port",
    "smtp_uid",
    "smtp_pwd",
    "force_tls",
    "implicit_tls",
    "smtp_queue",
    "smtp_queue_directory",
)


class SiteMailer:
    """Builds a mailer from the site's settings as the database has them now."""

    def __init__(self, database, site_path: tuple[str, ...]):
        self.database = database
        self.site_path = site_path

    def __call__(self) -> SMTPMailer:
        manager = transaction.TransactionManager()
        connection = self.database.open(transaction_manager=manager)
        previous = getSite()
        try:
            application = connection.root()["Application"]
            site = application.unrestrictedTraverse(self.site_path)
            setSite(site)
            settings = getUtility(IRegistry).forInterface(IMailSchema, prefix="plone")
            mailhost = site["MailHost"]
            return SMTPMailer(
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_userid or None,
                password=settings.smtp_pass or None,
                force_tls=mailhost.force_tls,
                implicit_tls=mailhost.implicit_tls,
            )
        finally:
            setSite(previous)
            manager.abort()
            connection.close()


def start_queue_processor(mailhost) -> bool:
    """Start the processor of a site's queue in this process, if not running."""
    key = mailhost._getThreadKey()
    running = queue_threads.get(key)
    if running is not None and running.is_alive():
        return False
    site = aq_parent(aq_inner(mailhost))
    database = site.getPhysicalRoot()._p_jar.db()
    processor = QueueProcessor(
        mailhost.smtp_queue_directory,
        SiteMailer(database, site.getPhysicalPath()),
    )
    processor.start()
    queue_threads[key] = processor
    logger.info("Mail queue %s started", key)
    return True


def wake_queue_processor(mailhost) -> None:
    """Have the queue looked at now, for a message put back in it."""
    processor = queue_threads.get(mailhost._getThreadKey())
    if isinstance(processor, QueueProcessor):
        processor.wake()


class CommuneMailHost(MailHost):
    """A MailHost whose queue is retried within minutes, with current settings."""

    @synchronized(MailBase.lock)
    def _startQueueProcessorThread(self):
        start_queue_processor(self)


def install_mailhost(site) -> bool:
    """Make the site's MailHost a CommuneMailHost with the same settings."""
    current = site["MailHost"]
    if isinstance(current, CommuneMailHost):
        return False
    replacement = CommuneMailHost("MailHost")
    for name in SETTINGS:
        setattr(replacement, name, getattr(current, name))
    # The old class's thread would keep the queue's key in queue_threads.
    if current.smtp_queue:
        current._stopQueueProcessorThread()
    site._delObject("MailHost", suppress_events=True)
    site._setObject("MailHost", replacement, suppress_events=True)
    manager = site.getSiteManager()
    manager.unregisterUtility(provided=IMailHost)
    manager.registerUtility(replacement, provided=IMailHost)
    return True
