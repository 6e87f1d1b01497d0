"""Anonymous page throughput on RelStorage with 1, 2 and 4 instances.

Each setup serves the demo commune; wrk loads its home page over loopback
through HAProxy. The baseline, measured in the same run, is one instance on
the embedded FileStorage. Also printed: the share of anonymous requests that
plone.app.caching answers from its RAM cache, and the share of conditional
requests answered 304.

With one instance, Varnish in front of HAProxy (the cluster's public port):
the cached home page next to nginx (Debian's package) serving the same bytes
from a file, in the same run; an uncached request (a citizen's session
cookie: passed to the instance) next to the instance alone; and how long an
edit takes to be seen through Varnish (purge-to-visible).

    .venv/bin/python bench/scaleout.py [--seconds 15] [--connections 16]
"""

from imio.commune.cluster.cluster import Cluster
from imio.commune.cluster.cluster import instance_environment
from imio.commune.cluster.processes import BIN
from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import http_status
from imio.commune.cluster.processes import ManagedProcess
from imio.commune.cluster.processes import wsgi_instance
from imio.commune.cluster.processes import PROJECT
from pathlib import Path

import argparse
import os
import pwd
import re
import shutil
import statistics
import subprocess
import tempfile
import time


DEMO = PROJECT / "profiles" / "demo.yaml"


def wrk(url: str, seconds: int, connections: int, *headers: str) -> float:
    """Requests per second that wrk reaches on url."""
    result = subprocess.run(
        [
            "wrk",
            f"-t{min(connections, 4)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            *(argument for header in headers for argument in ("-H", header)),
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
    instance = wsgi_instance("filestorage", port, var / "log", env).start()
    url = f"http://127.0.0.1:{port}/demo"
    try:
        instance.wait_until(lambda: http_status(url) == 200)
        warm_up(url)
        return wrk(url, seconds, connections)
    finally:
        instance.stop()


GZIP = "Accept-Encoding: gzip"
NGINX = """\
{user}worker_processes auto;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        default_type text/html;
        location = /plain {{ try_files /index.html =404; }}
        location = /gzip {{
            add_header Content-Encoding gzip;
            add_header Vary Accept-Encoding;
            try_files /index.html.gz =404;
        }}
    }}
}}
"""


def nginx_rates(
    work: Path, plain: bytes, compressed: bytes, seconds: int, connections: int
) -> tuple[float, float]:
    """Requests per second of Debian's nginx serving the bytes from files."""
    root = work / "nginx"
    (root / "www").mkdir(parents=True)
    (root / "tmp").mkdir()
    (root / "www" / "index.html").write_bytes(plain)
    (root / "www" / "index.html.gz").write_bytes(compressed)
    # As root, nginx's workers would run as nobody, who cannot read here.
    user = pwd.getpwuid(os.geteuid()).pw_name
    port = free_port()
    config = root / "nginx.conf"
    config.write_text(
        NGINX.format(
            user=f"user {user};\n" if os.geteuid() == 0 else "", root=root, port=port
        )
    )
    nginx = ManagedProcess(
        "nginx",
        ["/usr/sbin/nginx", "-c", str(config), "-p", str(root)],
        dict(os.environ),
        root / "console.log",
    ).start()
    url = f"http://127.0.0.1:{port}"
    try:
        nginx.wait_until(lambda: http_status(f"{url}/plain") == 200)
        return (
            wrk(f"{url}/gzip", seconds, connections, GZIP),
            wrk(f"{url}/plain", seconds, connections),
        )
    finally:
        nginx.stop()


def purge_to_visible(cluster: Cluster, edits: int = 10) -> list[float]:
    """Seconds from an edit's answer until Varnish serves the new title."""
    import requests

    admin = requests.Session()
    admin.auth = ("admin", cluster.admin_password)
    admin.headers["Accept"] = "application/json"
    direct = f"http://127.0.0.1:{cluster.instance_ports[0]}/demo/++api++/actualites"
    created = admin.post(
        direct,
        json={"@type": "News Item", "title": "Travaux place d'Armes 0"},
        timeout=60,
    ).json()
    item = f"{direct}/{created['id']}"
    admin.post(f"{item}/@workflow/publish", timeout=60).raise_for_status()
    page = f"http://127.0.0.1:{cluster.port}/demo/actualites/{created['id']}"
    delays = []
    for number in range(1, edits + 1):
        for _ in range(2):  # now in Varnish's cache
            requests.get(page, timeout=60)
        title = f"Travaux place d'Armes {number}"
        admin.patch(item, json={"title": title}, timeout=60).raise_for_status()
        edited = time.monotonic()
        while title not in requests.get(page, timeout=60).text:
            if time.monotonic() - edited > 30:
                raise RuntimeError(f"{title} toujours invisible après 30 s")
            time.sleep(0.01)
        delays.append(time.monotonic() - edited)
    return delays


def caching_proxy(cluster: Cluster, work: Path, seconds: int, connections: int):
    """Varnish next to nginx (cached) and to the instance alone (uncached)."""
    import requests

    public = f"http://127.0.0.1:{cluster.port}/demo"
    direct = f"http://127.0.0.1:{cluster.instance_ports[0]}/demo"
    warm_up(public)
    # What browsers get (gzip), and what a client without gzip gets.
    with requests.get(
        public, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=60
    ) as response:
        compressed = response.raw.read(decode_content=False)
    identity = {"Accept-Encoding": "identity"}
    plain = requests.get(public, headers=identity, timeout=60).content
    cached = wrk(public, seconds, connections, GZIP)
    cached_plain = wrk(public, seconds, connections)
    static, static_plain = nginx_rates(work, plain, compressed, seconds, connections)
    # A citizen's session cookie: Varnish passes the request to the instance.
    session = "Cookie: __ac_citizen=bench"
    warm_up(direct)
    alone = wrk(direct, seconds, connections, session)
    passed = wrk(public, seconds, connections, session)
    return {
        "page_bytes": len(plain),
        "gzip_bytes": len(compressed),
        "varnish_cached": cached,
        "nginx_file": static,
        "varnish_cached_plain": cached_plain,
        "nginx_file_plain": static_plain,
        "instance_alone": alone,
        "varnish_uncached": passed,
        "purge_to_visible": purge_to_visible(cluster),
    }


def relstorage_cluster(work: Path, instances: int, seconds: int, connections: int):
    cluster = Cluster(
        var=work / f"relstorage-{instances}",
        storage="relstorage",
        instances=instances,
        port=free_port(),
    ).start(DEMO)
    # HAProxy itself, behind Varnish: what the instances serve.
    url = f"http://127.0.0.1:{cluster.balancer_port}/demo"
    try:
        warm_up(url)
        rate = wrk(url, seconds, connections)
        hit_rates = cache_hit_rates(url) if instances == 1 else None
        proxy = None
        if instances == 1:
            proxy = caching_proxy(cluster, work, seconds, connections)
        return rate, hit_rates, proxy
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
        hit_rates = proxy = None
        for count in (1, 2, 4):
            rate, rates, measured = relstorage_cluster(
                work, count, args.seconds, args.connections
            )
            hit_rates = hit_rates or rates
            proxy = proxy or measured
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
    print_proxy(proxy, args.connections)


def print_proxy(proxy: dict, connections: int) -> None:
    print(
        f"\nVarnish in front of HAProxy and 1 instance, home page of "
        f"{proxy['page_bytes'] / 1024:.0f} KiB ({proxy['gzip_bytes'] / 1024:.0f} KiB "
        f"gzipped), wrk {connections} connections"
    )
    print(f"{'setup':42} {'req/s':>8} {'ratio':>7}")
    for name, rate, base in (
        ("nginx, the same gzip bytes from a file", proxy["nginx_file"], None),
        ("Varnish, cached, gzip", proxy["varnish_cached"], proxy["nginx_file"]),
        ("nginx, the same bytes from a file", proxy["nginx_file_plain"], None),
        (
            "Varnish, cached, without gzip",
            proxy["varnish_cached_plain"],
            proxy["nginx_file_plain"],
        ),
        ("instance alone, session cookie", proxy["instance_alone"], None),
        (
            "Varnish, session cookie (passed)",
            proxy["varnish_uncached"],
            proxy["instance_alone"],
        ),
    ):
        print(f"{name:42} {rate:8.1f} {rate / (base or rate):7.2f}")
    delays = proxy["purge_to_visible"]
    print(
        f"Edit visible through Varnish after: median "
        f"{statistics.median(delays) * 1000:.0f} ms, "
        f"max {max(delays) * 1000:.0f} ms ({len(delays)} edits)"
    )


if __name__ == "__main__":
    main()
