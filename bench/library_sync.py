"""Syncing a fleet of communes with the procedure library, over HTTP.

A library site (profiles/bibliotheque.yaml) holding 150 sheets in French and
in German (the shipped sheets, then variants of them under other keys) is
served by a real instance on 127.0.0.1, from its own FileStorage. N bare
commune sites (261 by default: every Walloon commune, as `fleet.py` deploys
them) subscribed to it (`library: {url, sheets: all}`) live in another
FileStorage, with one more commune that is not subscribed: the baseline.
Measured, with `imio-commune sync` as an operator runs it:

- the first sync of the fleet (every commune creates its 150 copies): the
  whole run and per commune; next to the baseline commune writing the same
  150 sheets itself (plain procedures, the same texts, one transaction);
- the database growth per commune with its copies, next to the baseline's
  growth with its plain procedures: the ratio;
- one sheet changed in the library (both languages), then the incremental
  sync of the whole fleet (goal: under 60 s for 261 communes), and a sync
  with nothing new (one 304 per commune).

    .venv/bin/python bench/library_sync.py [--communes N] [--sheets 150]
"""

from imio.belgium import walloon_communes
from imio.commune.cli.new_profile import profile_for
from imio.commune.cluster.cluster import instance_environment
from imio.commune.cluster.processes import BIN
from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import healthy
from imio.commune.cluster.processes import ManagedProcess
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
import urllib.parse
import urllib.request
import yaml


LIBRARY_PROFILE = PROJECT / "profiles" / "bibliotheque.yaml"
ZOPE_CONF = PROJECT / "instance" / "etc" / "zope.conf"
BASELINE = "temoin"
# The sheet changed in the library between the two syncs.
CHANGED = "carte-identite"


# Steps run in a child process, each on the database of its environment.


def step_library(count: int) -> dict:
    """The library grows to ``count`` sheets per language, published."""
    from dataclasses import replace
    from imio.commune.cli.zope_app import open_app
    from imio.commune.library.sheets import load_sheets
    from imio.commune.library.sheets import read_sheets
    from zope.component.hooks import setSite

    import transaction

    shipped = read_sheets()
    sheets = []
    for number in range(int(count)):
        base = shipped[number % len(shipped)]
        variant = number // len(shipped)
        if not variant:
            sheets.append(base)
            continue
        texts = {
            language: {
                **fields,
                "title": f"{fields['title']} ({variant + 1})",
                "sections": {
                    name: html.replace("</p>", f" ({variant + 1})</p>", 1)
                    for name, html in fields["sections"].items()
                },
            }
            for language, fields in base.texts.items()
        }
        sheets.append(replace(base, key=f"{base.key}-{variant + 1}", texts=texts))
    app = open_app(ZOPE_CONF)
    site = app["bibliotheque"]
    setSite(site)
    changes = []
    load_sheets(site, changes, sheets)
    transaction.commit()
    return {"created": len(changes), "per_language": len(site["fr"].objectIds())}


def step_change() -> dict:
    """One sheet's cost changes in both languages: one new version each."""
    from imio.commune.cli.zope_app import open_app
    from plone.app.textfield.value import RichTextValue
    from zope.component.hooks import setSite
    from zope.event import notify
    from zope.lifecycleevent import ObjectModifiedEvent

    import transaction

    app = open_app(ZOPE_CONF)
    site = app["bibliotheque"]
    setSite(site)
    versions = {}
    for language in ("fr", "de"):
        sheet = site[language][CHANGED]
        html = sheet.cost.raw + "<p>2027 : 2 €.</p>"
        sheet.cost = RichTextValue(html, "text/html", "text/x-html-safe")
        notify(ObjectModifiedEvent(sheet))
        sheet.reindexObject()
        versions[language] = sheet.library_version
    transaction.commit()
    return versions


def step_baseline(site_id: str, library: str) -> dict:
    """The baseline commune writes the library's sheets itself, as procedures."""
    from imio.commune.cli.zope_app import open_app
    from imio.commune.library.sheets import create_sheet
    from plone import api
    from zope.component.hooks import setSite

    import transaction

    app = open_app(ZOPE_CONF)
    site = app[site_id]
    setSite(site)
    language = site.Language() or "fr"
    entries, since = [], None
    while True:
        query = {"language": language, "limit": 1000}
        if since is not None:
            query["since"] = since
        url = f"{library}/@library-changes?{urllib.parse.urlencode(query)}"
        headers = {"Accept": "application/json"}
        request = urllib.request.Request(url, headers=headers)  # noqa: S310
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            page = json.load(response)
        print(url, file=sys.stderr)
        entries.extend(page["changes"])
        since = page["cursor"]
        if not page["more"]:
            break
    folder = site["demarches"]
    started = time.perf_counter()
    with api.env.adopt_roles(["Manager"]):
        for entry in entries:
            texts = {
                "title": entry["title"],
                "description": entry["description"],
                "sections": {k: v for k, v in entry["sections"].items() if v},
                "topics": entry["topics"],
                "life_events": entry["life_events"],
                "audiences": entry["audiences"],
            }
            create_sheet(folder, entry["key"], language, texts)
    transaction.commit()
    return {"seconds": time.perf_counter() - started, "procedures": len(entries)}


STEPS = {"library": step_library, "change": step_change, "baseline": step_baseline}


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


def size_of(var: Path) -> int:
    """The size of the FileStorage's Data.fs (its index and lock aside)."""
    return (var / "filestorage" / "Data.fs").stat().st_size


def cli(env: dict, *args: str) -> tuple[float, list[dict]]:
    started = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "imio-commune"), "--json", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode not in (0, 1):  # 1: some sites failed, listed below
        raise RuntimeError(result.stderr or result.stdout)
    return time.perf_counter() - started, json.loads(result.stdout)


def library_instance(var: Path, env: dict, port: int) -> ManagedProcess:
    process = wsgi_instance("library instance", port, var / "log", env).start()
    process.wait_until(
        healthy(port),
        timeout=600,
    )
    return process


def profiles_for(folder: Path, count: int, library: str) -> list[Path]:
    """The fleet's bare profiles, subscribed, and the baseline's, not subscribed."""
    communes = walloon_communes()
    paths = []
    for number in range(int(count)):
        answers, _ = profile_for(communes[number % len(communes)].refnis)
        if number >= len(communes):
            answers["site_id"] = f"{answers['site_id']}-{number}"
        answers["library"] = {"url": library, "sheets": "all"}
        paths.append(folder / f"{answers['site_id']}.yaml")
        paths[-1].write_text(yaml.safe_dump(answers, allow_unicode=True))
    answers, _ = profile_for(communes[0].refnis)
    answers["site_id"] = BASELINE
    paths.append(folder / f"{BASELINE}.yaml")
    paths[-1].write_text(yaml.safe_dump(answers, allow_unicode=True))
    return paths


def sync(env: dict) -> dict:
    total, rows = cli(env, "sync")
    seconds = [row["secondes"] for row in rows]
    results = {}
    for row in rows:
        results[row["résultat"]] = results.get(row["résultat"], 0) + 1
    return {
        "total": total,
        "rows": rows,
        "sum": sum(seconds),
        "median": statistics.median(seconds),
        "max": max(seconds),
        "results": results,
        "created": sum(row["créées"] for row in rows),
        "updated": sum(row["mises à jour"] for row in rows),
    }


def report_sync(title: str, measure: dict, communes: int) -> None:
    print(f"\n{title}")
    print(f"  whole run (Zope's start included) : {measure['total']:8.1f} s")
    print(
        f"  per commune                       : {measure['median']:8.2f} s (median), "
        f"{measure['max']:.2f} s (max), {measure['sum']:.1f} s in all"
    )
    outcomes = ", ".join(f"{n} {r}" for r, n in sorted(measure["results"].items()))
    print(f"  communes                          : {communes} ({outcomes})")
    print(
        f"  copies created / updated          : {measure['created']} / "
        f"{measure['updated']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=261)
    parser.add_argument("--sheets", type=int, default=150)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("arguments", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](*args.arguments)))
        return
    var = Path(tempfile.mkdtemp(prefix="imio-bench-library-"))
    process = None
    try:
        library_var, fleet_var = var / "library", var / "fleet"
        library_env = instance_environment(library_var, "filestorage")
        fleet_env = instance_environment(
            fleet_var, "filestorage", IMIO_LIBRARY_RETRY_SECONDS="1 1"
        )
        cli(library_env, "deploy", str(LIBRARY_PROFILE))
        grown = run_step(library_env, "library", args.sheets)
        port = free_port()
        library = f"http://127.0.0.1:{port}/bibliotheque"
        profiles_dir = var / "profiles"
        profiles_dir.mkdir()
        profiles = profiles_for(profiles_dir, args.communes, library)
        started = time.perf_counter()
        _, deployed = cli(fleet_env, "deploy", *map(str, profiles))
        deploy_seconds = time.perf_counter() - started
        not_created = [row for row in deployed if row["résultat"] != "créé"]
        process = library_instance(library_var, library_env, port)
        before = size_of(fleet_var)
        first = sync(fleet_env)
        after_first = size_of(fleet_var)
        baseline = run_step(fleet_env, "baseline", BASELINE, library)
        after_baseline = size_of(fleet_var)
        process.stop()
        process = None
        versions = run_step(library_env, "change")
        process = library_instance(library_var, library_env, port)
        incremental = sync(fleet_env)
        after_incremental = size_of(fleet_var)
        nothing_new = sync(fleet_env)
        after_nothing = size_of(fleet_var)
    finally:
        if process is not None:
            process.stop()
        shutil.rmtree(var, ignore_errors=True)
    communes = len(first["rows"])
    print(
        f"\nLibrary of {grown['per_language']} sheets per language (fr, de), "
        f"served by one instance on 127.0.0.1; {args.communes} bare communes "
        "subscribed to it in one FileStorage"
    )
    print(
        f"  deploying the communes            : {deploy_seconds:8.1f} s "
        f"({len(not_created)} not created)"
    )
    for row in not_created:
        print(f"    {row['site']}: {row['résultat']}")
    report_sync("First sync of the fleet (imio-commune sync)", first, communes)
    growth = (after_first - before) / communes
    baseline_growth = after_baseline - after_first
    per_commune = first["median"]
    print(
        f"\nOne commune's {baseline['procedures']} sheets     "
        f"{'seconds':>8} {'ratio':>6} {'database':>10} {'ratio':>6}"
    )
    print(
        f"  written by the commune (baseline)   {baseline['seconds']:8.2f} "
        f"{1:6.2f} {baseline_growth / 2**20:6.2f} MiB {1:6.2f}"
    )
    print(
        f"  copies from the library (sync)      {per_commune:8.2f} "
        f"{per_commune / baseline['seconds']:6.2f} {growth / 2**20:6.2f} MiB "
        f"{growth / baseline_growth:6.2f}"
    )
    print(
        f"  (sync: median per commune with its HTTP pull; database: growth of "
        f"Data.fs, {(after_first - before) / 2**20:.1f} MiB for the fleet)"
    )
    print(
        f"\nSheet {CHANGED} changed in the library (version {versions['fr']} in "
        "fr and de)"
    )
    report_sync("Incremental sync of the fleet", incremental, communes)
    print(
        f"  database growth                   : "
        f"{(after_incremental - after_baseline) / 2**10 / communes:8.1f} KiB per "
        "commune"
    )
    report_sync("Sync with nothing new (one 304 per commune)", nothing_new, communes)
    print(
        f"  database growth                   : "
        f"{after_nothing - after_incremental:8d} bytes"
    )


if __name__ == "__main__":
    main()
