"""The regional site's harvest, over HTTP from communes' feeds on 127.0.0.1.

Each commune here is a small HTTP server answering ``@region-changes`` as a
commune site does (cursor, pages, ETag, 304); the commune sites themselves,
over real instances, are in tests/test_region_sync.py.
"""

from datetime import datetime
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from imio.commune.answers import ANSWERS_KEY
from imio.commune.answers import AnswersError
from imio.commune.answers import complete_answers
from imio.commune.cluster.processes import free_port
from imio.commune.region.harvest import CURSORS_KEY
from imio.commune.region.harvest import harvest_site
from imio.commune.region.store import search
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from urllib.parse import parse_qs
from urllib.parse import urlsplit
from zope.annotation.interfaces import IAnnotations
from zoneinfo import ZoneInfo

import json
import threading
import unittest


BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=BRUSSELS)


class NoSleep:
    def __init__(self):
        self.pauses = []

    def sleep(self, seconds):
        self.pauses.append(seconds)


class CommuneServer:
    """One commune's feed: items with the sequence of their last change."""

    def __init__(self, refnis: str, title: str):
        self.refnis, self.title = refnis, title
        self.items, self.sequence, self.last = {}, {}, 0
        self.requests, self.down = [], False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append(self.path)
                if server.down:
                    self.send_error(503)
                    return
                parts = urlsplit(self.path)
                if not parts.path.endswith("/@region-changes") or (
                    self.headers.get("Accept") != "application/json"
                ):
                    self.send_error(404)
                    return
                query = parse_qs(parts.query)
                since = int(query["since"][0]) if "since" in query else None
                limit = int(query["limit"][0])
                etag = f'"{server.last}-{since}-{limit}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                body = json.dumps(server.page(since, limit)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.port = free_port()
        self.http = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.refnis}"

    def stop(self):
        self.http.shutdown()
        self.http.server_close()

    def publish(self, item: dict) -> None:
        self.last += 1
        self.items[item["uid"]] = item
        self.sequence[item["uid"]] = self.last

    def withdraw(self, uid: str) -> None:
        self.publish({"uid": uid, "withdrawn": True})

    def page(self, since, limit) -> dict:
        changed = sorted(
            (sequence, uid)
            for uid, sequence in self.sequence.items()
            if (since is None and not self.items[uid].get("withdrawn"))
            or (since is not None and sequence > since)
        )
        shown = changed[:limit]
        cursor = shown[-1][0] if shown else (self.last if since is None else since)
        return {
            "cursor": str(cursor),
            "more": len(changed) > limit,
            "commune": {
                "refnis": self.refnis,
                "title": self.title,
                "url": self.url,
                "language": "fr",
            },
            "changes": [self.items[uid] for _sequence, uid in shown],
        }


def event(uid: str, title: str, days: int, **more) -> dict:
    start = NOW + timedelta(days=days)
    return {
        "uid": uid,
        "type": "event",
        "withdrawn": False,
        "url": f"http://commune/agenda/{uid}",
        "title": title,
        "start": start.isoformat(),
        "end": (start + timedelta(hours=2)).isoformat(),
        "timezone": "Europe/Brussels",
        "whole_day": False,
        "recurrence": "",
        "location": "Salle des fêtes",
        "free": True,
        "reduced_mobility_access": False,
        "topics": [],
        "audiences": [],
        **more,
    }


class TestHarvest(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["portal"]
        self.namur = CommuneServer("92094", "Ville de Namur")
        self.gesves = CommuneServer("92054", "Commune de Gesves")
        self.addCleanup(self.namur.stop)
        self.addCleanup(self.gesves.stop)
        annotations = IAnnotations(self.site)
        annotations[ANSWERS_KEY] = complete_answers({
            "kind": "region",
            "site_id": "region",
            "title": "Agenda régional",
            "sources": [self.namur.url, self.gesves.url],
            "timeout": 5,
        })
        self.clock = NoSleep()

    def harvest(self):
        return harvest_site(self.site, clock=self.clock, now=NOW)

    def titles(self):
        return [brain.title for brain in search(self.site, start_from=NOW)]

    def test_first_harvest_then_changes_then_nothing_new(self):
        self.namur.publish(event("n1", "Marché de Noël", 3))
        self.namur.publish(event("n2", "Concert", 5))
        self.gesves.publish(event("g1", "Brocante", 4))
        catalog = self.site.portal_catalog
        counter = catalog.getCounter()
        rows = self.harvest()
        self.assertEqual([row["résultat"] for row in rows], ["récolté", "récolté"])
        # Pages cached for visitors (their keys hold the counter) are renewed.
        self.assertGreater(catalog.getCounter(), counter)
        self.assertEqual([row["créés"] for row in rows], [2, 1])
        self.assertEqual(self.titles(), ["Marché de Noël", "Brocante", "Concert"])
        # An edit and a withdrawal reach the region at the next harvest.
        self.namur.publish(event("n1", "Marché de Noël et patinoire", 3))
        self.namur.withdraw("n2")
        rows = self.harvest()
        self.assertEqual((rows[0]["mis à jour"], rows[0]["retirés"]), (1, 1))
        self.assertEqual(rows[1]["résultat"], "inchangé")
        self.assertEqual(self.titles(), ["Marché de Noël et patinoire", "Brocante"])
        # Nothing new: one conditional request per commune, answered 304.
        before = len(self.namur.requests)
        counter = catalog.getCounter()
        rows = self.harvest()
        self.assertEqual([row["résultat"] for row in rows], ["inchangé", "inchangé"])
        self.assertEqual(catalog.getCounter(), counter)
        self.assertEqual(len(self.namur.requests), before + 1)

    def test_a_commune_down_is_reported_and_the_others_harvested(self):
        self.namur.publish(event("n1", "Marché", 3))
        self.gesves.publish(event("g1", "Brocante", 4))
        self.namur.down = True
        rows = self.harvest()
        self.assertTrue(rows[0]["résultat"].startswith("échec : commune injoignable"))
        self.assertIn("après 3 essais", rows[0]["résultat"])
        self.assertEqual(len(self.clock.pauses), 2)
        self.assertEqual(rows[1]["résultat"], "récolté")
        self.assertEqual(self.titles(), ["Brocante"])
        # Back up: harvested from where it stood.
        self.namur.down = False
        rows = self.harvest()
        self.assertEqual(rows[0]["créés"], 1)
        self.assertEqual(self.titles(), ["Marché", "Brocante"])

    def test_an_interval_of_zero_is_reported_and_skipped(self):
        self.namur.publish(
            event("n1", "Boucle", 2, recurrence="RRULE:FREQ=DAILY;INTERVAL=0")
        )
        self.namur.publish(event("n2", "Concert", 3))
        (row, _gesves) = self.harvest()
        self.assertEqual((row["créés"], row["refusés"]), (1, 1))
        self.assertIn("Boucle", row["détail"][0])
        self.assertIn("INTERVAL=0", row["détail"][0])
        self.assertEqual(self.titles(), ["Concert"])

    def test_a_failure_midway_keeps_the_cursor_and_writes_nothing(self):
        for number in range(250):
            self.namur.publish(event(f"n{number}", f"Atelier {number}", 1 + number))
        original = self.namur.page

        def second_page_fails(since, limit):
            if since is not None:
                self.namur.down = True
            return original(since, limit)

        self.namur.page = second_page_fails
        (row, _gesves) = self.harvest()
        self.assertTrue(row["résultat"].startswith("échec"))
        self.assertEqual(self.titles(), [])
        self.assertNotIn(self.namur.url, IAnnotations(self.site).get(CURSORS_KEY, {}))
        self.namur.page, self.namur.down = original, False
        (row, _gesves) = self.harvest()
        self.assertEqual(row["créés"], 250)

    def test_region_answers_are_checked_in_french(self):
        for answers, field in (
            ({"sources": []}, "sources"),
            ({"sources": ["ftp://x"]}, "sources"),
            ({"sources": ["http://a", "http://a/"]}, "sources"),
            ({"sources": ["http://a"], "horizon_days": 0}, "horizon_days"),
            ({"sources": ["http://a"], "refnis": "92094"}, "refnis"),
        ):
            with self.assertRaises(AnswersError) as caught:
                complete_answers({
                    "kind": "region",
                    "site_id": "r",
                    "title": "R",
                    **answers,
                })
            self.assertEqual(caught.exception.field, field)
        with self.assertRaises(AnswersError) as caught:
            complete_answers({
                "site_id": "c",
                "title": "C",
                "refnis": "92094",
                "sources": ["http://a"],
            })
        self.assertIn("kind: region", str(caught.exception))
