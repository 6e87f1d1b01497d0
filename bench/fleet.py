"""Deploying every Walloon commune into one FileStorage, then serving them.

Writes the 261 profiles with `new-profile`'s logic, deploys them with
`imio-commune deploy` into a throwaway FileStorage, and prints the time, the
database size, and the time of a no-op redeploy per site. Then one instance
(instance/etc/zope.ini, as `make start` serves it) serves every site's home
page once, and the resident memory of its process is printed before and
after, with the ZODB cache settings it ran with (docs/operators/fleet.md).
Long: run it with `make bench-fleet`, not in CI.

    .venv/bin/python bench/fleet.py [--limit N]
"""

from imio.belgium import walloon_communes
from imio.commune.cli.new_profile import profile_for
from imio.commune.cluster.cluster import instance_environment
from imio.commune.cluster.processes import BIN
from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import healthy
from imio.commune.cluster.processes import wsgi_instance
from imio.commune.cluster.processes import PROJECT
from pathlib import Path

import argparse
import json
import re
import requests
import shutil
import statistics
import subprocess
import tempfile
import time
import yaml


def size_of(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def deploy(env: dict, profiles: list[Path]) -> tuple[float, list[dict]]:
    started = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "imio-commune"), "--json", "deploy", *map(str, profiles)],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode not in (0, 1):  # 1: some sites failed, listed below
        raise RuntimeError(result.stderr or result.stdout)
    return time.perf_counter() - started, json.loads(result.stdout)


def memory(pid: int) -> dict[str, int]:
    """Resident memory of a process now (VmRSS) and at its peak (VmHWM), bytes."""
    status = Path(f"/proc/{pid}/status").read_text()
    return {
        key: int(re.search(rf"^{key}:\s+(\d+) kB", status, re.M).group(1)) * 1024
        for key in ("VmRSS", "VmHWM")
    }


def cache_settings() -> dict[str, str]:
    """The ZODB and waitress settings the instance runs with."""
    storage = (PROJECT / "instance/etc/storage/filestorage.conf").read_text()
    wsgi = (PROJECT / "instance/etc/zope.ini").read_text()
    return {
        "cache-size": re.search(r"cache-size (\S+)", storage).group(1),
        "threads": re.search(r"threads = (\d+)", wsgi).group(1),
    }


def serve_home_pages(var: Path, env: dict, site_ids: list[str]) -> dict:
    """One instance serves every site's home page once: memory and times."""
    port = free_port()
    process = wsgi_instance("fleet instance", port, var / "log", env).start()
    try:
        process.wait_until(
            healthy(port),
            timeout=600,
        )
        started = memory(process.pid)
        session = requests.Session()
        statuses, times = [], []
        for site_id in site_ids:
            before = time.perf_counter()
            response = session.get(f"http://localhost:{port}/{site_id}", timeout=300)
            times.append(time.perf_counter() - before)
            statuses.append(response.status_code)
        served = memory(process.pid)
    finally:
        process.stop()
    return {
        "started": started,
        "served": served,
        "ok": statuses.count(200),
        "times": times,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="imio-bench-fleet-"))
    try:
        env = instance_environment(var, "filestorage")
        profiles = []
        for commune in walloon_communes()[: args.limit]:
            answers, _ = profile_for(commune.refnis)
            path = var / f"{answers['site_id']}.yaml"
            path.write_text(yaml.safe_dump(answers, allow_unicode=True))
            profiles.append(path)
        total, created = deploy(env, profiles)
        failed = [row for row in created if row["résultat"] != "créé"]
        database = size_of(var / "filestorage") + size_of(var / "blobstorage")
        again_total, again = deploy(env, profiles)
        noop = [row["secondes"] for row in again if row["résultat"] == "inchangé"]
        site_ids = [row["site"] for row in created if row["résultat"] == "créé"]
        served = serve_home_pages(var, env, site_ids)
    finally:
        shutil.rmtree(var, ignore_errors=True)
    print(f"\nDeploying {len(profiles)} Walloon communes into one FileStorage")
    per_site = total / len(profiles)
    print(f"  creation, whole run     : {total:8.1f} s ({per_site:.2f} s per site)")
    print(f"  sites not created       : {len(failed)}")
    for row in failed:
        print(f"    {row['site']}: {row['résultat']}")
    print(f"  database and blobs      : {database / 2**20:8.1f} MiB")
    print(f"  no-op redeploy, run     : {again_total:8.1f} s")
    print(
        f"  no-op redeploy per site : {statistics.median(noop):8.4f} s (median), "
        f"{max(noop):.4f} s (max), {len(noop)} unchanged"
    )
    settings = cache_settings()
    gib = 2**30
    print(
        f"\nOne instance serving every home page once (ZODB cache-size "
        f"{settings['cache-size']} objects per connection, "
        f"{settings['threads']} threads)"
    )
    print(f"  home pages answered 200 : {served['ok']} of {len(site_ids)}")
    print(
        f"  first view of a home    : {statistics.median(served['times']):8.2f} s "
        f"(median), {max(served['times']):.2f} s (max)"
    )
    print(f"  resident, started       : {served['started']['VmRSS'] / gib:8.2f} GiB")
    print(f"  resident, all served    : {served['served']['VmRSS'] / gib:8.2f} GiB")
    print(f"  resident, peak          : {served['served']['VmHWM'] / gib:8.2f} GiB")


if __name__ == "__main__":
    main()
