"""1003: the sites' mail goes through a queue on the instance's data directory."""

from imio.commune.mail.queue import apply_mail_queue
from plone import api


def queue_mail(setup_tool):
    """Queue the site's mail as a site created today does."""
    apply_mail_queue(api.portal.get(), [])
