"""Rendering the commune home page next to stock Plone 6.2's classic front page.

One WSGI instance on a FileStorage holds the demo commune and, in the same
database, a stock Plone site made by plone.distribution's `classic`
distribution with its example content. plone.app.caching is switched off in
both sites, so that every request renders the page: no caching proxy, no RAM
cache. The pages are requested in turn, one at a time, after a warm-up, and
the median time of each is printed with its ratio to stock Plone's front page.

The demo commune gets its content from the answers (`demo_content: true`)
when the commune distribution offers it; otherwise the benchmark adds 15
procedures, news items and events itself.

    .venv/bin/python bench/home_page.py [--requests 200]
    .venv/bin/python bench/home_page.py --profile   # where the home page's time goes
"""

from imio.commune.cluster.cluster import instance_environment
from imio.commune.cluster.processes import BIN
from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import http_status
from imio.commune.cluster.processes import wsgi_instance
from imio.commune.cluster.processes import PROJECT
from pathlib import Path

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


DEMO = PROJECT / "profiles" / "demo.yaml"
SCHEMA = PROJECT / "src/imio/commune/distributions/commune/schema.json"
SITE = "demo"
STOCK = "plone"
PROCEDURES = 15
FEATURED = 8
NEWS = 6
EVENTS = 6
CACHING = "plone.caching.interfaces.ICacheSettings.enabled"


def demo_content_offered() -> bool:
    schema = json.loads(SCHEMA.read_text())["schema"]
    return "demo_content" in schema.get("properties", {})


def demo_profile(work: Path) -> Path:
    """The demo answers, asking for the demo content when the distribution can."""
    text = DEMO.read_text()
    if demo_content_offered() and "demo_content:" not in text:
        text += "demo_content: true\n"
    profile = work / "demo.yaml"
    profile.write_text(text)
    return profile


def deploy_demo(work: Path) -> dict:
    """Deploy the demo commune into a FileStorage under ``work``; its environment."""
    env = instance_environment(work / "var", "filestorage")
    deployed = subprocess.run(
        [str(BIN / "imio-commune"), "--json", "deploy", str(demo_profile(work))],
        env=env,
        capture_output=True,
        text=True,
    )
    if deployed.returncode:
        raise RuntimeError(f"imio-commune deploy: {deployed.stderr[-2000:]}")
    return env


def rich(text: str):
    from plone.app.textfield.value import RichTextValue

    return RichTextValue(f"<p>{text}</p>", "text/html", "text/x-html-safe")


def add_content(site) -> None:
    """Procedures, news and events as a commune publishes them."""
    from datetime import datetime
    from datetime import timedelta
    from plone import api

    import pytz

    paragraph = (
        "La commune délivre ce document aux habitants inscrits au registre de "
        "la population, sur présentation de leur carte d'identité."
    )
    for number in range(PROCEDURES):
        procedure = api.content.create(
            container=site["demarches"],
            type="Procedure",
            id=f"demarche-{number}",
            title=f"Démarche {number} : certificat de résidence",
            description="Obtenir un certificat auprès du service Population.",
            featured=number < FEATURED,
            what_you_get=rich(paragraph),
            who_may_ask=rich(paragraph),
            how_to_proceed=rich(paragraph),
            documents=rich(paragraph),
            cost=rich("Gratuit en ligne, 5 euros au guichet."),
            delay=rich("Immédiat en ligne, 3 jours ouvrables au guichet."),
        )
        api.content.transition(procedure, "publish")
    for number in range(NEWS):
        news = api.content.create(
            container=site["actualites"],
            type="News Item",
            id=f"actualite-{number}",
            title=f"Actualité {number} : travaux rue de Fer",
            description="La circulation est déviée pendant les travaux.",
            text=rich(paragraph),
        )
        api.content.transition(news, "publish")
    # plone.app.event stores pytz zones: a zoneinfo one cannot be pickled there.
    brussels = pytz.timezone("Europe/Brussels")
    start = brussels.localize(
        datetime.now().replace(hour=20, minute=0, second=0, microsecond=0)
    )
    for number in range(EVENTS):
        event = api.content.create(
            container=site["agenda"],
            type="Event",
            id=f"evenement-{number}",
            title=f"Événement {number} : concert au Grand Manège",
            description="Concert de l'orchestre communal.",
            start=start + timedelta(days=3 * number + 1),
            end=start + timedelta(days=3 * number + 1, hours=2),
            location="Grand Manège, Namur",
            text=rich(paragraph),
        )
        api.content.transition(event, "publish")


def prepare() -> None:
    """Inside the instance's configuration: the stock site, content, no caching."""
    from imio.commune.cli.zope_app import open_app
    from plone import api
    from plone.distribution.api import site as site_api
    from zope.component.hooks import setSite

    import transaction

    app = open_app(PROJECT / "instance" / "etc" / "zope.conf")
    site_api._create_site(
        app,
        "classic",
        {
            "site_id": STOCK,
            "title": "Plone",
            "default_language": "fr",
            "portal_timezone": "Europe/Brussels",
            "setup_content": True,
        },
    )
    for site_id in (SITE, STOCK):
        setSite(app[site_id])
        if api.portal.get_registry_record(CACHING, default=None) is not None:
            api.portal.set_registry_record(CACHING, False)
    setSite(app[SITE])
    if not demo_content_offered():
        add_content(app[SITE])
    procedure = api.content.find(portal_type="Procedure", sort_on="sortable_title")
    transaction.commit()
    print(json.dumps({"procedure": procedure[0].getPath() if procedure else None}))
    app._p_jar.close()


def profile_home(rounds: int) -> None:
    """cProfile of both front pages' views rendered in-process, anonymously."""
    from AccessControl.SecurityManagement import noSecurityManager
    from imio.commune.cli.zope_app import open_app
    from plone.browserlayer.layer import mark_layer
    from Testing.makerequest import makerequest
    from zope.component import getMultiAdapter
    from zope.component.hooks import setSite
    from zope.globalrequest import setRequest
    from zope.traversing.interfaces import BeforeTraverseEvent

    import cProfile
    import pstats
    import transaction

    app = open_app(PROJECT / "instance" / "etc" / "zope.conf")
    noSecurityManager()
    for site_id in (STOCK, SITE):
        # A request of its own for each site, as publishing would make.
        root = makerequest(app.aq_base)
        site = root[site_id]
        request = root.REQUEST
        setRequest(request)
        setSite(site)
        # The browser layers that publishing the site would give the request.
        mark_layer(site, BeforeTraverseEvent(site, request))
        view = site.getLayout()
        getMultiAdapter((site, request), name=view)()
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(rounds):
            getMultiAdapter((site, request), name=view)()
        profiler.disable()
        each = (time.perf_counter() - started) / rounds * 1000
        print(f"\n/{site_id} @@{view}: {each:.1f} ms per rendering (profiled)")
        lines = int(os.environ.get("BENCH_PROFILE_LINES", "45"))
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(lines)
    transaction.abort()


def measure_pages(urls: dict, count: int) -> dict:
    """Median milliseconds of each page, requested in turn one at a time."""
    import requests

    session = requests.Session()
    times = {name: [] for name in urls}
    for url in urls.values():
        for _ in range(10):
            session.get(url, timeout=60).raise_for_status()
    for _ in range(count):
        for name, url in urls.items():
            started = time.perf_counter()
            response = session.get(url, timeout=60)
            elapsed = time.perf_counter() - started
            response.raise_for_status()
            if "X-RAMCache" in response.headers:
                raise RuntimeError(f"{url} answered from the RAM cache")
            times[name].append(elapsed)
    return {name: statistics.median(values) * 1000 for name, values in times.items()}


def run(args, work: Path) -> tuple[dict, bool]:
    var = work / "var"
    env = deploy_demo(work)
    prepared = subprocess.run(
        [sys.executable, __file__, "--prepare"],
        env=env,
        capture_output=True,
        text=True,
    )
    if prepared.returncode:
        raise RuntimeError(f"préparation : {prepared.stderr[-3000:]}")
    procedure = json.loads(prepared.stdout.strip().splitlines()[-1])["procedure"]
    if args.profile:
        subprocess.run(
            [sys.executable, __file__, "--profile-home", str(args.profile)], env=env
        )
    port = free_port()
    instance = wsgi_instance("instance", port, var / "log", env).start()
    base = f"http://127.0.0.1:{port}"
    urls = {"stock Plone 6.2 front page (classic)": f"{base}/{STOCK}"}
    urls["commune home page"] = f"{base}/{SITE}"
    if procedure:
        urls["commune procedure page"] = f"{base}{procedure}"
    try:
        instance.wait_until(lambda: http_status(f"{base}/{SITE}") == 200)
        return measure_pages(urls, args.requests), demo_content_offered()
    finally:
        instance.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--profile",
        type=int,
        nargs="?",
        const=100,
        default=0,
        help="also profile this many renderings of the home view",
    )
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile-home", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        return prepare()
    if args.profile_home:
        return profile_home(args.profile_home)
    work = Path(tempfile.mkdtemp(prefix="imio-bench-home-"))
    try:
        medians, from_answers = run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    baseline = medians["stock Plone 6.2 front page (classic)"]
    content = "demo_content: true" if from_answers else "added by the benchmark"
    print(
        f"\nPage rendering, median of {args.requests} requests, no cache "
        f"(demo content {content})"
    )
    print(f"{'page':40} {'ms':>8} {'ratio':>7}")
    for name, median in medians.items():
        print(f"{name:40} {median:8.1f} {median / baseline:7.2f}")


if __name__ == "__main__":
    main()
