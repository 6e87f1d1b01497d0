"""The regional agenda: the communes' coming events, facets, iCalendar and RSS.

Everything is read from the regional store's catalog metadata (one pass over
the selection counts the facets): no object is woken. Each event links to its
commune's page, the canonical one.
"""

from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import UTC
from email.utils import format_datetime
from imio.belgium.communes import arrondissement_of
from imio.belgium.errors import InvalidInput
from imio.commune import _
from imio.commune.region.store import horizon_days
from imio.commune.region.store import facet_counts
from imio.commune.region.store import metadata
from imio.commune.region.store import search
from imio.commune.region.walloon_map import agenda_map
from imio.eguichet.display import format_date
from imio.website.browser.ical.timezones import complete_timezones
from imio.website.browser.ical.timezones import vtimezone
from plone.batching import Batch
from Products.Five import BrowserView
from urllib.parse import urlencode
from urllib.parse import urlsplit
from xml.sax.saxutils import escape
from zope.component import queryUtility
from zope.i18n import translate
from zope.schema.interfaces import IVocabularyFactory
from zoneinfo import ZoneInfo

from collective.taxonomy import PATH_SEPARATOR

import belgica
import icalendar
import json
import re


BRUSSELS = ZoneInfo("Europe/Brussels")
BATCH_SIZE = 20
FEED_SIZE = 200
# The map marks the places of the selection's coming dates, up to this many.
MAP_DATES = 2000
# Request parameter, catalog metadata, title.
FACETS = (
    ("commune", "communes_refnis", _("Commune")),
    ("arrondissement", "arrondissements", _("Arrondissement")),
    ("province", "provinces", _("Province")),
    ("categorie", "topics", _("Category")),
    ("public", "audiences", _("Audience")),
)
# Request parameter of a facet, argument of the store's search.
QUERY_NAMES = {
    "commune": "communes",
    "arrondissement": "arrondissements",
    "province": "provinces",
    "categorie": "topics",
    "public": "audiences",
}
PRICES = {"gratuit": True, "payant": False}
# REFNIS codes of communes, arrondissements, provinces; taxonomy term ids.
CODED_FACETS = ("commune", "arrondissement", "province")
CODE = re.compile(r"[0-9]{5}")
TERM = re.compile(r"[A-Za-z0-9_.-]{1,100}")


def day_of(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


class AgendaView(BrowserView):
    """The coming events of the region's communes, narrowed by facets."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.language = (
            getattr(request, "LANGUAGE", None) or context.Language() or "fr"
        )[:2]
        self.problems = []
        self.now = datetime.now(UTC)
        form = request.form
        self.selected = {name: self.several(name) for name, _i, _t in FACETS}
        self.price = self.single("prix") if self.single("prix") in PRICES else ""
        self.access = self.single("pmr") == "1"
        self.start_day = self.day("du")
        self.end_day = self.day("au")
        if self.start_day and self.end_day and self.end_day < self.start_day:
            self.problems.append(
                self._(_("The end date comes before the start date: ignored."))
            )
            self.end_day = None
        self.b_start = form.get("b_start", 0)

    def _(self, message) -> str:
        return translate(message, target_language=self.language, context=self.request)

    # The request.

    def single(self, name: str) -> str:
        value = self.request.form.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    def several(self, name: str) -> list[str]:
        """The facet's values as asked; one that cannot be a value is a message."""
        value = self.request.form.get(name, [])
        values = value if isinstance(value, list) else [value]
        shape = CODE if name in CODED_FACETS else TERM
        kept = [
            each
            for each in values
            if isinstance(each, str) and each and shape.fullmatch(each)
        ][:50]
        message = self._(_("An unknown value of the filters was ignored."))
        asked = [each for each in values if each]
        if len(kept) < len(asked) and message not in self.problems:
            self.problems.append(message)
        return kept

    def day(self, name: str) -> date | None:
        text = self.single(name)
        if not text:
            return None
        found = day_of(text)
        if found is None:
            self.problems.append(
                self._(
                    _(
                        "« ${value} » is not a date (dd/mm/yyyy): ignored.",
                        mapping={"value": text[:30]},
                    )
                )
            )
        return found

    def range(self) -> tuple[datetime, datetime]:
        start = self.now
        if self.start_day:
            start = max(start, datetime.combine(self.start_day, time(), BRUSSELS))
        end = self.now + timedelta(days=horizon_days(self.context))
        if self.end_day:
            end = datetime.combine(self.end_day + timedelta(days=1), time(), BRUSSELS)
        return start, end

    def query(self, without: str = "") -> dict:
        """The catalog query of the selection; ``without`` one facet's filter."""
        start, end = self.range()
        query = {"kind": "event", "start_from": start, "start_to": end}
        for name, parameter in QUERY_NAMES.items():
            if name != without:
                query[parameter] = self.selected[name]
        if self.price and without != "prix":
            query["free"] = PRICES[self.price]
        if self.access and without != "pmr":
            query["reduced_mobility_access"] = True
        return query

    def brains(self):
        if not hasattr(self, "_brains"):
            self._brains = search(self.context, **self.query())
        return self._brains

    # What the page shows.

    @property
    def page_title(self) -> str:
        return self._(_("Regional agenda"))

    def url(self) -> str:
        return f"{self.context.absolute_url()}/@@agenda"

    def parameters(self) -> list[tuple[str, str]]:
        params = []
        for name, values in self.selected.items():
            params.extend((name, value) for value in values)
        if self.price:
            params.append(("prix", self.price))
        if self.access:
            params.append(("pmr", "1"))
        if self.start_day:
            params.append(("du", self.start_day.isoformat()))
        if self.end_day:
            params.append(("au", self.end_day.isoformat()))
        return params

    def link(self, view: str, extra=()) -> str:
        params = [*self.parameters(), *extra]
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.context.absolute_url()}/@@{view}{query}"

    def ical_url(self) -> str:
        return self.link("agenda.ics")

    def rss_url(self) -> str:
        return self.link("agenda.rss")

    def quick_links(self) -> list[dict]:
        today = self.now.astimezone(BRUSSELS).date()
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:
            saturday = today
        month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
        month_end -= timedelta(days=1)
        spans = (
            (_("Today"), today, today),
            (_("This weekend"), saturday, saturday + timedelta(days=1)),
            (_("This month"), today, month_end),
        )
        return [
            {
                "label": self._(label),
                "url": f"{self.url()}?{urlencode({'du': first, 'au': last})}",
            }
            for label, first, last in spans
        ]

    def batch(self):
        if not hasattr(self, "_batch"):
            try:
                start = max(int(self.b_start), 0)
            except (TypeError, ValueError):
                start = 0
            self._batch = Batch(self.brains(), BATCH_SIZE, start)
        return self._batch

    def page_url(self, start: int) -> str:
        return self.link("agenda", [("b_start", start)])

    def previous_url(self) -> str | None:
        batch = self.batch()
        if not batch.has_previous:
            return None
        return self.page_url(max(batch.first - BATCH_SIZE, 0))

    def next_url(self) -> str | None:
        batch = self.batch()
        if not batch.has_next:
            return None
        return self.page_url(batch.first + BATCH_SIZE)

    def when(self, brain) -> str:
        start = datetime.fromisoformat(brain.start_local).astimezone(BRUSSELS)
        end = datetime.fromisoformat(brain.end_local).astimezone(BRUSSELS)
        if brain.whole_day:
            first = format_date(start.date(), self.language)
            if end.date() == start.date():
                return first
            last = format_date(end.date(), self.language)
            return self._(
                _("${first} to ${last}", mapping={"first": first, "last": last})
            )
        text = format_date(start.replace(tzinfo=None), self.language)
        if end.date() == start.date() and end > start and not brain.open_end:
            return f"{text}\u2013{end:%H:%M}"
        return text

    def events(self) -> list[dict]:
        shown = []
        for brain in self.batch():
            place = brain.place or {}
            shown.append({
                "title": brain.title,
                "description": brain.description,
                "url": brain.url,
                "when": self.when(brain),
                "start": brain.start_local,
                "location": place.get("title") or brain.location,
                "address": ", ".join(
                    each
                    for each in (
                        place.get("street"),
                        " ".join(
                            filter(None, (place.get("postal_code"), place.get("city")))
                        ),
                    )
                    if each
                ),
                "communes": brain.communes,
                "price": brain.price,
                "access": brain.reduced_mobility_access,
            })
        return shown

    def map(self) -> dict:
        """Wallonia with a marker per place of the selection's next MAP_DATES
        dates (metadata only): the page's cost stays bounded for the fleet."""
        return agenda_map(self.brains()[:MAP_DATES], self.language, self.request)

    def commune_calendars(self, facets: list[dict]) -> list[dict]:
        """One iCalendar link per commune of the selection."""
        for facet in facets:
            if facet["name"] == "commune":
                return [
                    {
                        "label": option["label"],
                        "url": f"{self.context.absolute_url()}/@@agenda.ics?"
                        + urlencode({"commune": option["value"]}),
                    }
                    for option in facet["options"]
                    if option["count"]
                ]
        return []

    # Facets, counted over the selection's metadata. A facet in use counts
    # the selection without its own filter, so that another of its values can
    # be added (one more search per facet in use).

    def chosen(self, name: str) -> bool:
        if name == "prix":
            return bool(self.price)
        if name == "pmr":
            return self.access
        return bool(self.selected[name])

    def counted(self, criteria: dict, names) -> dict:
        """Counts of these facets' values over the dates matching ``criteria``,
        read from the store's indexes (no date's metadata is read)."""
        columns = {name: column for name, column, _t in FACETS if name in names}
        if "prix" in names:
            columns["prix"] = "free"
        if "pmr" in names:
            columns["pmr"] = "reduced_mobility_access"
        found = facet_counts(self.context, list(columns.values()), **criteria)
        counts = {
            name: {value: count for value, (count, _rid) in found[column].items()}
            for name, column in columns.items()
        }
        if "prix" in counts:
            free = counts["prix"]
            counts["prix"] = {
                "gratuit": free.get(True, 0),
                "payant": free.get(False, 0),
            }
        if "pmr" in counts:
            counts["pmr"] = {"1": counts["pmr"].get(True, 0)}
        labels = {}
        for refnis, (_count, rid) in found.get("communes_refnis", {}).items():
            for commune in metadata(self.context, rid).get("communes") or ():
                if commune["refnis"] == refnis:
                    labels[refnis] = commune["title"]
        counts["labels"] = labels
        return counts

    def facets(self) -> list[dict]:
        names = [name for name, _c, _t in FACETS] + ["prix", "pmr"]
        unchosen = [name for name in names if not self.chosen(name)]
        counts = self.counted(self.query(), unchosen)
        labels = {"commune": dict(counts.pop("labels"))}
        for name in names:
            if name not in unchosen:
                own = self.counted(self.query(name), [name])
                labels["commune"].update(own.pop("labels"))
                counts.update(own)
        prices = {value: counts["prix"].get(value, 0) for value in PRICES}
        access = counts["pmr"].get("1", 0)
        facets = []
        for name, _column, title in FACETS:
            values = set(counts[name]) | set(self.selected[name])
            options = [
                {
                    "value": value,
                    "label": self.label(name, value, labels),
                    "count": counts[name].get(value, 0),
                    "checked": value in self.selected[name],
                    "id": f"facet-{name}-{position}",
                    "name": name,
                }
                for position, value in enumerate(sorted(values))
            ]
            options.sort(key=lambda option: (-option["count"], option["label"]))
            if options:
                facets.append({
                    "name": name,
                    "title": self._(title),
                    "options": options,
                })
        price_labels = {"gratuit": _("Free"), "payant": _("Paid")}
        facets.append({
            "name": "prix",
            "title": self._(_("Price")),
            "radio": True,
            "options": [
                {
                    "value": value,
                    "label": self._(price_labels[value]),
                    "count": count,
                    "checked": self.price == value,
                    "id": f"facet-prix-{value}",
                    "name": "prix",
                }
                for value, count in prices.items()
            ],
        })
        facets.append({
            "name": "pmr",
            "title": self._(_("Access")),
            "options": [
                {
                    "value": "1",
                    "label": self._(_("Accessible to people with reduced mobility")),
                    "count": access,
                    "checked": self.access,
                    "id": "facet-pmr",
                    "name": "pmr",
                }
            ],
        })
        return facets

    def label(self, name: str, value: str, labels: dict) -> str:
        if name == "commune":
            return labels["commune"].get(value, value)
        if name == "arrondissement":
            try:
                found = arrondissement_of(value)
            except InvalidInput:
                found = None
            return found.name_in(self.language) if found else value
        if name == "province":
            found = belgica.get_province(value) if value.isdigit() else None
            return (
                found["name"].get(self.language, found["name"]["fr"])
                if found
                else value
            )
        vocabulary = {"categorie": "topic", "public": "audience"}[name]
        return self.term_titles(vocabulary).get(value, value)

    def term_titles(self, vocabulary: str) -> dict:
        """Identifier to label of a taxonomy's terms, in the page's language."""
        cache = self.__dict__.setdefault("_terms", {})
        if vocabulary not in cache:
            taxonomy = queryUtility(
                IVocabularyFactory, f"collective.taxonomy.{vocabulary}"
            )
            data = getattr(taxonomy, "data", None) or {}
            paths = data.get(self.language) or data.get("fr") or {}
            cache[vocabulary] = {
                identifier: path.split(PATH_SEPARATOR)[-1]
                for path, identifier in paths.items()
            }
        return cache[vocabulary]

    # schema.org, for search engines and the region's partners.

    def json_ld(self) -> str:
        elements = []
        for position, brain in enumerate(self.batch(), start=1):
            elements.append({
                "@type": "ListItem",
                "position": position,
                "item": schema_event(brain),
            })
        data = {
            "@context": "https://schema.org",
            "@type": "ItemList",
            "name": self.page_title,
            "itemListElement": elements,
        }
        return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def schema_event(brain) -> dict:
    place = brain.place or {}
    communes = brain.communes or []
    address = {
        "@type": "PostalAddress",
        "streetAddress": place.get("street") or brain.location or "",
        "postalCode": place.get("postal_code") or "",
        "addressLocality": place.get("city")
        or (communes[0]["title"] if communes else ""),
        "addressCountry": "BE",
    }
    location = {
        "@type": "Place",
        "name": place.get("title") or brain.location or address["addressLocality"],
        "address": address,
    }
    if brain.latitude is not None and brain.longitude is not None:
        location["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": brain.latitude,
            "longitude": brain.longitude,
        }
    event = {
        "@type": "Event",
        "name": brain.title,
        "startDate": brain.start_local,
        "endDate": brain.end_local,
        "url": brain.url,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": location,
        "organizer": [
            {
                "@type": "GovernmentOrganization",
                "name": each["title"],
                "url": each["url"],
            }
            for each in communes
        ],
    }
    if brain.description:
        event["description"] = brain.description
    if brain.free is not None:
        event["isAccessibleForFree"] = bool(brain.free)
    return event


class AgendaICal(AgendaView):
    """The selection as iCalendar: each date an event, Brussels in full."""

    def __call__(self):
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//imio.commune//Agenda régional//FR")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", self.context.Title())
        calendar.add("x-wr-timezone", "Europe/Brussels")
        first = None
        stamp = datetime.now(UTC).replace(microsecond=0)
        host = urlsplit(self.context.absolute_url()).netloc
        for brain in self.brains()[: FEED_SIZE * 10]:
            start = datetime.fromisoformat(brain.start_local).astimezone(BRUSSELS)
            end = datetime.fromisoformat(brain.end_local).astimezone(BRUSSELS)
            first = first or start
            vevent = icalendar.Event()
            vevent.add("uid", f"{brain.item}#{brain.start}@{host}")
            vevent.add("dtstamp", stamp)
            if brain.whole_day:
                vevent.add("dtstart", start.date())
                vevent.add("dtend", end.date() + timedelta(days=1))
            else:
                vevent.add("dtstart", start)
                vevent.add("dtend", max(end, start))
            vevent.add("summary", brain.title)
            if brain.description:
                vevent.add("description", brain.description)
            location = ", ".join(
                filter(
                    None,
                    (
                        (brain.place or {}).get("title") or brain.location,
                        (brain.place or {}).get("street"),
                        (brain.place or {}).get("city"),
                    ),
                )
            )
            if location:
                vevent.add("location", location)
            vevent.add("url", brain.url)
            calendar.add_component(vevent)
        if first is not None:
            calendar.add_component(vtimezone("Europe/Brussels", first.year))
            # From the year before the first date on, and before the events.
            complete_timezones(calendar)
        response = self.request.response
        response.setHeader("Content-Type", "text/calendar; charset=utf-8")
        response.setHeader(
            "Content-Disposition", 'attachment; filename="agenda-regional.ics"'
        )
        return calendar.to_ical()


def rss_response(request, channel: dict, items: list[dict]) -> bytes:
    """An RSS 2.0 document, sent as such: the channel's and each item's fields.

    ``channel``: title, link, description, language and, when known,
    ``built`` (a datetime); each item: title, link, guid, description and,
    when known, ``published`` (a datetime).
    """
    entries = "".join(
        "<item>"
        f"<title>{escape(item['title'])}</title>"
        f"<link>{escape(item['link'])}</link>"
        f'<guid isPermaLink="false">{escape(item["guid"])}</guid>'
        f"<description>{escape(item['description'])}</description>"
        + (
            f"<pubDate>{format_datetime(item['published'])}</pubDate>"
            if item.get("published")
            else ""
        )
        + "</item>"
        for item in items
    )
    built = channel.get("built")
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0"><channel>'
        f"<title>{escape(channel['title'])}</title>"
        f"<link>{escape(channel['link'])}</link>"
        f"<description>{escape(channel['description'])}</description>"
        f"<language>{channel['language']}</language>"
        + (f"<lastBuildDate>{format_datetime(built)}</lastBuildDate>" if built else "")
        + entries
        + "</channel></rss>"
    )
    request.response.setHeader("Content-Type", "application/rss+xml; charset=utf-8")
    return body.encode("utf-8")


class AgendaRSS(AgendaView):
    """The selection's first events as RSS 2.0."""

    def __call__(self):
        items = []
        for brain in self.brains()[:FEED_SIZE]:
            communes = ", ".join(each["title"] for each in brain.communes or ())
            items.append({
                "title": brain.title,
                "link": brain.url,
                "guid": f"{brain.item}#{brain.start}",
                "description": " — ".join(
                    filter(None, (self.when(brain), communes, brain.description))
                ),
            })
        channel = {
            "title": self.context.Title(),
            "link": self.url(),
            "description": self.page_title,
            "language": self.language,
            "built": self.now,
        }
        return rss_response(self.request, channel, items)
