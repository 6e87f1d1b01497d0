"""1005: mail retried within minutes with the current settings; the queue page."""

from imio.commune.mail.queue import apply_mail_queue
from plone import api


def queue_processor(setup_tool):
    """The site's MailHost sends its queue with our processor."""
    apply_mail_queue(api.portal.get(), [])


def queue_page(setup_tool):
    """The mail queue configlet, for site administrators."""
    setup_tool.runImportStepFromProfile(
        "profile-imio.commune:default", "controlpanel", run_dependencies=False
    )
