"""Markers of the regional agenda."""

from zope.interface import Interface


class IRegionSite(Interface):
    """A site deployed with ``kind: region``: it gathers the communes' events."""
