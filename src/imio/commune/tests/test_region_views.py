"""The regional agenda's page, iCalendar and RSS, read back by other parsers."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from imio.commune.region.interfaces import IRegionSite
from imio.commune.region.store import store_entries
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from lxml import html
from plone.app.testing import logout
from zope.interface import alsoProvides
from zoneinfo import ZoneInfo

import icalendar
import json
import unittest
import xml.etree.ElementTree as ET


BRUSSELS = ZoneInfo("Europe/Brussels")
NAMUR = {"refnis": "92094", "title": "Ville de Namur", "url": "http://n/demo"}
EUPEN = {"refnis": "63023", "title": "Stadt Eupen", "url": "http://e/eupen"}


def event(uid, title, start, **more) -> dict:
    return {
        "uid": uid,
        "type": "event",
        "url": f"http://n/demo/agenda/{uid}",
        "title": title,
        "description": "Avec l'harmonie <communale>",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=2)).isoformat(),
        "timezone": "Europe/Brussels",
        "whole_day": False,
        "recurrence": "",
        "location": "Salle des fêtes",
        "place": {
            "title": "Salle des fêtes",
            "street": "Place communale 3",
            "postal_code": "5000",
            "city": "Namur",
            "latitude": 50.46,
            "longitude": 4.86,
        },
        "price": "Gratuit",
        "free": True,
        "reduced_mobility_access": True,
        "topics": ["culture-sport-et-loisirs"],
        "audiences": ["citoyen"],
        **more,
    }


class TestAgendaPages(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["portal"]
        alsoProvides(self.site, IRegionSite)
        # Dates after the moment the page is asked, whatever the day.
        base = datetime.now(BRUSSELS).replace(
            hour=20, minute=0, second=0, microsecond=0
        ) + timedelta(days=2)
        store_entries(
            self.site,
            NAMUR,
            [
                event("m", "Marché", base, recurrence="RRULE:FREQ=WEEKLY;COUNT=3"),
                event("c", "Concert", base + timedelta(days=1), free=False),
            ],
            datetime.now(UTC),
        )
        store_entries(
            self.site,
            EUPEN,
            [event("k", "Konzert", base + timedelta(days=2), topics=[])],
            datetime.now(UTC),
        )
        logout()

    def render(self, name="agenda", **form):
        request = self.layer["request"]
        request.form.clear()
        request.form.update(form)
        # What Plone's negotiation gives a visitor of this French site.
        request["LANGUAGE"] = "fr"
        return self.site.restrictedTraverse(f"@@{name}")()

    def test_every_date_listed_with_its_commune_and_facets(self):
        page = html.fromstring(self.render())
        titles = [a.text for a in page.cssselect(".region-agenda-event h3 a")]
        self.assertEqual(titles[0], "Marché")
        self.assertEqual(len(titles), 5)
        self.assertEqual(page.cssselect(".region-agenda-count")[0].text, "5")
        labels = " ".join(page.cssselect(".region-agenda-filters")[0].itertext())
        for label in (
            "Ville de Namur",
            "Stadt Eupen",
            "Namur",
            "Verviers",
            "Province de Liège",
            "Accessible aux personnes à mobilité réduite",
        ):
            self.assertIn(label, labels)
        # The description as typed, escaped.
        self.assertIn("Avec l'harmonie <communale>", page.text_content())

    def test_facets_narrow_the_list(self):
        page = html.fromstring(self.render(commune=["63023"]))
        titles = [a.text for a in page.cssselect(".region-agenda-event h3 a")]
        self.assertEqual(titles, ["Konzert"])
        page = html.fromstring(self.render(prix="payant"))
        titles = [a.text for a in page.cssselect(".region-agenda-event h3 a")]
        self.assertEqual(titles, ["Concert"])
        page = html.fromstring(self.render(arrondissement=["92000"]))
        self.assertEqual(len(page.cssselect(".region-agenda-event")), 4)

    def counts(self, page, name) -> dict:
        return {
            item.get("value"): int(
                item.getparent().cssselect(".facet-count")[0].text.strip("()")
            )
            for item in page.cssselect(f'.region-agenda-filters input[name="{name}"]')
        }

    def test_a_facet_counts_its_other_values_to_add_them(self):
        # Eupen chosen: Namur stays offered with its own count, to add it.
        page = html.fromstring(self.render(commune=["63023"]))
        self.assertEqual(self.counts(page, "commune"), {"63023": 1, "92094": 4})
        # The other facets count the selection: Eupen's one event.
        self.assertEqual(self.counts(page, "prix"), {"gratuit": 1, "payant": 0})
        page = html.fromstring(self.render(commune=["63023", "92094"]))
        self.assertEqual(len(page.cssselect(".region-agenda-event")), 5)
        # A price chosen: the other price is still counted.
        page = html.fromstring(self.render(prix="payant"))
        self.assertEqual(self.counts(page, "prix"), {"gratuit": 4, "payant": 1})
        self.assertEqual(self.counts(page, "commune"), {"92094": 1})

    def test_bad_parameters_are_a_message_not_an_error(self):
        page = html.fromstring(
            self.render(du="hier", au="2020-13-45", b_start="abc", prix="x")
        )
        self.assertIn(
            "n'est pas une date", page.cssselect("[role=alert]")[0].text_content()
        )
        self.assertEqual(len(page.cssselect(".region-agenda-event")), 5)

    def test_json_ld_describes_each_event_with_its_address(self):
        page = html.fromstring(self.render())
        (script,) = page.cssselect('script[type="application/ld+json"]')
        data = json.loads(script.text)
        self.assertEqual(data["@type"], "ItemList")
        first = data["itemListElement"][0]["item"]
        self.assertEqual(first["@type"], "Event")
        self.assertEqual(first["url"], "http://n/demo/agenda/m")
        address = first["location"]["address"]
        self.assertEqual(address["@type"], "PostalAddress")
        self.assertEqual(address["postalCode"], "5000")
        self.assertEqual(first["organizer"][0]["name"], "Ville de Namur")

    def test_icalendar_of_a_selection_read_back(self):
        body = self.render("agenda.ics", commune=["92094"])
        calendar = icalendar.Calendar.from_ical(body)
        events = list(calendar.walk("VEVENT"))
        self.assertEqual(len(events), 4)
        self.assertEqual(len({str(each["uid"]) for each in events}), 4)
        starts = [each.decoded("dtstart").astimezone(BRUSSELS) for each in events]
        self.assertEqual({start.hour for start in starts}, {20})
        (timezone,) = calendar.walk("VTIMEZONE")
        self.assertEqual(str(timezone["tzid"]), "Europe/Brussels")
        self.assertTrue(timezone.walk("DAYLIGHT") and timezone.walk("STANDARD"))

    def test_rss_read_back(self):
        body = self.render("agenda.rss", categorie=["culture-sport-et-loisirs"])
        channel = ET.fromstring(body).find("channel")  # noqa: S314
        titles = [item.findtext("title") for item in channel.findall("item")]
        self.assertEqual(titles, ["Marché", "Concert", "Marché", "Marché"])
