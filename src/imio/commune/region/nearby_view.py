"""The "Autour de chez vous" section of a commune's home page, never fetched.

The home page of imio.website renders this view, by its name, after its own
agenda; it reads the list that ``refresh_nearby`` keeps in the site and shows
nothing when the list is empty.
"""

from datetime import datetime
from imio.commune import _
from imio.commune.region.nearby import nearby_events
from imio.commune.region.subscription import region_of
from imio.website.browser.home import CommuneHomeView
from imio.website.opening_hours import TIMEZONE
from Products.Five import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile


class NearbySection(BrowserView):
    """The neighbours' coming events, with their date, page and communes."""

    template = ViewPageTemplateFile("nearby.pt")

    def __call__(self) -> str:
        self.home = CommuneHomeView(self.context, self.request)
        self.items = [self.shown(item) for item in nearby_events(self.context)]
        self.items = [item for item in self.items if item is not None]
        if not self.items:
            return ""
        return self.template()

    def shown(self, item: dict) -> dict | None:
        try:
            start = datetime.fromisoformat(item["start"])
        except (KeyError, TypeError, ValueError):
            return None
        day = self.home.day(start)
        label = day["label"]
        if not item.get("whole_day"):
            time = f"{start.astimezone(TIMEZONE):%H:%M}"
            label = self.home._(
                _("${date} at ${time}", mapping={"date": label, "time": time})
            )
        return {**item, "date": {"iso": day["iso"], "label": label}}

    def agenda_url(self) -> str | None:
        region = region_of(self.context)
        return region["url"] if region else None
