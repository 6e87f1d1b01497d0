"""The commune's main colour, from the registry, in every page's head."""

from plone import api
from plone.app.layout.viewlets.common import ViewletBase

import re


COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
RECORD = "imio.commune.main_colour"


def darker(colour: str, factor: float = 0.7) -> tuple[int, int, int]:
    return tuple(int(int(colour[i : i + 2], 16) * factor) for i in (1, 3, 5))


class BrandingViewlet(ViewletBase):
    """Sets the theme's CSS variables; nothing when no colour is chosen."""

    def render(self):
        colour = api.portal.get_registry_record(RECORD, default=None) or ""
        if not COLOUR.match(colour):
            return ""
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        dark = darker(colour)
        return (
            "<style>body{"
            f"--imio-primary:{colour};"
            f"--imio-primary-rgb:{red},{green},{blue};"
            f"--imio-primary-dark:#{dark[0]:02x}{dark[1]:02x}{dark[2]:02x};"
            f"--imio-primary-dark-rgb:{dark[0]},{dark[1]},{dark[2]}"
            "}</style>"
        )
