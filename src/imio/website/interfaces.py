"""Interfaces of imio.website."""

from zope.publisher.interfaces.browser import IDefaultBrowserLayer


class IImioWebsiteLayer(IDefaultBrowserLayer):
    """Browser layer active on sites where imio.website is installed."""
