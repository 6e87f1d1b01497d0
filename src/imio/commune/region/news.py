"""The region's news: the communes' latest news items, newest first.

Read from the regional store's catalog metadata only (the commune facet is
counted in one pass over the selection): no object is woken. Each title links
to its commune's page, the canonical one.
"""

from datetime import datetime
from datetime import UTC
from imio.commune import _
from imio.commune.region.agenda import rss_response
from imio.commune.region.store import search
from imio.eguichet.display import format_date
from plone.batching import Batch
from Products.Five import BrowserView
from urllib.parse import urlencode
from zope.i18n import translate
from zoneinfo import ZoneInfo


BRUSSELS = ZoneInfo("Europe/Brussels")
BATCH_SIZE = 20
FEED_SIZE = 50


def moment(value: str | None) -> datetime | None:
    try:
        found = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


class NewsView(BrowserView):
    """The news of the region's communes, narrowed by commune."""

    def __init__(self, context, request):
        super().__init__(context, request)
        language = getattr(request, "LANGUAGE", None) or context.Language() or "fr"
        self.language = language[:2]
        value = request.form.get("commune", [])
        values = value if isinstance(value, list) else [value]
        self.selected = [
            each.strip()
            for each in values
            if isinstance(each, str) and each.strip().isdigit()
        ][:50]
        self.problems = []
        if len(self.selected) != len([each for each in values if each]):
            self.problems.append(self._(_("An unknown commune was ignored.")))
        start = request.form.get("b_start", 0)
        try:
            self.b_start = max(int(start), 0)
        except (TypeError, ValueError):
            self.b_start = 0

    def _(self, message) -> str:
        return translate(message, target_language=self.language, context=self.request)

    @property
    def page_title(self) -> str:
        return self._(_("Regional news"))

    def brains(self):
        if not hasattr(self, "_brains"):
            self._brains = search(
                self.context, kind="news", communes=self.selected, reverse=True
            )
        return self._brains

    def url(self) -> str:
        return f"{self.context.absolute_url()}/@@actualites"

    def link(self, view: str, extra=()) -> str:
        params = [("commune", each) for each in self.selected] + list(extra)
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.context.absolute_url()}/@@{view}{query}"

    def rss_url(self) -> str:
        return self.link("actualites.rss")

    def agenda_url(self) -> str:
        return f"{self.context.absolute_url()}/@@agenda"

    def batch(self):
        if not hasattr(self, "_batch"):
            self._batch = Batch(self.brains(), BATCH_SIZE, self.b_start)
        return self._batch

    def previous_url(self) -> str | None:
        batch = self.batch()
        if not batch.has_previous:
            return None
        return self.link("actualites", [("b_start", max(batch.first - BATCH_SIZE, 0))])

    def next_url(self) -> str | None:
        batch = self.batch()
        if not batch.has_next:
            return None
        return self.link("actualites", [("b_start", batch.first + BATCH_SIZE)])

    def when(self, brain) -> str:
        found = moment(brain.start_local)
        if found is None:
            return ""
        return format_date(found.astimezone(BRUSSELS).date(), self.language)

    def items(self) -> list[dict]:
        return [
            {
                "title": brain.title,
                "description": brain.description,
                "url": brain.url,
                "when": self.when(brain),
                "date": (brain.start_local or "")[:10],
                "communes": brain.communes or [],
            }
            for brain in self.batch()
        ]

    def communes(self) -> list[dict]:
        """The commune facet, counted in one pass over the selection."""
        counts, titles = {}, {}
        # Counted over every news item (not only the selection), so that
        # ticking one commune still shows the others to add.
        for brain in search(self.context, kind="news"):
            for commune in brain.communes or ():
                refnis = commune["refnis"]
                counts[refnis] = counts.get(refnis, 0) + 1
                titles[refnis] = commune["title"]
        for refnis in self.selected:
            counts.setdefault(refnis, 0)
        options = [
            {
                "value": refnis,
                "label": titles.get(refnis, refnis),
                "count": count,
                "checked": refnis in self.selected,
                "id": f"news-commune-{position}",
            }
            for position, (refnis, count) in enumerate(sorted(counts.items()))
        ]
        options.sort(key=lambda option: option["label"])
        return options


class NewsRSS(NewsView):
    """The selection's latest news as RSS 2.0."""

    def __call__(self):
        items = []
        for brain in self.brains()[:FEED_SIZE]:
            communes = ", ".join(each["title"] for each in brain.communes or ())
            items.append({
                "title": brain.title,
                "link": brain.url,
                "guid": brain.item,
                "description": " — ".join(filter(None, (communes, brain.description))),
                "published": moment(brain.start_local),
            })
        channel = {
            "title": f"{self.page_title} — {self.context.Title()}",
            "link": self.url(),
            "description": self.page_title,
            "language": self.language,
        }
        return rss_response(self.request, channel, items)
