"""Creating a commune site next to creating a stock Plone 6.2 classic site.

Both are created by plone.distribution in the same process, on the same
throwaway FileStorage: the commune site with the `commune` distribution and
a profile written by `imio-commune new-profile`, the stock site with Plone's
`classic` distribution (without example content). Also measured: a no-op
redeploy of the commune site, the operation a fleet-wide deploy repeats for
every unchanged commune.

    .venv/bin/python bench/site_creation.py [--rounds 5]
"""

from imio.commune.answers import complete_answers
from imio.commune.cli.deploy import update_site
from imio.commune.cli.new_profile import profile_for
from imio.commune.cli.zope_app import open_app
from imio.commune.cluster.cluster import instance_environment
from imio.commune.cluster.processes import PROJECT
from pathlib import Path

import argparse
import logging
import os
import shutil
import statistics
import tempfile
import time
import transaction


COMMUNES = ["92054", "92094", "63023", "57081", "25072", "85047", "62063"]


def timed(work) -> float:
    started = time.perf_counter()
    work()
    transaction.commit()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    var = Path(tempfile.mkdtemp(prefix="imio-bench-sites-"))
    os.environ.update(instance_environment(var, "filestorage"))
    try:
        app = open_app(PROJECT / "instance" / "etc" / "zope.conf")
        from plone.distribution.api import site as site_api

        stock, commune, noop = [], [], []
        for number in range(args.rounds):
            stock_answers = {
                "site_id": f"stock{number}",
                "title": "Plone",
                "default_language": "fr",
                "portal_timezone": "Europe/Brussels",
                "setup_content": False,
            }
            stock.append(
                timed(lambda a=stock_answers: site_api._create_site(app, "classic", a))
            )
            answers, _ = profile_for(COMMUNES[number % len(COMMUNES)])
            answers = complete_answers({**answers, "site_id": f"commune{number}"})
            commune.append(
                timed(lambda a=answers: site_api._create_site(app, "commune", a))
            )
            site = app[answers["site_id"]]
            noop.append(timed(lambda s=site, a=answers: update_site(s, a)))
        app._p_jar.close()
    finally:
        shutil.rmtree(var, ignore_errors=True)
    stock_median = statistics.median(stock)
    commune_median = statistics.median(commune)
    print(f"\nSite creation, median of {args.rounds} (seconds)")
    print(f"{'':34} {'seconds':>8} {'ratio':>7}")
    print(f"{'stock Plone 6.2 (classic)':34} {stock_median:8.2f} {1:7.2f}")
    print(
        f"{'commune (imio.commune)':34} {commune_median:8.2f} "
        f"{commune_median / stock_median:7.2f}"
    )
    print(f"{'no-op redeploy of a commune':34} {statistics.median(noop):8.4f}")


if __name__ == "__main__":
    main()
