"""The sync against a small real HTTP server that plays the library's feed."""

from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from imio.commune.answers import ANSWERS_KEY
from imio.commune.cli import sync as sync_command
from imio.commune.cli.output import Reporter
from imio.commune.library.copy import copy_state
from imio.commune.library.sync import CURSOR_KEY
from imio.commune.library.sync import sync_site
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_FUNCTIONAL_TESTING
from imio.website.content.procedure.content import SECTIONS
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import TEST_USER_PASSWORD
from urllib.parse import parse_qs
from urllib.parse import urlsplit
from zope.annotation.interfaces import IAnnotations
from zope.component.hooks import setSite

import argparse
import contextlib
import io
import json
import requests
import threading
import transaction
import unittest


def entry(key: str, version: int = 1, topics=(), **sections) -> dict:
    texts = dict.fromkeys(SECTIONS, "")
    texts.update(
        what_you_get=f"<p>Ce que donne {key}.</p>",
        who_may_ask="<p>Tout habitant.</p>",
        how_to_proceed="<p>Au guichet.</p>",
        cost="<p>Gratuit.</p>",
    )
    texts.update(sections)
    return {
        "key": key,
        "language": "fr",
        "version": version,
        "withdrawn": False,
        "uid": f"uid-{key}",
        "url": f"http://127.0.0.1/bibliotheque/fr/{key}",
        "title": f"Fiche {key}",
        "description": f"Résumé de {key}.",
        "sections": texts,
        "topics": list(topics),
        "life_events": [],
        "audiences": [],
        "modified": "2026-12-01T10:00:00+00:00",
    }


def page(cursor: str, *changes, more: bool = False) -> dict:
    return {"cursor": cursor, "more": more, "changes": list(changes)}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        server = self.server
        query = parse_qs(urlsplit(self.path).query)
        server.requests.append((self.path, self.headers.get("If-None-Match")))
        status, body, etag = server.answer(query.get("since", [None])[0])
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        if status == 304:
            self.end_headers()
            return
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        """Quiet: the tests read what was asked from server.requests."""


class FeedServer:
    """A library's feed on 127.0.0.1: ``pages`` by ``since``, an ETag per page."""

    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.requests = []
        self.server.answer = self.answer
        self.pages = {}
        self.failures = []
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/bibliotheque"

    @property
    def requests(self) -> list:
        return self.server.requests

    def answer(self, since):
        if self.failures:
            return self.failures.pop(0)
        body = self.pages[since]
        etag = f'"{body["cursor"]}-fr-{since or ""}"'
        if self.server.requests[-1][1] == etag:
            return 304, b"", etag
        return 200, body, etag

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Clock:
    """Records the pauses between attempts instead of sleeping."""

    def __init__(self):
        self.pauses = []

    def sleep(self, seconds):
        self.pauses.append(seconds)


class TestLibrarySync(unittest.TestCase):
    layer = IMIO_COMMUNE_FUNCTIONAL_TESTING

    def setUp(self):
        self.feed = FeedServer()
        self.addCleanup(self.feed.stop)
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        self.addCleanup(setSite, None)
        self.subscribe()
        self.clock = Clock()

    def subscribe(self, sheets="all", url=None):
        annotations = IAnnotations(self.site)
        annotations[ANSWERS_KEY] = {
            **annotations[ANSWERS_KEY],
            "library": {"url": url or self.feed.url, "sheets": sheets, "timeout": 5},
        }
        transaction.commit()

    def sync(self) -> dict:
        return sync_site(self.site, clock=self.clock)

    def copies(self) -> dict:
        folder = self.site["demarches"]
        return {
            copy_state(obj)["key"]: obj
            for obj in folder.objectValues()
            if copy_state(obj) is not None
        }

    def test_first_sync_pages_then_keeps_the_cursor_and_etag(self):
        self.feed.pages = {
            None: page("1", entry("carte-identite"), more=True),
            "1": page("2", entry("mariage")),
            "2": page("2"),
        }
        row = self.sync()
        self.assertEqual(row["créées"], 2)
        self.assertEqual(row["résultat"], "synchronisé")
        self.assertEqual(sorted(self.copies()), ["carte-identite", "mariage"])
        copy = self.copies()["mariage"]
        self.assertEqual(api.content.get_state(copy), "published")
        self.assertEqual(copy.what_you_get.raw, "<p>Ce que donne mariage.</p>")
        asked = [path for path, _etag in self.feed.requests]
        self.assertNotIn("since", asked[0])
        self.assertIn("language=fr", asked[0])
        self.assertIn("since=1", asked[1])
        self.assertIn("since=2", asked[2])
        state = IAnnotations(self.site)[CURSOR_KEY]
        self.assertEqual((state["cursor"], state["etag"]), ("2", '"2-fr-2"'))
        self.assertEqual(self.clock.pauses, [])

    def test_nothing_new_writes_nothing(self):
        self.feed.pages = {None: page("1", entry("mariage")), "1": page("1")}
        self.sync()
        transaction.commit()
        del self.feed.requests[:]
        row = self.sync()
        self.assertEqual(row["résultat"], "inchangé")
        self.assertEqual(
            self.feed.requests,
            [
                (
                    "/bibliotheque/@library-changes?language=fr&limit=200&since=1",
                    '"1-fr-1"',
                )
            ],
        )
        self.assertFalse(self.site._p_jar._registered_objects)

    def test_changes_reach_the_copy(self):
        self.feed.pages = {None: page("1", entry("mariage")), "1": page("1")}
        self.sync()
        transaction.commit()
        changed = entry("mariage", version=2, cost="<p>10 euros.</p>")
        self.feed.pages = {"1": page("3", changed), "3": page("3")}
        row = self.sync()
        self.assertEqual((row["mises à jour"], row["créées"]), (1, 0))
        self.assertEqual(self.copies()["mariage"].cost.raw, "<p>10 euros.</p>")

    def test_withdrawn_sheet_is_flagged_never_deleted(self):
        self.feed.pages = {None: page("1", entry("mariage")), "1": page("1")}
        self.sync()
        gone = {"key": "mariage", "language": "fr", "withdrawn": True}
        self.feed.pages = {"1": page("2", gone), "2": page("2")}
        row = self.sync()
        self.assertEqual(row["retirées"], 1)
        self.assertTrue(copy_state(self.copies()["mariage"])["withdrawn"])

    def test_selection_by_keys_and_topics(self):
        self.subscribe(sheets=["mariage"])
        self.feed.pages = {
            None: page("2", entry("mariage", topics=["etat-civil"]), entry("permis")),
            "2": page("2"),
        }
        self.assertEqual(self.sync()["créées"], 1)
        self.assertEqual(sorted(self.copies()), ["mariage"])
        # The sheet leaves the selection: its copy stays as it was.
        self.subscribe(sheets={"topics": ["urbanisme"]})
        moved = entry("mariage", version=2, topics=["urbanisme-x"], cost="<p>1</p>")
        self.feed.pages = {"2": page("3", moved), "3": page("3")}
        row = self.sync()
        self.assertEqual(row["mises à jour"], 0)
        self.assertEqual(self.copies()["mariage"].cost.raw, "<p>Gratuit.</p>")

    def test_retries_with_a_pause_then_succeeds(self):
        self.feed.pages = {None: page("1", entry("mariage")), "1": page("1")}
        self.feed.failures = [(503, b"", None), (502, b"", None)]
        row = self.sync()
        self.assertEqual(row["créées"], 1)
        self.assertEqual(self.clock.pauses, [2.0, 5.0])

    def test_a_library_that_keeps_failing_leaves_the_site_as_it_was(self):
        self.feed.failures = [(503, b"", None)] * 3
        row = self.sync()
        self.assertEqual(
            row["résultat"],
            f"échec : bibliothèque injoignable à {self.feed.url} après 3 essais "
            "(erreur 503).",
        )
        self.assertEqual(len(self.feed.requests), 3)
        self.assertEqual(self.copies(), {})
        self.assertNotIn(CURSOR_KEY, IAnnotations(self.site))
        self.assertFalse(self.site._p_jar._registered_objects)

    def test_a_library_that_does_not_answer(self):
        self.feed.stop()
        self.subscribe(url="http://127.0.0.1:9/bibliotheque")
        row = self.sync()
        self.assertTrue(
            row["résultat"].startswith(
                "échec : bibliothèque injoignable à http://127.0.0.1:9/bibliotheque "
                "après 3 essais ("
            ),
            row["résultat"],
        )
        self.assertEqual(len(row["résultat"].splitlines()), 1)
        self.assertEqual(self.clock.pauses, [2.0, 5.0])

    def test_a_refusal_is_not_retried_and_says_why(self):
        refusal = {"error": "le paramètre limit doit être compris entre 1 et 1000."}
        self.feed.failures = [(400, refusal, None)]
        row = self.sync()
        self.assertEqual(
            row["résultat"],
            f"échec : la bibliothèque {self.feed.url} refuse la requête (400 : "
            "le paramètre limit doit être compris entre 1 et 1000.).",
        )
        self.assertEqual(self.clock.pauses, [])

    def test_a_cursor_the_library_refuses_starts_again(self):
        IAnnotations(self.site)[CURSOR_KEY] = {
            "url": self.feed.url,
            "language": "fr",
            "cursor": "5",
            "etag": '"5-fr-5"',
        }
        refusal = {"error": "le curseur 5 est plus récent que le dernier changement."}
        self.feed.failures = [(400, refusal, None)]
        self.feed.pages = {None: page("1", entry("mariage")), "1": page("1")}
        row = self.sync()
        self.assertEqual((row["créées"], row["résultat"]), (1, "synchronisé"))
        asked = [path for path, _etag in self.feed.requests]
        self.assertIn("since=5", asked[0])
        self.assertNotIn("since", asked[1])
        self.assertEqual(IAnnotations(self.site)[CURSOR_KEY]["cursor"], "1")

    def test_not_a_feed(self):
        self.feed.failures = [(200, b"<html>Plone</html>", None)]
        row = self.sync()
        self.assertIn("n'est pas le flux d'une bibliothèque", row["résultat"])

    def test_a_site_without_subscription(self):
        annotations = IAnnotations(self.site)
        answers = dict(annotations[ANSWERS_KEY])
        del answers["library"]
        annotations[ANSWERS_KEY] = answers
        row = self.sync()
        self.assertEqual(
            row["résultat"],
            "échec : le site n'est abonné à aucune bibliothèque (clé library "
            "du profil).",
        )

    def test_rest_trigger_for_managers_only(self):
        self.feed.pages = {None: page("1", entry("mariage")), "1": page("1")}
        url = f"{self.site.absolute_url()}/@library-sync"
        headers = {"Accept": "application/json"}
        anonymous = requests.post(url, headers=headers, timeout=60)
        self.assertEqual(anonymous.status_code, 401)
        member = requests.post(
            url, headers=headers, auth=(TEST_USER_NAME, TEST_USER_PASSWORD), timeout=60
        )
        self.assertEqual(member.status_code, 401)
        self.assertEqual(self.feed.requests, [])
        manager = requests.post(
            url,
            headers=headers,
            auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
            timeout=60,
        )
        self.assertEqual(manager.status_code, 200, manager.text)
        self.assertEqual(manager.json()["créées"], 1)
        transaction.begin()
        self.assertEqual(list(self.copies()), ["mariage"])
        self.feed.failures = [(404, b"Not Found", None)]
        failed = requests.post(
            url,
            headers=headers,
            auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
            timeout=60,
        )
        self.assertEqual(failed.status_code, 502)
        self.assertTrue(failed.json()["résultat"].startswith("échec : la bibliothèque"))

    def run_command(self, *names) -> tuple[int, list]:
        args = argparse.Namespace(sites=list(names))
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            code = sync_command.run(
                lambda: self.layer["app"], args, Reporter(as_json=True)
            )
        return code, json.loads(output.getvalue())

    def test_command_syncs_the_subscribed_sites(self):
        self.feed.pages = {None: page("1", entry("mariage")), "1": page("1")}
        code, rows = self.run_command()
        self.assertEqual(code, 0)
        self.assertEqual([row["site"] for row in rows], [COMMUNE_SITE_ID])
        self.assertEqual(rows[0]["créées"], 1)
        self.assertEqual(rows[0]["résultat"], "synchronisé")

    def test_command_fails_for_a_failed_site(self):
        # A refusal is not retried: the command's real clock never waits.
        self.feed.failures = [(404, b"Not Found", None)]
        code, rows = self.run_command(COMMUNE_SITE_ID)
        self.assertEqual(code, 1)
        self.assertEqual(
            rows[0]["résultat"],
            f"échec : la bibliothèque {self.feed.url} refuse la requête "
            "(404 : Not Found).",
        )

    def test_command_unknown_site(self):
        output = io.StringIO()
        args = argparse.Namespace(sites=["nulle-part"])
        with contextlib.redirect_stdout(output):
            code = sync_command.run(
                lambda: self.layer["app"], args, Reporter(as_json=True)
            )
        self.assertEqual(code, 2)
        self.assertIn("Site inconnu : nulle-part", output.getvalue())
