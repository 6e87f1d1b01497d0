"""Lighthouse audits of the demo commune, on mobile and desktop (`make lighthouse`).

Creates the demo commune in a throwaway data directory as `make start` does,
serves it with the instance's WSGI pipeline on a free port of 127.0.0.1, runs
the pinned npm `lighthouse` on Debian's Chromium against the home page, a
procedure page and an e-guichet form, prints the four category scores and
writes the JSON reports under var/lighthouse/. The instance is stopped at the
end by its process id.
"""

from imio.commune.cluster.cluster import instance_environment
from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import http_status
from imio.commune.cluster.processes import ManagedProcess
from imio.commune.cluster.processes import wsgi_instance
from pathlib import Path

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile


HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
BIN = Path(sys.executable).parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
PAGES = {
    "home": "",
    "procedure": "/demarches/domiciliation",
    "form": "/e-guichet/signalement-voirie",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run"


def serve_demo(var: Path) -> tuple[ManagedProcess, str]:
    env = instance_environment(var)
    subprocess.run(
        [str(BIN / "imio-commune"), "deploy", str(PROJECT / "profiles/demo.yaml")],
        env=env,
        check=True,
        capture_output=True,
        timeout=900,
    )
    port = free_port()
    process = wsgi_instance("demo instance", port, var / "log", env).start()
    # Plone leaves 127.0.0.1 unthemed by default; citizens see a host name.
    url = f"http://localhost:{port}/demo"
    process.wait_until(lambda: http_status(url) == 200)
    return process, url


def audit(url: str, form_factor: str, report: Path) -> dict:
    args = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    if form_factor == "desktop":
        args.append("--preset=desktop")
    env = {
        **os.environ,
        "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
    }
    subprocess.run(args, env=env, check=True, timeout=600)
    result = json.loads(report.read_text())
    return {
        name: round(100 * (result["categories"][name]["score"] or 0))
        for name in CATEGORIES
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(PROJECT / "var" / "lighthouse"))
    options = parser.parse_args(argv)
    output = Path(options.output)
    output.mkdir(parents=True, exist_ok=True)
    var = Path(tempfile.mkdtemp(prefix="imio-lighthouse-"))
    process = None
    rows = []
    try:
        process, site = serve_demo(var)
        # One request first, so that the audits do not time the first render.
        for path in PAGES.values():
            http_status(site + path, timeout=120)
        for page, path in PAGES.items():
            for form_factor in ("mobile", "desktop"):
                report = output / f"{page}-{form_factor}.json"
                rows.append((
                    page,
                    form_factor,
                    audit(site + path, form_factor, report),
                ))
    finally:
        if process is not None:
            process.stop()
        shutil.rmtree(var, ignore_errors=True)
    print(f"{'page':<10} {'device':<8} " + " ".join(f"{c:>14}" for c in CATEGORIES))
    for page, form_factor, scores in rows:
        print(
            f"{page:<10} {form_factor:<8} "
            + " ".join(f"{scores[c]:>14}" for c in CATEGORIES)
        )
    print(f"JSON reports: {output}")


if __name__ == "__main__":
    main()
