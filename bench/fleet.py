"""Deploying every Walloon commune into one FileStorage, then redeploying.

Writes the 261 profiles with `new-profile`'s logic, deploys them with
`imio-commune deploy` into a throwaway FileStorage, and prints the time, the
database size, and the time of a no-op redeploy per site. Long: run it with
`make bench-fleet`, not in CI.

    .venv/bin/python bench/fleet.py [--limit N]
"""

from imio.belgium import walloon_communes
from imio.commune.cli.new_profile import profile_for
from imio.commune.cluster.cluster import instance_environment
from imio.commune.cluster.processes import BIN
from pathlib import Path

import argparse
import json
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


if __name__ == "__main__":
    main()
