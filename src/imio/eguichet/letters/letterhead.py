"""The commune's letterhead: logo, name, postal address, phone and e-mail.

The e-guichet knows the site's title and logo (Plone's own settings). The
administration's address and contacts, and the generated shield of a commune
without a logo, belong to the website: the distribution registers a
``ILetterhead`` utility that reads them (the two packages never import each
other).
"""

from base64 import b64encode
from dataclasses import dataclass
from dataclasses import field
from plone import api
from plone.formwidget.namedfile.converter import b64decode_file
from urllib.parse import unquote
from zope.component import queryUtility
from zope.interface import Interface


LOGO_RECORD = "plone.site_logo"
IMAGE_TYPES = {
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


@dataclass
class Letterhead:
    name: str
    logo: str = ""  # a data: URI, the only kind of address a letter reads
    address: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)


class ILetterhead(Interface):
    """Gives the site's letterhead."""

    def __call__(site) -> Letterhead:
        """The letterhead of the site."""


def data_uri(content_type: str, data: bytes) -> str:
    return f"data:{content_type};base64,{b64encode(data).decode('ascii')}"


def site_logo_uri() -> str:
    """The site's logo (Plone's setting) as a data: URI, or "" without one."""
    raw = api.portal.get_registry_record(LOGO_RECORD, default=None)
    if not raw:
        return ""
    try:
        filename, data = b64decode_file(raw)
    except (ValueError, IndexError):
        return ""
    filename = unquote(filename or "")
    extension = filename[filename.rfind(".") :].lower() if "." in filename else ""
    if extension not in IMAGE_TYPES or not data:
        return ""
    return data_uri(IMAGE_TYPES[extension], data)


def plain_letterhead(site) -> Letterhead:
    """The site's title and logo, without the website's contacts."""
    title = api.portal.get_registry_record("plone.site_title", default="")
    return Letterhead(name=title or site.Title(), logo=site_logo_uri())


def current_letterhead() -> Letterhead:
    site = api.portal.get()
    provider = queryUtility(ILetterhead)
    return provider(site) if provider is not None else plain_letterhead(site)
