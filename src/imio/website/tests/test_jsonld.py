"""schema.org JSON-LD in the head of pages, read back as a search engine would."""

from datetime import datetime
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import html
from imio.website.tests.helpers import read_in
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from z3c.relationfield import RelationValue
from zope.component import getMultiAdapter
from zope.component import getUtility
from zope.intid.interfaces import IIntIds
from zope.publisher.interfaces import IPublishTraverse

import json
import pytz
import re
import unittest


SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)

# plone.app.event stores pytz zones; zoneinfo ones do not pickle there.
BRUSSELS = pytz.timezone("Europe/Brussels")


def relation(target) -> RelationValue:
    return RelationValue(getUtility(IIntIds).getId(target))


class TestJsonLd(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        read_in("fr", self.layer["request"])
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.service = api.content.create(
            self.portal,
            "Service",
            id="population",
            title="Service Population",
            description="Cartes d'identité, passeports, domiciliations.",
            street="Place communale 1",
            postal_code="5000",
            city="Namur",
            latitude=50.4649,
            longitude=4.8651,
            phones=["081 24 60 00"],
            emails=["population@namur.be"],
            monday="08:30-12:00 13:00-16:30",
            thursday="08:30-12:00",
            closures=["24/12/2025-26/12/2025: Noël"],
        )
        self.place = api.content.create(
            self.portal,
            "Place",
            id="salle",
            title="Salle des fêtes",
            street="Rue du Centre 3",
            postal_code="5000",
            city="Namur",
        )

    def data(self, content, view=None) -> dict:
        page = content.restrictedTraverse(view or content.getLayout())()
        scripts = SCRIPT.findall(page)
        self.assertEqual(len(scripts), 1, "one JSON-LD block per page")
        return json.loads(scripts[0])

    def test_service_is_a_government_office_with_its_hours(self):
        data = self.data(self.service)
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(data["@type"], "GovernmentOffice")
        self.assertEqual(data["name"], "Service Population")
        self.assertEqual(data["url"], self.service.absolute_url())
        self.assertEqual(data["telephone"], "081 24 60 00")
        self.assertEqual(data["email"], "population@namur.be")
        self.assertEqual(
            data["address"],
            {
                "@type": "PostalAddress",
                "streetAddress": "Place communale 1",
                "postalCode": "5000",
                "addressLocality": "Namur",
                "addressCountry": "BE",
            },
        )
        self.assertEqual(data["geo"]["latitude"], 50.4649)
        hours = [
            (each["dayOfWeek"], each["opens"], each["closes"])
            for each in data["openingHoursSpecification"]
        ]
        self.assertEqual(
            hours,
            [
                ("https://schema.org/Monday", "08:30", "12:00"),
                ("https://schema.org/Monday", "13:00", "16:30"),
                ("https://schema.org/Thursday", "08:30", "12:00"),
            ],
        )
        [closure] = data["specialOpeningHoursSpecification"]
        self.assertEqual(closure["validFrom"], "2025-12-24")
        self.assertEqual(closure["validThrough"], "2025-12-26")
        self.assertEqual((closure["opens"], closure["closes"]), ("00:00", "00:00"))

    def test_procedure_is_a_government_service_of_its_office(self):
        procedure = api.content.create(
            self.portal,
            "Procedure",
            title="Carte d'identité",
            description="Demander sa carte eID.",
            what_you_get=html("<p>Une carte.</p>"),
            responsible_service=relation(self.service),
        )
        data = self.data(procedure)
        self.assertEqual(data["@type"], "GovernmentService")
        self.assertEqual(data["name"], "Carte d'identité")
        self.assertEqual(data["description"], "Demander sa carte eID.")
        self.assertEqual(data["provider"]["@type"], "GovernmentOffice")
        self.assertEqual(data["provider"]["url"], self.service.absolute_url())

    def test_event_with_its_place(self):
        event = api.content.create(
            self.portal,
            "Event",
            title="Marché de Noël",
            start=BRUSSELS.localize(datetime(2025, 12, 13, 10, 0)),
            end=BRUSSELS.localize(datetime(2025, 12, 13, 18, 0)),
            place=relation(self.place),
            price="Gratuit",
            reduced_mobility_access=True,
            online_link="https://billets.example.org/noel",
        )
        data = self.data(event)
        self.assertEqual(data["@type"], "Event")
        self.assertEqual(data["name"], "Marché de Noël")
        self.assertTrue(data["startDate"].startswith("2025-12-13T10:00:00"))
        self.assertTrue(data["endDate"].startswith("2025-12-13T18:00:00"))
        self.assertEqual(data["location"]["@type"], "Place")
        self.assertEqual(data["location"]["name"], "Salle des fêtes")
        address = data["location"]["address"]
        self.assertEqual(address["streetAddress"], "Rue du Centre 3")
        self.assertEqual(data["offers"]["description"], "Gratuit")
        self.assertEqual(data["offers"]["url"], "https://billets.example.org/noel")
        self.assertEqual(data["accessibilityFeature"], ["wheelchairAccessible"])

    def weekly_market(self, recurrence="RRULE:FREQ=WEEKLY;COUNT=4"):
        """Saturdays across the change to summer time (30 March 2025)."""
        # As the commune distribution sets it.
        api.portal.set_registry_record("plone.portal_timezone", "Europe/Brussels")
        return api.content.create(
            self.portal,
            "Event",
            id="marche",
            title="Marché du samedi",
            start=BRUSSELS.localize(datetime(2025, 3, 22, 8, 0)),
            end=BRUSSELS.localize(datetime(2025, 3, 22, 13, 0)),
            place=relation(self.place),
            price="Gratuit",
            reduced_mobility_access=True,
            recurrence=recurrence,
        )

    def occurrence(self, event, day: str):
        """`{event}/{day}`, traversed as the publisher does for its URL."""
        request = self.layer["request"]
        traverser = getMultiAdapter((event, request), IPublishTraverse)
        return traverser.publishTraverse(request, day)

    def test_recurring_event_has_its_schedule(self):
        market = self.weekly_market()
        data = self.data(market)
        self.assertEqual(data["startDate"], "2025-03-22T08:00:00+01:00")
        self.assertEqual(data["endDate"], "2025-03-22T13:00:00+01:00")
        self.assertEqual(
            data["eventSchedule"],
            {
                "@type": "Schedule",
                "repeatFrequency": "P1W",
                "byDay": ["https://schema.org/Saturday"],
                "startDate": "2025-03-22",
                "endDate": "2025-04-12",
                "repeatCount": 4,
                "startTime": "08:00:00",
                "endTime": "13:00:00",
                "scheduleTimezone": "Europe/Brussels",
            },
        )

    def test_schedules_that_schema_org_says(self):
        for recurrence, schedule in (
            (
                "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU;UNTIL=20250420T000000",
                {
                    "repeatFrequency": "P2W",
                    "byDay": [
                        "https://schema.org/Saturday",
                        "https://schema.org/Sunday",
                    ],
                    "endDate": "2025-04-20",
                },
            ),
            (
                "RRULE:FREQ=MONTHLY;BYDAY=2SA,4SA",
                {
                    "repeatFrequency": "P1M",
                    "byDay": ["https://schema.org/Saturday"],
                    "byMonthWeek": [2, 4],
                },
            ),
            (
                "RRULE:FREQ=MONTHLY;INTERVAL=3",
                {"repeatFrequency": "P3M", "byMonthDay": [22]},
            ),
        ):
            with self.subTest(recurrence):
                market = self.weekly_market(recurrence=recurrence)
                data = self.data(market)["eventSchedule"]
                self.assertEqual(
                    data,
                    {
                        "@type": "Schedule",
                        "startDate": "2025-03-22",
                        "startTime": "08:00:00",
                        "endTime": "13:00:00",
                        "scheduleTimezone": "Europe/Brussels",
                        **schedule,
                    },
                )
                api.content.delete(market)

    def test_no_schedule_rather_than_a_wrong_one(self):
        for recurrence in (
            # Dates taken out or added.
            "RRULE:FREQ=WEEKLY;COUNT=4\nEXDATE:20250412T000000",
            "RRULE:FREQ=WEEKLY;COUNT=4\nRDATE:20250424T000000",
            # The last Saturday of the month.
            "RRULE:FREQ=MONTHLY;BYDAY=SA;BYSETPOS=-1",
            "RRULE:FREQ=MONTHLY;BYDAY=-1SA",
            # The fourth Saturday and the first Sunday.
            "RRULE:FREQ=MONTHLY;BYDAY=4SA,1SU",
            # Mondays, but the event starts on a Saturday, which the agenda adds.
            "RRULE:FREQ=WEEKLY;BYDAY=MO",
            "RRULE:FREQ=HOURLY;COUNT=3",
            "RRULE:FREQ=WEEKLY;COUNT=1",
        ):
            with self.subTest(recurrence):
                market = self.weekly_market(recurrence=recurrence)
                data = self.data(market)
                self.assertNotIn("eventSchedule", data)
                self.assertEqual(data["startDate"], "2025-03-22T08:00:00+01:00")
                api.content.delete(market)

    def test_occurrence_has_its_own_dates_across_summer_time(self):
        market = self.weekly_market()
        for day, offset in (("2025-03-29", "+01:00"), ("2025-04-05", "+02:00")):
            with self.subTest(day):
                occurrence = self.occurrence(market, day)
                data = self.data(occurrence, "@@event_view")
                self.assertEqual(data["@type"], "Event")
                self.assertEqual(data["url"], f"{market.absolute_url()}/{day}")
                self.assertEqual(data["startDate"], f"{day}T08:00:00{offset}")
                self.assertEqual(data["endDate"], f"{day}T13:00:00{offset}")
                self.assertEqual(
                    data["superEvent"],
                    {
                        "@type": "Event",
                        "name": "Marché du samedi",
                        "url": market.absolute_url(),
                    },
                )
                self.assertNotIn("eventSchedule", data)
                # The rest is the recurring event's.
                self.assertEqual(data["name"], "Marché du samedi")
                self.assertEqual(data["location"]["name"], "Salle des fêtes")
                self.assertEqual(data["offers"]["description"], "Gratuit")
                self.assertEqual(data["accessibilityFeature"], ["wheelchairAccessible"])

    def test_news_item_is_a_news_article(self):
        news = api.content.create(
            self.portal,
            "News Item",
            title="Nouveaux horaires",
            description="La population ouvre le jeudi soir.",
        )
        data = self.data(news)
        self.assertEqual(data["@type"], "NewsArticle")
        self.assertEqual(data["headline"], "Nouveaux horaires")
        self.assertIn("datePublished", data)
        self.assertEqual(data["publisher"]["url"], self.portal.absolute_url())

    def test_person_with_function(self):
        person = api.content.create(
            self.portal,
            "Person",
            title="Marie Dupont",
            position="mayor",
            party="Liste du Bourgmestre",
            email="marie.dupont@namur.be",
        )
        data = self.data(person)
        self.assertEqual(data["@type"], "Person")
        self.assertEqual(data["name"], "Marie Dupont")
        self.assertEqual(data["jobTitle"], "Bourgmestre")
        self.assertEqual(data["affiliation"]["name"], "Liste du Bourgmestre")
        self.assertEqual(data["email"], "marie.dupont@namur.be")

    def test_text_cannot_close_the_script(self):
        news = api.content.create(
            self.portal,
            "News Item",
            title="</script><script>alert(1)</script>",
        )
        page = news.restrictedTraverse(news.getLayout())()
        [text] = SCRIPT.findall(page)
        self.assertNotIn("</", text)
        data = json.loads(text)
        self.assertEqual(data["name"], "</script><script>alert(1)</script>")

    def test_other_pages_have_none(self):
        page = self.place.restrictedTraverse("@@view")()
        self.assertEqual(SCRIPT.findall(page), [])
