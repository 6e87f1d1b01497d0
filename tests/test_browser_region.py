"""The regional agenda and news in a real browser, on a desktop and on a phone:
facets narrow the list, the map marks the places, JSON-LD parses, axe passes.

A real instance serves the regional site of profiles/region.yaml; its store is
filled beforehand, with feed-shaped entries of three communes whose dates are
computed from the test's now, by a script run beside the stopped instance.
"""

from plone.testing import Layer
from tests.browser import accessibility_violations
from tests.browser import DESKTOP
from tests.browser import PHONE
from tests.browser import RecordedPage
from tests.browser import screenshot
from tests.instance import BIN
from tests.instance import CHROMIUM
from tests.instance import CHROMIUM_ARGS
from tests.instance import ROOT
from tests.test_library_sync import Instance

import json
import shutil
import subprocess
import unittest


FILL = '''
"""Fill the regional store with the entries of IMIO_TEST_REGION (JSON)."""
from datetime import datetime, timedelta, UTC
from imio.commune.region.store import store_entries
from zope.component.hooks import setSite
from zoneinfo import ZoneInfo
import json, os, transaction

site = app["region"]  # noqa: F821 - zconsole's global
setSite(site)
now = datetime.now(UTC)
base = datetime.now(ZoneInfo("Europe/Brussels")).replace(
    hour=14, minute=0, second=0, microsecond=0) + timedelta(days=2)
for commune, entries in json.loads(os.environ["IMIO_TEST_REGION"]):
    for entry in entries:
        if entry["type"] == "event":
            start = base + timedelta(days=entry.pop("day"))
            entry["start"] = start.isoformat()
            entry["end"] = (start + timedelta(hours=3)).isoformat()
            entry.setdefault("timezone", "Europe/Brussels")
        else:
            moment = now - timedelta(days=entry.pop("day"))
            entry["effective"] = entry["modified"] = moment.isoformat()
    print(store_entries(site, commune, entries, now))
transaction.commit()
'''

NAMUR = {"refnis": "92094", "title": "Ville de Namur", "url": "http://namur.test"}
GESVES = {"refnis": "92054", "title": "Commune de Gesves", "url": "http://gesves.test"}
EUPEN = {"refnis": "63023", "title": "Stadt Eupen", "url": "http://eupen.test"}


def event(commune, uid, title, day, latitude, longitude, **more) -> dict:
    return {
        "uid": uid,
        "type": "event",
        "url": f"{commune['url']}/agenda/{uid}",
        "title": title,
        "description": f"{title}, ouvert à tous.",
        "day": day,
        "whole_day": False,
        "recurrence": "",
        "location": f"Salle {uid}",
        "place": {
            "title": f"Salle {uid}",
            "street": "Place communale 1",
            "postal_code": "5000",
            "city": commune["title"],
            "latitude": latitude,
            "longitude": longitude,
        },
        "price": "Gratuit",
        "free": True,
        "reduced_mobility_access": True,
        "topics": [],
        "audiences": [],
        **more,
    }


def news(commune, uid, title, day) -> dict:
    return {
        "uid": uid,
        "type": "news",
        "url": f"{commune['url']}/actualites/{uid}",
        "title": title,
        "description": "",
        "day": day,
    }


ENTRIES = [
    (
        NAMUR,
        [
            event(
                NAMUR,
                "n1",
                "Marché du samedi",
                0,
                50.4649,
                4.8655,
                recurrence="RRULE:FREQ=WEEKLY;COUNT=3",
            ),
            event(
                NAMUR,
                "n2",
                "Concert à la citadelle",
                1,
                50.4594,
                4.8636,
                price="12 €",
                free=False,
            ),
            news(NAMUR, "a1", "Conseil communal de décembre", 1),
        ],
    ),
    (
        GESVES,
        [
            event(GESVES, "g1", "Balade contée", 2, 50.4006, 5.0747),
            news(GESVES, "a2", "Nouvelle bibliothèque", 2),
        ],
    ),
    (
        EUPEN,
        [
            event(
                EUPEN,
                "e1",
                "Konzert im Park",
                3,
                50.6285,
                6.0363,
                reduced_mobility_access=False,
            ),
        ],
    ),
]
MARKERS = 4


class RegionBrowserLayer(Layer):
    """The regional site in a real instance, its store filled, and Chromium."""

    def setUp(self):
        instance = self["instance"] = Instance("region-browser")
        try:
            deployed = instance.deploy(ROOT / "profiles" / "region.yaml")
            out, err = deployed.communicate(timeout=1200)
            if deployed.returncode:
                raise RuntimeError(f"deploy failed: {out}\n{err}")
            self.prepare(instance)
            instance.start("region")
        except BaseException:
            self.tearDown()
            raise
        self["site_url"] = f"{instance.url}/region"
        from playwright.sync_api import sync_playwright

        self["playwright"] = sync_playwright().start()
        self["browser"] = self["playwright"].chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )

    def prepare(self, instance: Instance) -> None:
        script = instance.var / "fill_region.py"
        script.write_text(FILL)
        filled = subprocess.run(
            [
                str(BIN / "zconsole"),
                "run",
                str(ROOT / "instance" / "etc" / "zope.conf"),
                str(script),
            ],
            env={**instance.env, "IMIO_TEST_REGION": json.dumps(ENTRIES)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if filled.returncode:
            raise RuntimeError(f"filling the store failed:\n{filled.stderr}")

    def tearDown(self):
        for name in ("browser", "playwright"):
            if name in self:
                (self[name].close if name == "browser" else self[name].stop)()
                del self[name]
        instance = self.get("instance")
        if instance is not None:
            instance.stop()
            shutil.rmtree(instance.var, ignore_errors=True)


REGION_BROWSER = RegionBrowserLayer(name="RegionBrowser")

JSON_LD = """() => [...document.querySelectorAll('script[type="application/ld+json"]')]
  .map((script) => script.textContent)"""


class TestRegionalAgenda(unittest.TestCase):
    layer = REGION_BROWSER

    def open(self, path: str, viewport=DESKTOP):
        recorded = RecordedPage(self.layer["browser"], viewport=viewport)
        self.addCleanup(recorded.close)
        response = recorded.page.goto(
            self.layer["site_url"] + path, wait_until="networkidle"
        )
        self.assertEqual(response.status, 200)
        return recorded

    def assert_fits_and_accessible(self, recorded, width: int):
        page = recorded.page
        self.assertLessEqual(
            page.evaluate("document.documentElement.scrollWidth"),
            width,
            f"horizontal scroll at {width} px on {page.url}",
        )
        self.assertEqual(accessibility_violations(page), [])
        self.assertEqual(recorded.errors, [])

    def titles(self, page) -> list[str]:
        return page.locator(".region-agenda-event h3 a").all_inner_texts()

    def test_agenda_facets_map_and_json_ld(self):
        for viewport in (DESKTOP, PHONE):
            with self.subTest(width=viewport["width"]):
                recorded = self.open("", viewport)
                page = recorded.page
                # The market three times, the concert, the walk, the concert.
                self.assertEqual(len(self.titles(page)), 6)
                self.assertEqual(
                    page.locator(".region-agenda-map svg a").count(), MARKERS
                )
                marker = page.locator(".region-agenda-map svg a").first
                self.assertTrue(marker.get_attribute("aria-label"))
                for text in page.evaluate(JSON_LD):
                    data = json.loads(text)
                    self.assertEqual(data["@type"], "ItemList")
                    for element in data["itemListElement"]:
                        address = element["item"]["location"]["address"]
                        self.assertEqual(address["addressCountry"], "BE")
                self.assertEqual(len(page.evaluate(JSON_LD)), 1)
                self.assert_fits_and_accessible(recorded, viewport["width"])
                screenshot(page, f"agenda-regional-{viewport['width']}")

    def test_facets_narrow_the_list(self):
        recorded = self.open("")
        page = recorded.page
        page.get_by_label("Stadt Eupen").check()
        with page.expect_navigation():
            page.locator(".region-agenda-filters button[type=submit]").click()
        self.assertEqual(self.titles(page), ["Konzert im Park"])
        self.assertEqual(page.locator(".region-agenda-map svg a").count(), 1)
        self.assertTrue(page.get_by_label("Stadt Eupen").is_checked())
        # Paid events only, every commune again.
        page.goto(f"{self.layer['site_url']}/@@agenda?prix=payant")
        self.assertEqual(self.titles(page), ["Concert à la citadelle"])
        self.assertEqual(recorded.errors, [])

    def test_bad_parameters_are_a_french_message(self):
        recorded = self.open("/@@agenda?du=hier&b_start=abc&commune=xyz")
        page = recorded.page
        self.assertIn("n'est pas une date", page.locator("[role=alert]").inner_text())
        self.assertEqual(recorded.errors, [])

    def test_news_on_a_desktop_and_a_phone(self):
        for viewport in (DESKTOP, PHONE):
            with self.subTest(width=viewport["width"]):
                recorded = self.open("/@@actualites", viewport)
                page = recorded.page
                self.assertEqual(
                    page.locator(".region-news-item h3 a").all_inner_texts(),
                    ["Conseil communal de décembre", "Nouvelle bibliothèque"],
                )
                self.assert_fits_and_accessible(recorded, viewport["width"])

    def test_in_german(self):
        recorded = RecordedPage(self.layer["browser"], viewport=DESKTOP)
        self.addCleanup(recorded.close)
        page = recorded.page
        page.set_extra_http_headers({"Accept-Language": "de"})
        page.goto(f"{self.layer['site_url']}/@@agenda?set_language=de")
        text = page.locator("#content").inner_text()
        for label in ("Gemeinde", "Orte auf der Karte", "Heute"):
            self.assertIn(label, text)
        self.assertEqual(accessibility_violations(page), [])
