"""The regional agenda: harvesting the fleet, and its page next to stock Plone's.

The 261 Walloon communes' change feeds (``@region-changes``) are served from
this process by a small HTTP server on 127.0.0.1, each with ``--events``
events (one in ten recurring every week for twelve weeks, one in ten for a
whole day) and ``--news`` news items, in the feed's own format, with cursor,
paging, ETag and 304 as a commune site answers them: what is measured is the
regional site's harvest, not the communes' sites. The regional site is
deployed from a profile whose sources are those feeds, in one FileStorage,
and harvested with ``imio-commune region-sync``:

- the first harvest of the whole fleet;
- an incremental harvest after one commune changed one event (goal: under
  60 s for the fleet, Zope's start included);
- a harvest with nothing new (one 304 per commune).

Then one instance serves, uncached (plone.app.caching off, no proxy), the
regional agenda's page with its facets and, in the same database, stock
Plone 6.2's event listing (``@@event_listing`` of a folder of a ``classic``
site) over as many events as the fleet publishes; the pages are requested in
turn, after a warm-up, and the median of each is printed with its ratio
(goal: at most 1.5x).

    .venv/bin/python bench/region.py [--communes 261] [--events 200] [--news 50]
"""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from imio.belgium import walloon_communes
from imio.commune.cluster.cluster import instance_environment
from imio.commune.cluster.processes import BIN
from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import healthy
from imio.commune.cluster.processes import ManagedProcess
from imio.commune.cluster.processes import PROJECT
from imio.commune.cluster.processes import wsgi_instance
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import yaml


BRUSSELS = ZoneInfo("Europe/Brussels")
REGION = "region"
STOCK = "plone"
STOCK_FOLDER = "evenements"
CACHING = "plone.caching.interfaces.ICacheSettings.enabled"
TOPICS = ["culture-sport-et-loisirs", "economie-et-emploi", "urbanisme-et-logement"]
AUDIENCES = ["citoyen", "touriste", "parent", "jeune"]
GOAL_INCREMENTAL = 60.0
GOAL_PAGE = 1.5


# The communes' feeds.


class CommuneFeed:
    """One commune's events and news, each with the sequence of its last change."""

    def __init__(self, commune, base_url: str, events: int, news: int, now):
        self.commune = commune
        self.url = f"{base_url}/{commune.refnis}"
        self.items = {}
        self.sequence = {}
        self.last = 0
        rand = random.Random(commune.refnis)  # noqa: S311 (figures, not secrets)
        today = now.astimezone(BRUSSELS).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        for number in range(events):
            self.add(self.event(commune, number, today, rand))
        for number in range(news):
            self.add(self.news(commune, number, now))

    def add(self, item: dict) -> None:
        self.last += 1
        self.items[item["uid"]] = item
        self.sequence[item["uid"]] = self.last

    def change(self, uid: str) -> None:
        item = self.items[uid]
        item["title"] += " (modifié)"
        item["modified"] = datetime.now(UTC).isoformat()
        self.last += 1
        self.sequence[uid] = self.last

    def event(self, commune, number: int, today: datetime, rand) -> dict:
        day = today + timedelta(days=1 + number * 2 % 300)
        whole_day = number % 10 == 5
        start = day.replace(hour=0 if whole_day else 19)
        end = day.replace(hour=23, minute=59) if whole_day else day.replace(hour=21)
        return {
            "uid": f"{commune.refnis}-e{number}",
            "type": "event",
            "withdrawn": False,
            "url": f"{self.url}/agenda/evenement-{number}",
            "title": f"{commune.name_fr} : concert {number}",
            "description": "Concert de l'harmonie communale, suivi d'un verre.",
            "language": "fr",
            "modified": "2026-11-02T10:00:00+00:00",
            "effective": "2026-11-01T10:00:00+00:00",
            "topics": [TOPICS[number % len(TOPICS)]],
            "audiences": [AUDIENCES[number % len(AUDIENCES)]],
            "life_events": [],
            "image": None,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "timezone": "Europe/Brussels",
            "whole_day": whole_day,
            "open_end": False,
            "recurrence": "RRULE:FREQ=WEEKLY;COUNT=12" if number % 10 == 0 else "",
            "location": "Salle des fêtes",
            "place": {
                "title": "Salle des fêtes",
                "street": "Place communale 1",
                "postal_code": commune.postal_codes[0],
                "city": commune.name_fr,
                "latitude": round(rand.uniform(49.55, 50.75), 5),
                "longitude": round(rand.uniform(3.0, 6.3), 5),
            },
            "price": "Gratuit" if number % 3 else "5 €",
            "free": bool(number % 3),
            "reduced_mobility_access": number % 2 == 0,
        }

    def news(self, commune, number: int, now: datetime) -> dict:
        published = (now - timedelta(days=number)).astimezone(UTC).isoformat()
        return {
            "uid": f"{commune.refnis}-n{number}",
            "type": "news",
            "withdrawn": False,
            "url": f"{self.url}/actualites/actualite-{number}",
            "title": f"{commune.name_fr} : travaux rue de l'Église ({number})",
            "description": "La circulation est déviée pendant les travaux.",
            "language": "fr",
            "modified": published,
            "effective": published,
            "topics": [TOPICS[number % len(TOPICS)]],
            "audiences": [],
            "life_events": [],
            "image": None,
        }

    def page(self, since: int | None, limit: int) -> dict:
        changed = sorted(
            (sequence, uid)
            for uid, sequence in self.sequence.items()
            if since is None or sequence > since
        )
        shown = changed[:limit]
        cursor = shown[-1][0] if shown else (self.last if since is None else since)
        return {
            "cursor": str(cursor),
            "more": len(changed) > limit,
            "commune": {
                "refnis": self.commune.refnis,
                "title": f"Commune de {self.commune.name_fr}",
                "url": self.url,
                "language": "fr",
            },
            "changes": [self.items[uid] for _sequence, uid in shown],
        }


class FeedServer:
    """The fleet's feeds over HTTP on 127.0.0.1, counting requests and 304s."""

    def __init__(self, communes: list, events: int, news: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        now = datetime.now(UTC)
        self.feeds = {
            commune.refnis: CommuneFeed(commune, self.base, events, news, now)
            for commune in communes
        }
        self.requests = 0
        self.not_modified = 0
        feeds, server = self.feeds, self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests += 1
                parts = urlsplit(self.path)
                refnis, _, name = parts.path.strip("/").partition("/")
                feed = feeds.get(refnis)
                if feed is None or name != "@region-changes":
                    self.send_error(404)
                    return
                query = parse_qs(parts.query)
                since = int(query["since"][0]) if "since" in query else None
                limit = int(query.get("limit", ["200"])[0])
                etag = f'"{feed.last}-{since}-{limit}"'
                if self.headers.get("If-None-Match") == etag:
                    server.not_modified += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                body = json.dumps(feed.page(since, limit)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def sources(self) -> list[str]:
        return [feed.url for feed in self.feeds.values()]


# Steps run in a subprocess inside the instance's configuration.


def step_stock(count: str) -> dict:
    """A classic site with ``count`` published events in one folder, no caching."""
    from imio.commune.cli.zope_app import open_app
    from plone import api
    from plone.dexterity.utils import createContentInContainer
    from plone.distribution.api import site as site_api
    from zope.component.hooks import setSite

    import pytz
    import transaction

    app = open_app(PROJECT / "instance" / "etc" / "zope.conf")
    started = time.perf_counter()
    site = site_api._create_site(
        app,
        "classic",
        {
            "site_id": STOCK,
            "title": "Plone",
            "default_language": "fr",
            "portal_timezone": "Europe/Brussels",
            "setup_content": False,
        },
    )
    setSite(site)
    # Born published, as a commune's published events are.
    api.portal.get_tool("portal_workflow").setChainForPortalTypes(
        ["Event"], "one_state_workflow"
    )
    folder = api.content.create(
        container=site, type="Folder", id=STOCK_FOLDER, title="Agenda"
    )
    api.content.transition(folder, to_state="published")
    brussels = pytz.timezone("Europe/Brussels")
    today = datetime.now(brussels).replace(hour=19, minute=0, second=0, microsecond=0)
    for number in range(int(count)):
        day = today + timedelta(days=1 + number * 2 % 300)
        createContentInContainer(
            folder,
            "Event",
            id=f"evenement-{number}",
            title=f"Concert {number}",
            description="Concert de l'harmonie communale, suivi d'un verre.",
            start=day,
            end=day + timedelta(hours=2),
            location="Salle des fêtes",
            checkConstraints=False,
        )
        if number % 2000 == 1999:
            transaction.commit()
    transaction.commit()
    seconds = time.perf_counter() - started
    app._p_jar.close()
    return {"seconds": seconds, "events": int(count)}


def step_uncached() -> dict:
    """plone.app.caching off on the sites measured: every request renders."""
    from imio.commune.cli.zope_app import open_app
    from plone import api
    from zope.component.hooks import setSite

    import transaction

    app = open_app(PROJECT / "instance" / "etc" / "zope.conf")
    for site_id in (STOCK, REGION):
        if site_id in app.objectIds():
            setSite(app[site_id])
            if api.portal.get_registry_record(CACHING, default=None) is not None:
                api.portal.set_registry_record(CACHING, False)
    transaction.commit()
    return {"uncached": True}


STEPS = {"stock": step_stock, "uncached": step_uncached}


def run_step(env: dict, name: str, *args) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--step", name, *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-4000:] or result.stdout[-4000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


# The run.


def cli(env: dict, *args: str) -> tuple[float, list[dict]]:
    started = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "imio-commune"), "--json", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode not in (0, 1):  # 1: some rows failed, listed below
        raise RuntimeError(result.stderr or result.stdout)
    return time.perf_counter() - started, json.loads(result.stdout)


def region_profile(folder: Path, sources: list[str], horizon: int) -> Path:
    path = folder / "region.yaml"
    answers = {
        "kind": "region",
        "site_id": REGION,
        "title": "Agenda régional",
        "default_language": "fr",
        "other_languages": ["de"],
        "sources": sources,
        "horizon_days": horizon,
        "timeout": 30,
    }
    path.write_text(yaml.safe_dump(answers, allow_unicode=True))
    return path


def harvest(env: dict) -> dict:
    total, rows = cli(env, "region-sync", REGION)
    results = {}
    for row in rows:
        results[row["résultat"]] = results.get(row["résultat"], 0) + 1
    return {
        "total": total,
        "results": results,
        "created": sum(row.get("créés", 0) for row in rows),
        "updated": sum(row.get("mis à jour", 0) for row in rows),
        "refused": sum(row.get("refusés", 0) for row in rows),
    }


def report_harvest(title: str, measure: dict, server: FeedServer, before) -> None:
    requests = server.requests - before[0]
    not_modified = server.not_modified - before[1]
    print(f"\n{title}")
    print(f"  whole run (Zope's start included) : {measure['total']:8.1f} s")
    print(
        f"  items created {measure['created']}, updated {measure['updated']}, "
        f"refused {measure['refused']}; feed requests {requests}, "
        f"of which 304: {not_modified}"
    )
    print(f"  results: {measure['results']}")


def instance(var: Path, env: dict, port: int) -> ManagedProcess:
    process = wsgi_instance("instance", port, var / "log", env).start()
    process.wait_until(healthy(port), timeout=600)
    return process


def fetch(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=1800) as response:  # noqa: S310
        size = len(response.read())
    return time.perf_counter() - started, size


def compare_pages(port: int, requests: int) -> None:
    base = f"http://localhost:{port}"
    listing = f"{base}/{STOCK}/{STOCK_FOLDER}/@@event_listing"
    pages = {
        "stock Plone, @@event_listing": listing,
        "regional agenda with facets": f"{base}/{REGION}/@@agenda",
    }
    times = {name: [] for name in pages}
    sizes = {}
    for _warm_up in range(5):
        for url in pages.values():
            fetch(url)
    for _round in range(requests):
        for name, url in pages.items():
            seconds, sizes[name] = fetch(url)
            times[name].append(seconds)
    baseline = statistics.median(times["stock Plone, @@event_listing"])
    print(f"\nPage, uncached, median of {requests} requests each, taking turns")
    print(f"{'page':36} {'ms':>9} {'ratio':>7} {'KiB':>7}")
    for name in pages:
        median = statistics.median(times[name])
        print(
            f"{name:36} {median * 1000:9.1f} {median / baseline:7.2f} "
            f"{sizes[name] / 1024:7.1f}"
        )
    ratio = statistics.median(times["regional agenda with facets"]) / baseline
    verdict = "met" if ratio <= GOAL_PAGE else "NOT met"
    print(f"  goal at most {GOAL_PAGE}x stock's listing: {verdict}")


def time_agenda(port: int, requests: int) -> None:
    """The regional page alone, unfiltered and with one commune chosen."""
    base = f"http://localhost:{port}/{REGION}/@@agenda"
    pages = {
        "regional agenda with facets": base,
        "the same, one commune chosen": f"{base}?commune=92094",
    }
    for url in pages.values():
        fetch(url)
    print(f"\nPage, uncached, median of {requests} requests each")
    print(f"{'page':36} {'ms':>9} {'KiB':>7}")
    for name, url in pages.items():
        times, size = [], 0
        for _round in range(requests):
            seconds, size = fetch(url)
            times.append(seconds)
        print(f"{name:36} {statistics.median(times) * 1000:9.1f} {size / 1024:7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=261)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--news", type=int, default=50)
    parser.add_argument("--horizon", type=int, default=365)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--without-stock",
        action="store_true",
        help="time the regional page alone (stock's listing of the whole fleet "
        "takes about ten minutes a request)",
    )
    parser.add_argument("--step")
    parser.add_argument("args", nargs="*")
    options = parser.parse_args()
    if options.step:
        print(json.dumps(STEPS[options.step](*options.args)))
        return
    communes = walloon_communes()[: options.communes]
    work = Path(tempfile.mkdtemp(prefix="imio-bench-region-"))
    var = work / "var"
    env = instance_environment(var, "filestorage")
    items = options.events + options.news
    print(
        f"{len(communes)} communes x {items} items ({options.events} events, "
        f"{options.news} news), horizon {options.horizon} days"
    )
    try:
        with FeedServer(communes, options.events, options.news) as server:
            deployed = subprocess.run(
                [
                    str(BIN / "imio-commune"),
                    "--json",
                    "deploy",
                    str(region_profile(work, server.sources(), options.horizon)),
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            if deployed.returncode:
                raise RuntimeError(deployed.stderr[-4000:])
            before = (server.requests, server.not_modified)
            first = harvest(env)
            report_harvest("First harvest of the fleet", first, server, before)
            size = (var / "filestorage" / "Data.fs").stat().st_size
            print(f"  database after it: {size / 2**20:.1f} MiB")
            feed = next(iter(server.feeds.values()))
            feed.change(f"{feed.commune.refnis}-e7")
            before = (server.requests, server.not_modified)
            incremental = harvest(env)
            report_harvest(
                "One commune changed one event: incremental harvest",
                incremental,
                server,
                before,
            )
            verdict = "met" if incremental["total"] < GOAL_INCREMENTAL else "NOT met"
            print(f"  goal under {GOAL_INCREMENTAL:.0f} s: {verdict}")
            before = (server.requests, server.not_modified)
            report_harvest("Nothing new", harvest(env), server, before)
        if not options.without_stock:
            stock = run_step(env, "stock", len(communes) * options.events)
            print(
                f"\nStock site with {stock['events']} published events created in "
                f"{stock['seconds']:.0f} s"
            )
        run_step(env, "uncached")
        port = free_port()
        process = instance(var, env, port)
        try:
            if options.without_stock:
                time_agenda(port, options.requests)
            else:
                compare_pages(port, options.requests)
        finally:
            process.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
