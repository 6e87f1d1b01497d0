"""The regional agenda's map of Wallonia and the region's news pages."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from imio.commune.region.interfaces import IRegionSite
from imio.commune.region.store import search
from imio.commune.region.store import store_entries
from imio.commune.region.walloon_map import agenda_map
from imio.commune.region.walloon_map import outlines
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from lxml import etree
from lxml import html
from plone.app.testing import logout
from zope.interface import alsoProvides
from zoneinfo import ZoneInfo

import icalendar
import unittest
import xml.etree.ElementTree as ET


BRUSSELS = ZoneInfo("Europe/Brussels")
NAMUR = {"refnis": "92094", "title": "Ville de Namur", "url": "http://n/demo"}
EUPEN = {"refnis": "63023", "title": "Stadt Eupen", "url": "http://e/eupen"}


def event(uid, title, start, latitude=50.46, longitude=4.86, **more) -> dict:
    return {
        "uid": uid,
        "type": "event",
        "url": f"http://n/demo/agenda/{uid}",
        "title": title,
        "description": "",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=2)).isoformat(),
        "timezone": "Europe/Brussels",
        "whole_day": False,
        "recurrence": "",
        "location": "Salle",
        "place": {
            "title": f"Salle {title}",
            "street": "Place 1",
            "postal_code": "5000",
            "city": "Namur",
            "latitude": latitude,
            "longitude": longitude,
        },
        **more,
    }


def news(uid, title, effective, **more) -> dict:
    return {
        "uid": uid,
        "type": "news",
        "url": f"http://n/demo/actualites/{uid}",
        "title": title,
        "description": "Le <conseil> a décidé",
        "effective": effective.isoformat(),
        "modified": effective.isoformat(),
        **more,
    }


class TestMapAndNews(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["portal"]
        alsoProvides(self.site, IRegionSite)
        now = datetime.now(UTC)
        base = datetime.now(BRUSSELS).replace(microsecond=0) + timedelta(days=3)
        store_entries(
            self.site,
            NAMUR,
            [
                event("a", "Concert <rock>", base),
                event("b", "Bal", base + timedelta(days=1)),
                event("c", "Sans lieu", base, latitude=None, longitude=None),
                news("n1", "Conseil communal", now - timedelta(days=2)),
            ],
            now,
        )
        store_entries(
            self.site,
            EUPEN,
            [
                event("k", "Konzert", base, latitude=50.63, longitude=6.03),
                news("n2", "Neue Bibliothek", now - timedelta(days=1)),
            ],
            now,
        )
        logout()

    def render(self, name, **form):
        request = self.layer["request"]
        request.form.clear()
        request.form.update(form)
        request["LANGUAGE"] = "fr"
        return self.site.restrictedTraverse(f"@@{name}")()

    def test_map_outlines_wallonia_and_marks_each_place(self):
        self.assertEqual(
            set(outlines()["paths"]),
            {"hainaut", "brabant-wallon", "namur", "liege", "eupen", "luxembourg"},
        )
        drawn = agenda_map(search(self.site), "fr")
        svg = etree.fromstring(drawn["svg"])
        namespace = "{http://www.w3.org/2000/svg}"
        self.assertEqual(len(svg.findall(f"{namespace}path")), 6)
        markers = svg.findall(f"{namespace}a")
        # Namur's hall (two events) and Eupen's: the event without coordinates
        # is only in the list.
        self.assertEqual(len(markers), 2)
        labels = sorted(marker.get("aria-label") for marker in markers)
        self.assertEqual(labels[0], "Salle Concert <rock> : 2 événements")
        self.assertEqual(labels[1], "Salle Konzert : Konzert")
        self.assertEqual(len(drawn["places"]), 2)
        # Every marker inside the drawing.
        width, height = map(float, svg.get("viewBox").split()[2:])
        for marker in markers:
            circle = marker.find(f"{namespace}circle")
            self.assertTrue(0 < float(circle.get("cx")) < width)
            self.assertTrue(0 < float(circle.get("cy")) < height)

    def test_news_newest_first_and_by_commune(self):
        page = html.fromstring(self.render("actualites"))
        titles = [a.text for a in page.cssselect(".region-news-item h3 a")]
        self.assertEqual(titles, ["Neue Bibliothek", "Conseil communal"])
        self.assertIn("Le <conseil> a décidé", page.text_content())
        labels = page.cssselect(".region-news-filters label")
        self.assertEqual(
            [" ".join(label.text_content().split()) for label in labels],
            ["Stadt Eupen (1)", "Ville de Namur (1)"],
        )
        page = html.fromstring(self.render("actualites", commune=["92094"]))
        titles = [a.text for a in page.cssselect(".region-news-item h3 a")]
        self.assertEqual(titles, ["Conseil communal"])

    def test_news_bad_parameters_are_a_message(self):
        page = html.fromstring(
            self.render("actualites", commune=["<script>"], b_start="abc")
        )
        self.assertIn(
            "commune inconnue", page.cssselect("[role=alert]")[0].text_content()
        )
        self.assertEqual(len(page.cssselect(".region-news-item")), 2)

    def test_news_rss_read_back(self):
        body = self.render("actualites.rss", commune="63023")
        channel = ET.fromstring(body).find("channel")  # noqa: S314
        self.assertEqual(
            [item.findtext("title") for item in channel.findall("item")],
            ["Neue Bibliothek"],
        )
        self.assertEqual(
            channel.find("item").findtext("link"),
            "http://n/demo/actualites/n2",
        )

    def test_agenda_page_shows_the_map_and_each_communes_calendar(self):
        page = html.fromstring(self.render("agenda"))
        markers = page.cssselect(".region-agenda-map svg a")
        self.assertEqual(len(markers), 2)
        places = page.cssselect(".region-agenda-map-places li")
        self.assertEqual(len(places), 2)
        calendars = [
            (a.text, a.get("href"))
            for a in page.cssselect(".region-agenda-calendars a")
        ]
        self.assertEqual(
            calendars,
            [
                ("Ville de Namur", "http://nohost/plone/@@agenda.ics?commune=92094"),
                ("Stadt Eupen", "http://nohost/plone/@@agenda.ics?commune=63023"),
            ],
        )
        # A selection of Eupen: only its place marked.
        page = html.fromstring(self.render("agenda", commune=["63023"]))
        markers = page.cssselect(".region-agenda-map svg a")
        self.assertEqual(
            [m.get("aria-label") for m in markers], ["Salle Konzert : Konzert"]
        )

    def test_icalendar_time_zone_holds_from_a_january_event_on(self):
        # The next 15 January, whatever today is.
        today = datetime.now(BRUSSELS).date()
        january = today.replace(year=today.year + 1, month=1, day=15)
        start = datetime(january.year, 1, 15, 10, tzinfo=BRUSSELS)
        store_entries(
            self.site,
            NAMUR,
            [event("j", "Concert de janvier", start)],
            datetime.now(UTC),
        )
        body = self.render("agenda.ics", du=january.isoformat(), au=january.isoformat())
        calendar = icalendar.Calendar.from_ical(body)
        (vevent,) = calendar.walk("VEVENT")
        self.assertEqual(vevent.decoded("dtstart").astimezone(BRUSSELS).hour, 10)
        (timezone,) = calendar.walk("VTIMEZONE")
        # Every client knows the event's offset: an observance starts before it.
        observances = timezone.walk("STANDARD") + timezone.walk("DAYLIGHT")
        first = min(each.decoded("dtstart") for each in observances)
        self.assertLess(first, start.replace(tzinfo=None))
        # The time zone comes before the events that use it.
        self.assertEqual(calendar.subcomponents[0].name, "VTIMEZONE")

    def test_pages_in_german(self):
        request = self.layer["request"]
        request.form.clear()
        request.environ["HTTP_ACCEPT_LANGUAGE"] = "de"
        request["LANGUAGE"] = "de"
        self.addCleanup(request.environ.pop, "HTTP_ACCEPT_LANGUAGE", None)
        page = html.fromstring(self.site.restrictedTraverse("@@actualites")())
        self.assertEqual(
            page.cssselect(".documentFirstHeading")[0].text, "Regionale Nachrichten"
        )
        page = html.fromstring(self.site.restrictedTraverse("@@agenda")())
        text = page.text_content()
        self.assertIn("Karte der Wallonie", text)
        self.assertIn("Verviers", text)

    def test_agenda_unknown_filter_values_are_a_message(self):
        page = html.fromstring(
            self.render(
                "agenda",
                commune=["<script>", "63023"],
                categorie=["a b c"],
                province={"x": 1},
                b_start="-4",
                prix=["gratuit", "payant"],
            )
        )
        (alert,) = page.cssselect("[role=alert]")
        self.assertEqual(
            alert.text_content().strip(),
            "Une valeur inconnue des filtres a été ignorée.",
        )
        titles = [a.text for a in page.cssselect(".region-agenda-event h3 a")]
        self.assertEqual(titles, ["Konzert"])
        for view in ("agenda.ics", "agenda.rss"):
            self.assertTrue(self.render(view, commune="<x>", du="2027-02-30"))

    def test_agenda_links_to_the_news(self):
        page = html.fromstring(self.render("agenda"))
        (link,) = page.cssselect("a.region-agenda-news")
        self.assertEqual(link.get("href"), "http://nohost/plone/@@actualites")
