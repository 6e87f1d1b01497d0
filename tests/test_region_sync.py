"""The regional agenda and its communes: two instances on two databases, over HTTP.

The demo communes of Namur, Gesves and Eupen (profiles/demo.yaml, gesves.yaml,
eupen.yaml) share one instance and its database; the regional site
(profiles/region.yaml) runs in a second one and harvests their feeds with
``POST /region/@region-sync``, as ``make start`` does. A fourth source, on a
port where nothing listens, stands for a commune that is down. Each commune's
``POST {site}/@region-sync`` refreshes its "Autour de chez vous".
"""

from datetime import date
from datetime import datetime
from datetime import timedelta
from imio.commune.cluster.processes import free_port
from pathlib import Path
from tests.browser import accessibility_violations
from tests.browser import DESKTOP
from tests.browser import PHONE
from tests.browser import RecordedPage
from tests.instance import BIN
from tests.instance import CHROMIUM
from tests.instance import CHROMIUM_ARGS
from tests.instance import ROOT
from tests.test_ical_clients import EXPAND
from tests.test_ical_clients import NODE
from tests.test_library_sync import Instance
from plone.testing import Layer
from zoneinfo import ZoneInfo

import html
import json
import re
import requests
import shutil
import subprocess
import unittest
import yaml


BRUSSELS = ZoneInfo("Europe/Brussels")
COMMUNES = ("demo", "gesves", "eupen")
REGION = "region"
# The regional site's horizon_days (profiles/region.yaml).
HORIZON = timedelta(days=365)


def rewritten_profile(name: str, folder: Path, **changes) -> Path:
    """A copy of profiles/{name}.yaml with some answers changed."""
    answers = yaml.safe_load((ROOT / "profiles" / f"{name}.yaml").read_text())
    answers.update(changes)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    return path


def deploy(instance: Instance, *profiles: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "imio-commune"), "--json", "deploy", *map(str, profiles)],
        env=instance.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def page_text(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def clock_changes(now: datetime) -> list[datetime]:
    """The next two changes of Brussels' clocks after `now` (March, October)."""
    changes = []
    day = now.date()
    while len(changes) < 2:
        day += timedelta(days=1)
        before = datetime.combine(day, datetime.min.time(), BRUSSELS)
        after = before + timedelta(days=1)
        if before.utcoffset() != after.utcoffset():
            changes.append(after)
    return changes


class RegionAndCommunesLayer(Layer):
    """The three demo communes and the regional site, first harvest done."""

    def setUp(self):
        communes = Instance("communes")
        # The region retries at once: the tests never wait for a pause.
        region = Instance("region", IMIO_LIBRARY_RETRY_SECONDS="0 0")
        self["communes"], self["region"] = communes, region
        self["down"] = f"http://127.0.0.1:{free_port()}/{COMMUNES[0]}"
        try:
            self.deploy_and_start(communes, region)
            self["first_harvest"] = self.harvest()
        except BaseException:
            self.tearDown()
            raise

    def deploy_and_start(self, communes: Instance, region: Instance) -> None:
        region_url = {"url": f"{region.url}/{REGION}", "timeout": 10}
        commune_profiles = [
            rewritten_profile(name, communes.var, region=region_url)
            for name in COMMUNES
        ]
        sources = [f"{communes.url}/{name}" for name in COMMUNES]
        region_profile = rewritten_profile(
            REGION, region.var, sources=[*sources, self["down"]]
        )
        deploys = [deploy(communes, *commune_profiles), deploy(region, region_profile)]
        for process in deploys:
            _out, err = process.communicate(timeout=1200)
            if process.returncode:
                raise RuntimeError(f"deploy failed: {err}")
        for instance, site in ((communes, COMMUNES[0]), (region, REGION)):
            instance.add_admin()
            instance.start(site)

    def harvest(self) -> requests.Response:
        region = self["region"]
        return region.session().post(f"{region.url}/{REGION}/@region-sync", timeout=300)

    def tearDown(self):
        for name in ("communes", "region"):
            instance = self.get(name)
            if instance is not None:
                instance.stop()
                shutil.rmtree(instance.var, ignore_errors=True)
                del self[name]
        for name in ("down", "first_harvest"):
            if name in self:
                del self[name]


REGION_AND_COMMUNES = RegionAndCommunesLayer(name="RegionAndCommunes")


class TestRegionSync(unittest.TestCase):
    layer = REGION_AND_COMMUNES

    def setUp(self):
        self.communes = self.layer["communes"]
        self.region = self.layer["region"]
        self.now = datetime.now(BRUSSELS)

    def harvest(self) -> dict[str, dict]:
        """The rows of a harvest, by the commune's site id."""
        answer = self.layer.harvest()
        self.assertEqual(answer.status_code, 200, answer.text)
        return {row["source"].rsplit("/", 1)[-1]: row for row in answer.json()["rows"]}

    def add_event(self, site: str, title: str, start: datetime, **fields) -> str:
        """A published event of `site`, added over the REST API; its URL."""
        session = self.communes.session()
        end = fields.pop("end", start + timedelta(hours=2))
        answer = session.post(
            f"{self.communes.url}/{site}/agenda",
            json={
                "@type": "Event",
                "title": title,
                "start": start.isoformat(),
                "end": end.isoformat(),
                **fields,
            },
            timeout=60,
        )
        self.assertEqual(answer.status_code, 201, answer.text)
        url = answer.json()["@id"]
        published = session.post(f"{url}/@workflow/publish", timeout=60)
        self.assertEqual(published.status_code, 200, published.text)
        return url

    def nearby(self, refnis: str = "92094") -> list[dict]:
        """What the region answers Namur (or `refnis`) for "Autour de chez vous"."""
        answer = requests.get(
            f"{self.region.url}/{REGION}/@region-nearby",
            params={"refnis": refnis, "limit": 50},
            headers={"Accept": "application/json"},
            timeout=60,
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        return answer.json()["items"]

    def in_days(self, days: int, hour: int = 18) -> datetime:
        day = self.now.date() + timedelta(days=days)
        return datetime(day.year, day.month, day.day, hour, 0, tzinfo=BRUSSELS)

    def test_first_harvest_gathers_the_three_communes(self):
        answer = self.layer["first_harvest"]
        # One commune down is not every commune down.
        self.assertEqual(answer.status_code, 200, answer.text)
        rows = answer.json()["rows"]
        by_source = {row["source"]: row for row in rows}
        for name in COMMUNES:
            row = by_source[f"{self.communes.url}/{name}"]
            self.assertGreater(row["créés"], 0, row)
            self.assertFalse(row["résultat"].startswith("échec"), row)
        down = by_source[self.layer["down"]]
        self.assertTrue(down["résultat"].startswith("échec : "), down)
        self.assertNotIn("\n", down["résultat"])
        self.assertNotIn("Traceback", answer.text)

    def test_a_commune_down_costs_only_its_own_row(self):
        rows = self.harvest()
        down = rows[self.layer["down"].rsplit("/", 1)[-1]]
        self.assertTrue(down["résultat"].startswith("échec"), down)
        for name in ("gesves", "eupen"):
            self.assertFalse(rows[name]["résultat"].startswith("échec"), rows[name])

    def test_namur_sees_its_neighbours_events_on_its_home_page(self):
        titles = [item["title"] for item in self.nearby()]
        # Gesves is in Namur's arrondissement, Eupen is not; the festival is
        # Namur's own too.
        self.assertIn("Balade contée au bois de Gesves", titles)
        self.assertNotIn("Kammerkonzert im Kloster Heidberg", titles)
        self.assertNotIn("Festival folk Meuse-Condroz", titles)
        session = self.communes.session()
        refreshed = session.post(f"{self.communes.url}/demo/@region-sync", timeout=120)
        self.assertEqual(refreshed.status_code, 200, refreshed.text)
        [row] = refreshed.json()["rows"]
        self.assertGreater(row["événements"], 0, row)
        home = requests.get(
            f"{self.communes.url}/demo",
            headers={"Accept-Language": "fr"},
            timeout=60,
        )
        self.assertEqual(home.status_code, 200)
        self.assertIn("Autour de chez vous", page_text(home.text), row)
        self.assertIn(
            f'href="{self.communes.url}/gesves/agenda/balade-contee"', home.text
        )
        self.assertIn("Commune de Gesves", page_text(home.text))
        self.check_nearby_in_a_browser(f"{self.communes.url}/demo")

    def check_nearby_in_a_browser(self, url: str):
        """The section on a desktop and a 390 px phone: readable, axe clean."""
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            try:
                self.check_nearby_pages(browser, url)
            finally:
                browser.close()

    def check_nearby_pages(self, browser, url: str):
        for viewport in (DESKTOP, PHONE):
            recorded = RecordedPage(browser, viewport=viewport)
            page = recorded.page
            page.goto(url, wait_until="networkidle")
            section = page.get_by_role("region", name="Autour de chez vous")
            self.assertTrue(section.is_visible())
            gesves = "Balade contée au bois de Gesves"
            link = section.get_by_role("link", name=gesves)
            self.assertTrue(link.is_visible())
            self.assertLessEqual(
                page.evaluate("document.documentElement.scrollWidth"),
                viewport["width"],
            )
            self.assertEqual(accessibility_violations(page), [])
            recorded.close()

    def test_an_edit_an_unpublication_and_a_deletion_reach_the_region(self):
        edited = self.add_event("gesves", "Concert d'orgue", self.in_days(10))
        retracted = self.add_event("gesves", "Conférence nature", self.in_days(11))
        deleted = self.add_event("gesves", "Atelier vélo", self.in_days(12))
        self.assertEqual(self.harvest()["gesves"]["créés"], 3)
        titles = [item["title"] for item in self.nearby()]
        for title in ("Concert d'orgue", "Conférence nature", "Atelier vélo"):
            self.assertIn(title, titles)
        session = self.communes.session()
        patched = session.patch(
            edited, json={"title": "Concert d'orgue et de trompette"}, timeout=60
        )
        self.assertEqual(patched.status_code, 204, patched.text)
        retract = session.post(f"{retracted}/@workflow/retract", timeout=60)
        self.assertEqual(retract.status_code, 200, retract.text)
        self.assertEqual(session.delete(deleted, timeout=60).status_code, 204)
        row = self.harvest()["gesves"]
        self.assertEqual((row["mis à jour"], row["retirés"]), (1, 2), row)
        titles = [item["title"] for item in self.nearby()]
        self.assertIn("Concert d'orgue et de trompette", titles)
        for title in ("Concert d'orgue", "Conférence nature", "Atelier vélo"):
            self.assertNotIn(title, titles)

    def test_a_weekly_market_keeps_eight_o_clock_across_the_clock_changes(self):
        first, second = clock_changes(self.now)
        saturday = self.now.date() + timedelta(days=(5 - self.now.weekday()) % 7 or 7)
        weeks = (second.date() - saturday).days // 7 + 3
        start = datetime.combine(saturday, datetime.min.time(), BRUSSELS)
        start = start.replace(hour=8)
        title = "Marché fermier du samedi"
        self.add_event(
            "eupen",
            title,
            start,
            end=start.replace(hour=12),
            recurrence=f"RRULE:FREQ=WEEKLY;BYDAY=SA;COUNT={weeks}",
        )
        self.assertEqual(self.harvest()["eupen"]["créés"], 1)
        calendar = requests.get(f"{self.region.url}/{REGION}/@@agenda.ics", timeout=60)
        self.assertEqual(calendar.status_code, 200)
        expanded = subprocess.run(
            [NODE, str(EXPAND)],
            input=calendar.content,
            capture_output=True,
            check=True,
            timeout=60,
        )
        market = [
            item
            for item in map(json.loads, expanded.stdout.splitlines())
            if item["summary"] == title
        ]
        days = [date.fromisoformat(item["local"][:10]) for item in market]
        self.assertEqual(days[0], saturday)
        self.assertTrue(all(day.weekday() == 5 for day in days), days)
        # Occurrences on both sides of both changes of the clocks (the second
        # one may be the horizon's last week away).
        self.assertTrue(any(day < first.date() for day in days), first)
        self.assertTrue(any(first.date() < day < second.date() for day in days))
        if second.date() + timedelta(days=7) < (self.now + HORIZON).date():
            self.assertTrue(any(day > second.date() for day in days), second)
        for item, day in zip(market, days, strict=True):
            self.assertEqual(item["local"], f"{day}T08:00:00", item)
            moment = datetime.combine(day, datetime.min.time(), BRUSSELS)
            offset = moment.replace(hour=8).utcoffset().total_seconds() // 3600
            self.assertEqual(item["utc"], f"{day}T{8 - int(offset):02d}:00:00.000Z")
