"""A commune's "Autour de chez vous": read from its regional site over HTTP,
kept in the site, shown on the home page without fetching anything."""

from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from imio.commune.answers import ANSWERS_KEY
from imio.commune.answers import stored_answers
from imio.commune.region.nearby import NEARBY_KEY
from imio.commune.region.nearby import nearby_events
from imio.commune.region.nearby import refresh_nearby
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from imio.website.interfaces import IImioWebsiteLayer
from imio.website.tests.helpers import read_in
from plone import api
from urllib.parse import parse_qs
from urllib.parse import urlsplit
from zope.annotation.interfaces import IAnnotations
from zope.component.hooks import setSite
from zope.interface import alsoProvides

import json
import threading
import unittest


EVENTS = [
    {
        "title": "Journée des fermes ouvertes",
        "url": "http://namur.example/agenda/fermes-ouvertes",
        "start": "2027-03-27T00:00:00+01:00",
        "end": "2027-03-27T23:59:59+01:00",
        "whole_day": True,
        "location": "Fermes de l'entité",
        "communes": [{"title": "Ville de Namur", "url": "http://namur.example"}],
    },
    {
        "title": "Marché <du> terroir",
        "url": "http://namur.example/agenda/marche",
        "start": "2027-03-28T16:00:00+02:00",
        "end": "2027-03-28T20:00:00+02:00",
        "whole_day": False,
        "location": "",
        "communes": [
            {"title": "Ville de Namur", "url": "http://namur.example"},
            {"title": "Commune d'Assesse", "url": "http://assesse.example"},
        ],
    },
]


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        server = self.server
        server.requests.append(self.path)
        status, body = server.answers.pop(0) if server.answers else server.answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body if isinstance(body, bytes) else json.dumps(body).encode())

    def log_message(self, *args):
        pass


class Clock:
    def __init__(self):
        self.pauses = []

    def sleep(self, seconds):
        self.pauses.append(seconds)


class TestRefreshNearby(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.requests = []
        self.server.answers = []
        self.server.answer = (200, {"commune": {"refnis": "92054"}, "items": EVENTS})
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        self.region = f"http://127.0.0.1:{self.server.server_port}/region"
        IAnnotations(self.site)[ANSWERS_KEY] = {
            **stored_answers(self.site),
            "region": {"url": self.region, "timeout": 5},
        }
        self.clock = Clock()

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()
        setSite(self.layer["portal"])

    def refresh(self) -> dict:
        return refresh_nearby(self.site, clock=self.clock)

    def home(self) -> str:
        request = self.layer["request"]
        alsoProvides(request, IImioWebsiteLayer)
        read_in("fr", request)
        with api.env.adopt_roles(["Anonymous"]):
            page = self.site.restrictedTraverse("@@commune-home")()
        return " ".join(page.split()).replace(" >", ">")

    def test_the_list_is_kept_and_shown_on_the_home_page(self):
        self.assertNotIn("commune-home-nearby", self.home())
        counter = self.site.portal_catalog.getCounter()
        row = self.refresh()
        # The home page cached for visitors is renewed.
        self.assertGreater(self.site.portal_catalog.getCounter(), counter)
        self.assertEqual(
            row, {"site": "gesves", "événements": 2, "résultat": "mis à jour"}
        )
        [path] = self.server.requests
        query = parse_qs(urlsplit(path).query)
        self.assertEqual(urlsplit(path).path, "/region/@region-nearby")
        self.assertEqual(query, {"refnis": ["92054"], "limit": ["6"]})
        self.assertEqual(nearby_events(self.site), EVENTS)
        home = self.home()
        self.assertIn('<section class="commune-home-nearby"', home)
        self.assertIn(
            '<a class="commune-home-nearby-link" '
            'href="http://namur.example/agenda/fermes-ouvertes">'
            "Journée des fermes ouvertes</a>",
            home,
        )
        self.assertIn('<time datetime="2027-03-27">27 mars 2027</time>', home)
        # A time of day in Brussels, what the editors typed escaped.
        self.assertIn("28 mars 2027 à 16:00", home)
        self.assertIn("Marché &lt;du&gt; terroir", home)
        self.assertIn('<a href="http://assesse.example">Commune d', home)
        self.assertIn(f'href="{self.region}"', home)

    def asked(self) -> dict:
        [path] = self.server.requests[-1:]
        return parse_qs(urlsplit(path).query)

    def test_a_radius_around_the_centre_in_the_profile(self):
        region = {
            "url": self.region,
            "timeout": 5,
            "radius_km": 15,
            "centre": {"latitude": 50.4016, "longitude": 5.0751},
        }
        IAnnotations(self.site)[ANSWERS_KEY] = {
            **stored_answers(self.site),
            "region": region,
        }
        self.refresh()
        self.assertEqual(
            self.asked(),
            {
                "refnis": ["92054"],
                "limit": ["6"],
                "lat": ["50.4016"],
                "lon": ["5.0751"],
                "km": ["15"],
            },
        )

    def test_a_radius_around_the_administration(self):
        with api.env.adopt_roles(["Manager"]):
            administration = api.content.create(
                container=self.site["services"],
                type="Service",
                id="administration",
                title="Administration communale",
            )
        administration.latitude, administration.longitude = 50.4031, 5.0708
        IAnnotations(self.site)[ANSWERS_KEY] = {
            **stored_answers(self.site),
            "region": {"url": self.region, "timeout": 5, "radius_km": 10},
        }
        self.refresh()
        self.assertEqual(self.asked()["lat"], ["50.4031"])
        self.assertEqual(self.asked()["km"], ["10"])
        # Without a position, the arrondissement only, and the row says why.
        administration.latitude = administration.longitude = None
        row = self.refresh()
        self.assertNotIn("km", self.asked())
        self.assertIn("sans position", row["résultat"])

    def test_an_unchanged_list_is_not_written_again(self):
        self.refresh()
        kept = IAnnotations(self.site)[NEARBY_KEY]
        counter = self.site.portal_catalog.getCounter()
        row = self.refresh()
        self.assertEqual(self.site.portal_catalog.getCounter(), counter)
        self.assertEqual(row["résultat"], "inchangé")
        self.assertIs(IAnnotations(self.site)[NEARBY_KEY], kept)

    def test_a_region_down_keeps_the_list(self):
        self.refresh()
        self.server.answer = (503, {"error": "maintenance"})
        row = self.refresh()
        self.assertEqual(row["événements"], 2)
        self.assertTrue(row["résultat"].startswith("échec : site régional"))
        self.assertIn("après 3 essais (erreur 503)", row["résultat"])
        self.assertEqual(len(self.clock.pauses), 2)
        self.assertEqual(nearby_events(self.site), EVENTS)
        self.assertIn("Journée des fermes ouvertes", self.home())

    def test_a_refusal_and_an_answer_that_is_not_the_list(self):
        self.server.answer = (400, {"error": "refnis : inconnu"})
        row = self.refresh()
        self.assertIn("le site régional refuse la requête (400", row["résultat"])
        self.assertEqual(len(self.server.requests), 1)
        self.server.answer = (200, b"<html>")
        self.assertIn("n'est pas du JSON", self.refresh()["résultat"])
        self.server.answer = (200, {"items": "none"})
        self.assertIn("pas une liste d'événements", self.refresh()["résultat"])
        self.assertEqual(nearby_events(self.site), [])

    def test_a_site_out_of_any_region(self):
        IAnnotations(self.site)[ANSWERS_KEY] = {
            key: value
            for key, value in stored_answers(self.site).items()
            if key != "region"
        }
        row = self.refresh()
        self.assertEqual(row["événements"], 0)
        self.assertIn("aucun agenda régional (clé region", row["résultat"])
        self.assertEqual(self.server.requests, [])
        self.assertNotIn("commune-home-nearby", self.home())

    def test_an_event_without_a_page_is_left_out(self):
        self.server.answer = (
            200,
            {"items": [{**EVENTS[0], "url": "javascript:alert(1)"}, EVENTS[1]]},
        )
        row = self.refresh()
        self.assertEqual(row["événements"], 1)
        self.assertNotIn("javascript:", self.home())
