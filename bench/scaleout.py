"""Anonymous page throughput on RelStorage with 1, 2 and 4 instances.

Each setup serves the demo commune; wrk loads its home page over loopback
through HAProxy. The baseline, measured in the same run, is one instance on
the embedded FileStorage. Also printed: the share of anonymous requests that
plone.app.caching answers from its RAM cache, and the share of conditional
requests answered 304.

    .venv/bin/python bench/scaleout.py [--seconds 15] [--connections 16]
"""

from imio.commune.cluster.cluster import Cluster
from imio.commune.cluster.cluster import instance_environment
from imio.commune.cluster.processes import BIN
from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import http_status
from imio.commune.cluster.processes import ManagedProcess
from imio.commune.cluster.processes import PROJECT
from pathlib import Path

import argparse
import re
import shutil
import subprocess
import tempfile


DEMO = PROJECT / "profiles" / "demo.yaml"


def wrk(url: str, seconds: int, connections: int) -> float:
    """Requests per second that wrk reaches on url."""
    result = subprocess.run(
        [
            "wrk",
            f"-t{min(connections, 4)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if errors:
        raise RuntimeError(f"{errors.group(1)} erreurs pendant la mesure de {url}")
    if "Socket errors" in result.stdout:
        raise RuntimeError(f"erreurs de connexion pendant la mesure de {url}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def warm_up(url: str) -> None:
    """Fill the instances' caches as a first visitor would, one at a time."""
    import requests

    for _ in range(20):
        requests.get(url, timeout=60)


def cache_hit_rates(url: str, requests_count: int = 200) -> tuple[float, float]:
    """Share of RAM-cache answers, and of 304 answers to conditional requests."""
    import requests

    ram_hits = revalidated = 0
    etag = requests.get(url, timeout=30).headers.get("ETag")
    for _ in range(requests_count):
        response = requests.get(url, timeout=30)
        ram_hits += "X-RAMCache" in response.headers
        conditional = requests.get(url, headers={"If-None-Match": etag}, timeout=30)
        revalidated += conditional.status_code == 304
    return ram_hits / requests_count, revalidated / requests_count


def filestorage_baseline(work: Path, seconds: int, connections: int) -> float:
    var = work / "filestorage"
    env = instance_environment(var, "filestorage")
    subprocess.run(
        [str(BIN / "imio-commune"), "--json", "deploy", str(DEMO)],
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    instance = ManagedProcess(
        "filestorage",
        [
            str(BIN / "runwsgi"),
            str(PROJECT / "instance/etc/zope.ini"),
            "http_host=127.0.0.1",
            f"http_port={port}",
            f"logdir={var / 'log'}",
        ],
        env,
        var / "log" / "console.log",
    ).start()
    url = f"http://127.0.0.1:{port}/demo"
    try:
        instance.wait_until(lambda: http_status(url) == 200)
        warm_up(url)
        return wrk(url, seconds, connections)
    finally:
        instance.stop()


def relstorage_cluster(work: Path, instances: int, seconds: int, connections: int):
    cluster = Cluster(
        var=work / f"relstorage-{instances}",
        storage="relstorage",
        instances=instances,
        port=free_port(),
    ).start(DEMO)
    url = f"http://127.0.0.1:{cluster.port}/demo"
    try:
        warm_up(url)
        rate = wrk(url, seconds, connections)
        hit_rates = cache_hit_rates(url) if instances == 1 else None
        return rate, hit_rates
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="imio-bench-"))
    try:
        baseline = filestorage_baseline(work, args.seconds, args.connections)
        rows = [("FileStorage, 1 instance (baseline)", baseline)]
        hit_rates = None
        for count in (1, 2, 4):
            rate, rates = relstorage_cluster(
                work, count, args.seconds, args.connections
            )
            hit_rates = hit_rates or rates
            rows.append((f"RelStorage, {count} instance(s) + HAProxy", rate))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"\nAnonymous GET /demo, wrk {args.connections} connections, {args.seconds} s"
    )
    print(f"{'setup':42} {'req/s':>8} {'ratio':>7}")
    for name, rate in rows:
        print(f"{name:42} {rate:8.1f} {rate / baseline:7.2f}")
    ram, revalidated = hit_rates
    print(f"\nRAM cache hits on anonymous pages: {ram:.0%}")
    print(f"Conditional requests answered 304: {revalidated:.0%}")


if __name__ == "__main__":
    main()
