"""``GET {region}/@region-nearby``: the neighbours' events that a commune shows.

The regional site's store is filled with feed entries as the harvest writes
them (``store_entries``); the endpoint is read over HTTP, anonymously.
"""

from datetime import datetime
from datetime import timedelta
from imio.commune.region.interfaces import IRegionSite
from imio.commune.region.store import store_entries
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_FUNCTIONAL_TESTING
from zope.component.hooks import setSite
from zope.interface import alsoProvides
from zope.interface import noLongerProvides
from zoneinfo import ZoneInfo

import requests
import transaction
import unittest


BRUSSELS = ZoneInfo("Europe/Brussels")


def commune(refnis: str, title: str) -> dict:
    url = f"http://127.0.0.1:9/{title.split()[-1].lower()}"
    return {"refnis": refnis, "title": title, "url": url, "language": "fr"}


NAMUR = commune("92094", "Ville de Namur")
GESVES = commune("92054", "Commune de Gesves")
ASSESSE = commune("92003", "Commune d'Assesse")
EUPEN = commune("63023", "Stadt Eupen")
# In the arrondissement of Dinant, 15 km south of Namur's town hall.
YVOIR = commune("91141", "Commune d'Yvoir")
NAMUR_TOWN_HALL = {"lat": "50.4646", "lon": "4.8665"}
YVOIR_PLACE = {
    "title": "Place de l'Église",
    "street": "Place de l'Église 1",
    "postal_code": "5530",
    "city": "Yvoir",
    "latitude": 50.3277,
    "longitude": 4.8799,
}


def event(source: dict, uid: str, title: str, start: datetime, **fields) -> dict:
    end = fields.pop("end", start + timedelta(hours=2))
    return {
        "uid": uid,
        "type": "event",
        "withdrawn": False,
        "url": f"{source['url']}/agenda/{uid}",
        "title": title,
        "description": "",
        "language": "fr",
        "modified": "2026-01-01T00:00:00+00:00",
        "effective": None,
        "topics": [],
        "audiences": [],
        "life_events": [],
        "image": None,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "timezone": "Europe/Brussels",
        "whole_day": False,
        "open_end": False,
        "recurrence": "",
        "location": "Place communale",
        "place": None,
        "price": "",
        "free": True,
        "reduced_mobility_access": True,
        **fields,
    }


class TestRegionNearby(unittest.TestCase):
    layer = IMIO_COMMUNE_FUNCTIONAL_TESTING

    def setUp(self):
        # The layer's site stands for a regional site, its store filled here.
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        alsoProvides(self.site, IRegionSite)
        self.addCleanup(self.forget_region)
        self.now = datetime.now(BRUSSELS).replace(second=0, microsecond=0)
        self.url = f"{self.site.absolute_url()}/@region-nearby"
        day = self.in_days
        store = [
            (GESVES, event(GESVES, "balade", "Balade contée", day(3, 14))),
            (
                GESVES,
                event(GESVES, "fermes", "Fermes ouvertes", day(8, 0), whole_day=True),
            ),
            (
                GESVES,
                event(
                    GESVES,
                    "marche",
                    "Marché du terroir",
                    day(-6, 16),
                    recurrence="RRULE:FREQ=WEEKLY",
                ),
            ),
            (ASSESSE, event(ASSESSE, "brocante", "Brocante d'Assesse", day(5, 7))),
            (GESVES, event(GESVES, "loin", "Trop loin", day(75, 10))),
            (GESVES, event(GESVES, "passe", "Déjà passé", day(-2, 10))),
            (EUPEN, event(EUPEN, "konzert", "Konzert", day(4, 20))),
            (NAMUR, event(NAMUR, "festival", "Festival folk", day(20, 14))),
            (GESVES, event(GESVES, "festival", "Festival folk", day(20, 14))),
            (NAMUR, event(NAMUR, "conte", "L'heure du conte", day(2, 10))),
            (
                YVOIR,
                event(
                    YVOIR, "crue", "Descente de la Meuse", day(6, 9), place=YVOIR_PLACE
                ),
            ),
        ]
        for source, entry in store:
            store_entries(self.site, source, [entry], datetime.now(BRUSSELS))
        transaction.commit()

    def forget_region(self):
        noLongerProvides(self.site, IRegionSite)
        transaction.commit()

    def in_days(self, days: int, hour: int) -> datetime:
        day = self.now.date() + timedelta(days=days)
        return datetime(day.year, day.month, day.day, hour, tzinfo=BRUSSELS)

    def get(self, **params) -> requests.Response:
        return requests.get(
            self.url, params=params, headers={"Accept": "application/json"}, timeout=30
        )

    def test_the_coming_events_of_the_other_communes_of_the_arrondissement(self):
        answer = self.get(refnis="92094")
        self.assertEqual(answer.status_code, 200, answer.text)
        body = answer.json()
        self.assertEqual(
            body["commune"],
            {"refnis": "92094", "title": "Namur", "arrondissement": "92000"},
        )
        titles = [item["title"] for item in body["items"]]
        # Namur's own (the festival that Gesves publishes too), Eupen's
        # (another arrondissement), the past and the far away are left out;
        # the weekly market once, at its next occurrence.
        self.assertEqual(
            titles,
            [
                "Marché du terroir",
                "Balade contée",
                "Brocante d'Assesse",
                "Fermes ouvertes",
            ],
        )
        balade = body["items"][1]
        self.assertEqual(
            balade,
            {
                "title": "Balade contée",
                "url": "http://127.0.0.1:9/gesves/agenda/balade",
                "start": self.in_days(3, 14).isoformat(),
                "end": self.in_days(3, 16).isoformat(),
                "whole_day": False,
                "location": "Place communale",
                # Each commune with its own page of the event.
                "communes": [
                    {
                        "title": "Commune de Gesves",
                        "url": "http://127.0.0.1:9/gesves/agenda/balade",
                    }
                ],
            },
        )
        market = datetime.fromisoformat(body["items"][0]["start"])
        self.assertGreater(market, datetime.now(BRUSSELS) - timedelta(hours=4))
        self.assertLess(market, self.in_days(8, 0))

    def test_within_a_radius_of_the_commune_also(self):
        # Yvoir is in another arrondissement, 15 km from Namur's town hall.
        near = self.get(refnis="92094", km="20", **NAMUR_TOWN_HALL)
        self.assertEqual(near.status_code, 200, near.text)
        titles = [item["title"] for item in near.json()["items"]]
        self.assertEqual(
            titles,
            [
                "Marché du terroir",
                "Balade contée",
                "Brocante d'Assesse",
                "Descente de la Meuse",
                "Fermes ouvertes",
            ],
        )
        # Within 10 km: the arrondissement's only, as without a radius.
        far = self.get(refnis="92094", km="10", **NAMUR_TOWN_HALL)
        self.assertNotIn(
            "Descente de la Meuse", [item["title"] for item in far.json()["items"]]
        )

    def test_a_limit(self):
        answer = self.get(refnis="92054", limit="2")
        self.assertEqual(answer.status_code, 200, answer.text)
        items = answer.json()["items"]
        self.assertEqual(
            [item["title"] for item in items],
            ["L'heure du conte", "Brocante d'Assesse"],
        )

    def test_bad_parameters_answer_400_in_french(self):
        for params in (
            {},
            {"refnis": "abc"},
            {"refnis": "12345"},
            {"refnis": "92094", "limit": "x"},
            {"refnis": "92094", "limit": "0"},
            {"refnis": "92094", "limit": "1000"},
            {"refnis": "92094", "km": "20"},
            {"refnis": "92094", "km": "0", **NAMUR_TOWN_HALL},
            {"refnis": "92094", "km": "500", **NAMUR_TOWN_HALL},
            {"refnis": "92094", "km": "20", "lat": "91", "lon": "4.8"},
            {"refnis": "92094", "km": "20", "lat": "nord", "lon": "4.8"},
        ):
            answer = self.get(**params)
            with self.subTest(params=params):
                self.assertEqual(answer.status_code, 400, answer.text)
                self.assertIn("error", answer.json())
                self.assertNotIn("Traceback", answer.text)
        self.assertIn("refnis", self.get(refnis="abc").json()["error"])
