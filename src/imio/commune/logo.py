"""The commune's logo: a file next to its profile, checked before the site is touched.

A profile names the file (``site_logo: logo.svg``); it is read into a data URL,
as the site creation form sends a logo, and both are checked the same way:
an SVG or PNG file of at most ``MAX_LOGO_BYTES`` whose size can be read, and
an SVG without scripts (the site serves it from its own address).
"""

from base64 import b64decode
from base64 import b64encode
from imio.website.browser.branding import image_size
from imio.website.browser.branding import LOGO_TYPES
from imio.website.browser.branding import PNG_SIGNATURE
from pathlib import Path
from plone.formwidget.namedfile.converter import b64decode_file
from plone.formwidget.namedfile.converter import b64encode_file
from urllib.parse import quote
from urllib.parse import unquote

import binascii
import re


MAX_LOGO_BYTES = 500 * 1024
DATA_URL = re.compile(
    r"^data:(?P<type>[\w.+-]+/[\w.+-]+);name=(?P<name>[^;,]*);base64,(?P<data>.*)$",
    re.S,
)
# What would run in a browser that opens the SVG file itself.
SVG_ACTIVE = re.compile(
    r"<script|<foreignObject|\son[a-z]+\s*=|javascript:|<!ENTITY", re.IGNORECASE
)


class LogoError(ValueError):
    """A logo that cannot be used; the reason in French."""


def is_data_url(value: str) -> bool:
    return value.startswith("data:")


def logo_problem(filename: str, data: bytes) -> str | None:
    """Why this file cannot be the commune's logo, in French; None when it can."""
    extension = Path(filename).suffix.lower()
    if extension not in LOGO_TYPES:
        return f"{filename} n'est ni un fichier SVG ni un fichier PNG."
    if len(data) > MAX_LOGO_BYTES:
        return (
            f"{filename} pèse {len(data) // 1024} Ko, au plus "
            f"{MAX_LOGO_BYTES // 1024} Ko sont acceptés."
        )
    if extension == ".png" and not data.startswith(PNG_SIGNATURE):
        return f"{filename} n'est pas une image PNG valide."
    if extension == ".svg":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return f"{filename} n'est pas un fichier SVG en UTF-8."
        if "<svg" not in text:
            return f"{filename} n'est pas une image SVG valide."
        if SVG_ACTIVE.search(text):
            return (
                f"{filename} contient un script ou un contenu actif, refusé "
                "pour la sécurité des visiteurs."
            )
    if image_size(filename, data) is None:
        return (
            f"{filename} : largeur et hauteur illisibles (un SVG a besoin de "
            "width et height ou d'un viewBox)."
        )
    return None


def read_logo(value: str, profile_dir: Path) -> str:
    """The logo named by a profile, as a data URL; a data URL as it is."""
    if is_data_url(value):
        return value
    path = profile_dir / value
    if not path.is_file():
        raise LogoError(f"le fichier {value} est introuvable à côté du profil.")
    data = path.read_bytes()
    problem = logo_problem(path.name, data)
    if problem:
        raise LogoError(problem)
    kind = LOGO_TYPES[path.suffix.lower()]
    encoded = b64encode(data).decode("ascii")
    return f"data:{kind};name={quote(path.name)};base64,{encoded}"


def decode_logo(value: str) -> tuple[str, bytes]:
    """File name and content of a logo's data URL, checked."""
    found = DATA_URL.match(value)
    if found is None:
        raise LogoError(
            "un fichier SVG ou PNG à côté du profil est attendu (son nom, "
            "par exemple logo.svg)."
        )
    try:
        data = b64decode(found.group("data"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise LogoError("le contenu du logo est illisible.") from exc
    problem = logo_problem(unquote(found.group("name")), data)
    if problem:
        raise LogoError(problem)
    return unquote(found.group("name")), data


def registry_value(value: str) -> bytes:
    """The logo as Plone's site settings keep it (``plone.site_logo``)."""
    return b64encode_file(*decode_logo(value))


def same_logo(value: str, stored: bytes | None) -> bool:
    """Whether the site already has this logo.

    Plone's site creation also stores the logo, its name URL-encoded: the
    names are compared decoded, so that a second deploy changes nothing.
    """
    if not stored:
        return False
    try:
        name, data = b64decode_file(stored)
    except (ValueError, IndexError):
        return False
    return (unquote(name), data) == decode_logo(value)
