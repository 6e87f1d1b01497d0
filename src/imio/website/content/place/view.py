"""The page of a place."""

from imio.website.address import address_lines
from Products.Five import BrowserView


class PlaceView(BrowserView):
    """Address, map link, accessibility and hours."""

    def address(self) -> list[str]:
        return address_lines(self.context)

    def map_url(self) -> str | None:
        latitude, longitude = self.context.latitude, self.context.longitude
        if latitude is None or longitude is None:
            return None
        return (
            "https://www.openstreetmap.org/"
            f"?mlat={latitude}&mlon={longitude}#map=17/{latitude}/{longitude}"
        )
