"""The home page of a commune site, composed from catalog queries."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from DateTime import DateTime
from imio.website.address import address_lines
from imio.website.content.council.view import sittings
from imio.website.content.service.view import phone_links
from imio.website.opening_hours import TIMEZONE
from plone import api
from plone.event.interfaces import IEvent
from plone.event.utils import dt2int
from Products.Five import BrowserView
from zope.component import getMultiAdapter


FEATURED_PROCEDURES = 8
LATEST_NEWS = 4
UPCOMING_EVENTS = 4

# Sections that the commune distribution creates at the root of the site.
EGUICHET = "e-guichet"
NEWS = "actualites"
AGENDA = "agenda"
POLITICAL_LIFE = "vie-politique"
ADMINISTRATION = ("services", "administration")


def day(moment: datetime) -> dict:
    """A date for a listing: as people read it in Brussels, and as machines do."""
    local = moment.astimezone(TIMEZONE)
    return {"label": f"{local:%d/%m/%Y}", "iso": local.date().isoformat()}


def from_index(value: int) -> datetime:
    """The UTC minute that plone.event's dt2int stored in a date index.

    dt2int packs ((year * 12 + month) * 31 + day) * 1440 + minutes; its inverse,
    int2dt, fails for December and the 31st, whose fields carry over.
    """
    days, minutes = divmod(value, 24 * 60)
    months, day = divmod(days, 31)
    if day == 0:
        months, day = months - 1, 31
    year, month = divmod(months, 12)
    if month == 0:
        year, month = year - 1, 12
    return datetime(year, month, day, tzinfo=UTC) + timedelta(minutes=minutes)


def link(item) -> dict:
    return {
        "title": item.Title(),
        "description": item.Description(),
        "url": item.absolute_url(),
    }


class CommuneHomeView(BrowserView):
    """Top procedures, e-guichet, news, events, political life and contact."""

    def visible(self, *path: str):
        """An item of the site the reader may see, by its path from the root."""
        item = self.context
        for name in path:
            contents = getattr(item, "get", None)
            item = contents(name) if contents is not None else None
            if item is None:
                return None
        if not api.user.has_permission("View", obj=item):
            return None
        return item

    def section(self, name: str) -> dict | None:
        item = self.visible(name)
        return link(item) if item is not None else None

    def featured_procedures(self) -> list[dict]:
        brains = api.content.find(
            portal_type="Procedure",
            featured=True,
            sort_on="sortable_title",
            sort_limit=FEATURED_PROCEDURES,
        )
        return [
            {
                "title": brain.Title,
                "description": brain.Description,
                "url": brain.getURL(),
            }
            for brain in brains[:FEATURED_PROCEDURES]
        ]

    def eguichet(self) -> dict | None:
        return self.section(EGUICHET)

    def latest_news(self) -> list[dict]:
        # Date: the publication date, or the last change of a draft.
        brains = api.content.find(
            portal_type="News Item",
            sort_on="Date",
            sort_order="descending",
            sort_limit=LATEST_NEWS,
        )
        return [
            {
                "title": brain.Title,
                "description": brain.Description,
                "url": brain.getURL(),
                "date": day(DateTime(brain.Date).asdatetime()),
            }
            for brain in brains[:LATEST_NEWS]
        ]

    def upcoming_events(self) -> list[dict]:
        """Events still to come or going on, by their next occurrence.

        As plone.app.event's ``get_events`` orders them, but reading only the
        start and end indexes of each event (it reads every index of each):
        those hold every occurrence, so no event is woken up either.
        """
        now = datetime.now(TIMEZONE)
        after = dt2int(now)
        catalog = api.portal.get_tool("portal_catalog")
        start_index = catalog._catalog.getIndex("start")
        end_index = catalog._catalog.getIndex("end")
        root = api.portal.get_navigation_root(self.context)
        brains = catalog(
            object_provides=IEvent.__identifier__,
            end={"query": now, "range": "min"},
            path="/".join(root.getPhysicalPath()),
        )
        upcoming = []
        for brain in brains:
            rid = brain.getRID()
            occurrences = zip(
                sorted(start_index.getEntryForObject(rid, ())),
                sorted(end_index.getEntryForObject(rid, ())),
                strict=False,
            )
            starts = [start for start, end in occurrences if end >= after]
            if starts:
                upcoming.append((min(starts), brain))
        upcoming.sort(key=lambda pair: pair[0])
        return [
            {
                "title": brain.Title,
                "description": brain.Description,
                "url": brain.getURL(),
                "date": day(from_index(start)),
                "location": brain.location or "",
            }
            for start, brain in upcoming[:UPCOMING_EVENTS]
        ]

    def news_section(self) -> dict | None:
        return self.section(NEWS)

    def agenda_section(self) -> dict | None:
        return self.section(AGENDA)

    def political_life(self) -> dict | None:
        return self.section(POLITICAL_LIFE)

    def next_sitting(self) -> dict | None:
        upcoming = sittings(self.context, upcoming=True)
        return upcoming[0] if upcoming else None

    def administration(self) -> dict | None:
        """The administration's contact and whether it is open now."""
        service = self.visible(*ADMINISTRATION)
        if service is None or service.portal_type != "Service":
            return None
        hours = getMultiAdapter((service, self.request), name="opening-hours")
        return {
            **link(service),
            "address": address_lines(service),
            "phones": phone_links(service.phones),
            "emails": list(service.emails or []),
            "status": None if hours.hours.is_empty() else hours.status(),
        }

    def intro(self) -> str | None:
        """The site's own text, which editors write on the site root."""
        text = getattr(self.context, "text", None)
        if text is None or not text.raw.strip():
            return None
        return text.output_relative_to(self.context)
