"""The site-wide CPSV-AP catalogue of 200 procedures next to their folder's page.

The demo commune is deployed into a FileStorage with its content, its 20
procedures copied until 200 are published (each with its responsible
service, documents, fee, legal basis and life events), and plone.app.caching
switched off. One WSGI instance then answers, one request at a time after a
warm-up: the catalogue `@@cpsv-ap` in JSON-LD and in Turtle, and, as the
baseline, the procedures folder's page as a visitor opens it (its first
batch of the same procedures). A procedure's own export is measured next to
its page.

    .venv/bin/python bench/cpsv_ap.py [--requests 20]
"""

from home_page import deploy_demo
from home_page import SITE
from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import http_status
from imio.commune.cluster.processes import wsgi_instance
from imio.commune.cluster.processes import PROJECT
from pathlib import Path

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


PROCEDURES = 200
CACHING = "plone.caching.interfaces.ICacheSettings.enabled"


def prepare() -> None:
    """Inside the instance's configuration: 200 published procedures, no caching."""
    from imio.commune.cli.zope_app import open_app
    from plone import api
    from zope.component.hooks import setSite

    import transaction

    app = open_app(PROJECT / "instance" / "etc" / "zope.conf")
    site = app[SITE]
    setSite(site)
    api.portal.set_registry_record(CACHING, False)
    with api.env.adopt_roles(["Manager"]):
        folder = site["demarches"]
        models = [
            brain.getObject()
            for brain in api.content.find(context=folder, portal_type="Procedure")
        ]
        for number in range(PROCEDURES - len(models)):
            model = models[number % len(models)]
            copy = api.content.copy(model, folder, id=f"{model.getId()}-{number}")
            api.content.transition(copy, "publish")
    transaction.commit()
    published = api.content.find(
        context=site, portal_type="Procedure", review_state="published"
    )
    print(json.dumps({"published": len(published), "one": published[0].getPath()}))
    app._p_jar.close()


def measure(session, url: str, accept: str, count: int) -> tuple[float, int]:
    """Median milliseconds of a GET and the size of its answer."""
    headers = {"Accept": accept}
    for _ in range(3):
        session.get(url, headers=headers, timeout=300).raise_for_status()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = session.get(url, headers=headers, timeout=300)
        times.append(time.perf_counter() - started)
        response.raise_for_status()
    return statistics.median(times) * 1000, len(response.content)


def run(args, work: Path) -> tuple[dict, int]:
    import requests

    var = work / "var"
    env = deploy_demo(work)
    prepared = subprocess.run(
        [sys.executable, __file__, "--prepare"], env=env, capture_output=True, text=True
    )
    if prepared.returncode:
        raise RuntimeError(f"préparation : {prepared.stderr[-3000:]}")
    facts = json.loads(prepared.stdout.strip().splitlines()[-1])
    port = free_port()
    instance = wsgi_instance("instance", port, var / "log", env).start()
    base = f"http://127.0.0.1:{port}"
    one = f"{base}{facts['one']}"
    pages = {
        "procedures folder page (baseline)": (f"{base}/{SITE}/demarches", "text/html"),
        "catalogue @@cpsv-ap, JSON-LD": (
            f"{base}/{SITE}/@@cpsv-ap",
            "application/ld+json",
        ),
        "catalogue @@cpsv-ap, Turtle": (f"{base}/{SITE}/@@cpsv-ap", "text/turtle"),
        "one procedure page": (one, "text/html"),
        "one procedure @@cpsv-ap, JSON-LD": (
            f"{one}/@@cpsv-ap",
            "application/ld+json",
        ),
    }
    try:
        instance.wait_until(lambda: http_status(f"{base}/{SITE}") == 200)
        session = requests.Session()
        return {
            name: measure(session, url, accept, args.requests)
            for name, (url, accept) in pages.items()
        }, facts["published"]
    finally:
        instance.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        return prepare()
    work = Path(tempfile.mkdtemp(prefix="imio-bench-cpsv-ap-"))
    try:
        results, published = run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    baseline = results["procedures folder page (baseline)"][0]
    print(
        f"\nCPSV-AP exports, {published} published procedures, "
        f"median of {args.requests} requests, no cache"
    )
    print(f"{'answer':36} {'ms':>8} {'ratio':>7} {'KB':>8}")
    for name, (median, size) in results.items():
        print(f"{name:36} {median:8.1f} {median / baseline:7.2f} {size / 1024:8.1f}")


if __name__ == "__main__":
    main()
