"""Markers of the procedure library."""

from zope.interface import Interface


class ILibraryCopy(Interface):
    """A commune's procedure copied from a sheet of the library."""


class ILibrarySite(Interface):
    """A site deployed with ``kind: library``: it publishes the sheets."""
