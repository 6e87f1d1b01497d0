"""The commune's logo, name and favicon; a mark drawn from its name without a logo.

The logo is Plone's site logo (``plone.site_logo``: the site settings, or the
commune profile's ``site_logo``). Plone's own logo is never shown: a site
without one gets a shield in the commune's colour with its initials.
"""

from functools import lru_cache
from html import escape
from plone import api
from plone.app.layout.links.viewlets import FaviconViewlet
from plone.app.layout.viewlets.common import ViewletBase
from plone.formwidget.namedfile.converter import b64decode_file
from plone.app.layout.viewlets import social
from plone.app.layout.viewlets.social import SocialTagsViewlet
from Products.CMFPlone.browser.favicon import SiteFavicon
from Products.CMFPlone.browser.sitelogo import SiteLogo
from Products.Five import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from urllib.parse import quote
from urllib.parse import unquote
from zExceptions import NotFound

import html
import os
import re
import struct
import unicodedata


LOGO_RECORD = "plone.site_logo"
FAVICON_RECORD = "plone.site_favicon"
# The commune profile's colour (imio.commune), read by its name.
COLOUR_RECORD = "imio.commune.main_colour"
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# The theme's own primary colour: white text on it reaches 7.5:1.
DEFAULT_COLOUR = "#005a85"
# WCAG 2.1 AA for normal text, which AnySurfer asks for.
MINIMUM_CONTRAST = 4.5
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The header shows the logo at this height, its width in proportion.
LOGO_HEIGHT = 56
MARK_NAME = "commune-mark.svg"
# "Ville de Namur" is Namur: these words name what the commune is, not which.
TITLE_WORDS = {
    "commune",
    "communes",
    "ville",
    "cite",
    "de",
    "d",
    "du",
    "des",
    "la",
    "le",
    "les",
    "l",
    "gemeinde",
    "stadt",
}
SVG_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*$")
SVG_ROOT = re.compile(r"<svg\b[^>]*>", re.S)
SVG_ATTRIBUTE = r'\b{}\s*=\s*["\']([^"\']*)["\']'
# A shield, as a coat of arms: the initials sit in its upper two thirds.
MARK = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" '
    'height="64"><path d="M6 4h52v26c0 16-11 26-26 31C17 56 6 46 6 30z" '
    'fill="{colour}"/><text x="32" y="{baseline}" fill="#ffffff" '
    'font-family="Arial, Helvetica, sans-serif" font-size="{size}" '
    'font-weight="700" text-anchor="middle">{initials}</text></svg>'
)


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of white text on a #rrggbb background."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


def readable_colour(colour: str | None) -> str:
    """The colour if white text reads on it, else the theme's."""
    readable = (
        colour
        and COLOUR.match(colour)
        and contrast_with_white(colour) >= MINIMUM_CONTRAST
    )
    return colour if readable else DEFAULT_COLOUR


def image_size(filename: str, data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG or SVG logo, or None when they cannot be read."""
    if filename.lower().endswith(".png"):
        if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", data[16:24])
        return (width, height) if width and height else None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    root = SVG_ROOT.search(text)
    if root is None:
        return None
    attributes = {
        name: re.search(SVG_ATTRIBUTE.format(name), root.group(0))
        for name in ("width", "height", "viewBox")
    }
    width, height = (
        SVG_SIZE.match(found.group(1)) if found else None
        for found in (attributes["width"], attributes["height"])
    )
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    if attributes["viewBox"]:
        box = attributes["viewBox"].group(1).replace(",", " ").split()
        if len(box) == 4:
            try:
                box_width, box_height = float(box[2]), float(box[3])
            except ValueError:
                return None
            if box_width > 0 and box_height > 0:
                return round(box_width), round(box_height)
    return None


@lru_cache(maxsize=8)
def site_logo(raw: bytes) -> dict | None:
    """File name, type and header size of the stored logo (decoded once)."""
    try:
        filename, data = b64decode_file(raw)
    except (ValueError, IndexError):
        return None
    # Plone's site creation keeps the name URL-encoded, as its form sent it.
    filename = unquote(filename)
    extension = filename[filename.rfind(".") :].lower() if "." in filename else ""
    size = image_size(filename, data)
    if extension not in LOGO_TYPES or size is None:
        return None
    width, height = size
    return {
        "filename": filename,
        "type": LOGO_TYPES[extension],
        "width": max(1, round(width * LOGO_HEIGHT / height)),
        "height": LOGO_HEIGHT,
    }


def initials(title: str) -> str:
    """One or two letters from a commune's name: "Ville de Namur" is "N"."""
    plain = unicodedata.normalize("NFKD", title)
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    words = [word for word in re.split(r"[^A-Za-z]+", plain) if word]
    kept = [word for word in words if word.lower() not in TITLE_WORDS] or words
    return "".join(word[0].upper() for word in kept[:2])


def mark_svg(title: str, colour: str | None) -> str:
    """The generated mark: a shield of the commune's colour with its initials."""
    letters = initials(title) or "?"
    return MARK.format(
        colour=readable_colour(colour),
        initials=escape(letters),
        size=26 if len(letters) == 1 else 20,
        baseline=37 if len(letters) == 1 else 35,
    )


def brand_colour() -> str:
    return readable_colour(api.portal.get_registry_record(COLOUR_RECORD, default=None))


def current_logo() -> dict | None:
    raw = api.portal.get_registry_record(LOGO_RECORD, default=None)
    return site_logo(raw) if raw else None


def logo_url(portal_url: str, logo: dict | None) -> str:
    if logo is None:
        return f"{portal_url}/@@{MARK_NAME}"
    return f"{portal_url}/@@site-logo/{quote(logo['filename'])}"


class CommuneMarkView(BrowserView):
    """The generated mark, as an SVG file (header and favicon)."""

    def __call__(self):
        title = api.portal.get_registry_record("plone.site_title", default="")
        response = self.request.response
        response.setHeader("Content-Type", "image/svg+xml")
        response.setHeader("Cache-Control", "public, max-age=3600")
        return mark_svg(title or "", brand_colour())


class BrandViewlet(ViewletBase):
    """The header's brand: the commune's logo and name, to the home page."""

    def render(self) -> str:
        title = api.portal.get_registry_record("plone.site_title", default="") or ""
        logo = current_logo()
        portal_url = self.portal_state.portal_url()
        width = logo["width"] if logo else LOGO_HEIGHT
        # The name is written beside the logo: the image's alternative text
        # names the link once for screen readers, the text shows it to all.
        return (
            f'<a class="site-brand-link" id="portal-logo" '
            f'href="{escape(self.navigation_root_url)}">'
            f'<img class="site-brand-logo" src="{escape(logo_url(portal_url, logo))}" '
            f'width="{width}" height="{LOGO_HEIGHT}" alt="{escape(title)}">'
            f'<span class="site-brand-name" aria-hidden="true">{escape(title)}</span>'
            "</a>"
        )


class BrandFaviconViewlet(FaviconViewlet):
    """The favicon: the one chosen in the site settings, else the logo or mark."""

    def render(self) -> str:
        if api.portal.get_registry_record(FAVICON_RECORD, default=None):
            return super().render()
        logo = current_logo()
        url = logo_url(self.portal_state.portal_url(), logo)
        kind = logo["type"] if logo else "image/svg+xml"
        return f'<link href="{escape(url)}" rel="icon" type="{kind}">'


class BrandFavicon(SiteFavicon):
    """``/favicon.ico`` for clients that ask for it: never Plone's own."""

    def __call__(self):
        if api.portal.get_registry_record(FAVICON_RECORD, default=None):
            return super().__call__()
        logo = current_logo()
        if logo is None:
            return CommuneMarkView(self.context, self.request)()
        raw = api.portal.get_registry_record(LOGO_RECORD)
        _filename, data = b64decode_file(raw)
        response = self.request.response
        response.setHeader("Content-Type", logo["type"])
        response.setHeader("Cache-Control", "public, max-age=3600")
        return data


class BrandSiteLogo(SiteLogo):
    """``@@site-logo`` of a site without a logo is a missing page, not an error."""

    def __call__(self):
        if self.data is None:
            raise NotFound(self.context, "site-logo", self.request)
        return super().__call__()


class BrandSocialTagsViewlet(SocialTagsViewlet):
    """Shared pages show the commune's logo or mark, never Plone's logo."""

    index = ViewPageTemplateFile(
        os.path.join(os.path.dirname(social.__file__), "social_tags.pt")
    )

    def _get_tags(self):
        # Plone escapes the page's title, and its template escapes it again
        # ("place d&amp;#x27;Armes" on social networks): the title as typed.
        escaped = self.page_title
        tags = [
            dict(tag, content=html.unescape(escaped))
            if tag.get("content") == escaped
            else tag
            for tag in super()._get_tags()
        ]
        site_url = api.portal.get().absolute_url()
        plone_logo = f"{site_url}/++resource++plone-logo.svg"
        if not any(tag.get("content") == plone_logo for tag in tags):
            return tags
        logo = current_logo()
        url = logo_url(site_url, logo)
        kind = logo["type"] if logo else "image/svg+xml"
        shared = []
        for tag in tags:
            if tag.get("content") == plone_logo:
                tag = dict(tag, content=url)
            elif tag.get("property") == "og:image:type":
                tag = dict(tag, content=kind)
            shared.append(tag)
        return shared


class BrandSocialTagsBodyViewlet(BrandSocialTagsViewlet):
    """The same, as schema.org properties in the page's body."""

    index = ViewPageTemplateFile(
        os.path.join(os.path.dirname(social.__file__), "social_tags_body.pt")
    )
