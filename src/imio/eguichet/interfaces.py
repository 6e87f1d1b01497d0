"""Interfaces of imio.eguichet."""

from zope.publisher.interfaces.browser import IDefaultBrowserLayer


class IImioEguichetLayer(IDefaultBrowserLayer):
    """Browser layer active on sites where imio.eguichet is installed."""
