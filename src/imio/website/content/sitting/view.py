"""The page of a sitting."""

from imio.website.content.alert.content import in_brussels
from Products.Five import BrowserView


class SittingView(BrowserView):
    """Date, place, agenda, minutes and live stream."""

    def date(self) -> dict:
        start = in_brussels(self.context.start)
        return {"label": f"{start:%d/%m/%Y %H:%M}", "iso": start.isoformat()}

    def place(self) -> dict | None:
        relation = self.context.place
        if relation is None or relation.isBroken() or relation.to_object is None:
            return None
        place = relation.to_object
        return {"title": place.Title(), "url": place.absolute_url()}

    def minutes_url(self) -> str | None:
        if not self.context.minutes:
            return None
        return f"{self.context.absolute_url()}/@@download/minutes"
