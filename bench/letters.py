"""Decision letters: the time to produce one per case, next to weasyprint alone.

The demo commune is deployed into a FileStorage of its own. In one process
with the instance's configuration, cases are created on one of its library
forms; then, in turn after a warm-up, each case's refusal letter is produced
as agents produce it (``store_letter``: the form's template, the commune's
letterhead with its logo, the PDF/A-3b, kept on the case), and weasyprint
renders a plain one-page HTML letter (no letterhead, no template, plain PDF)
as the baseline. Median of each and their ratio are printed; nothing is
committed.

    .venv/bin/python bench/letters.py [--cases 50] [--form ID]
"""

from home_page import deploy_demo
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


SITE = "demo"
FOLDER = "e-guichet"
FORM = "extrait-acte"
WARM_UP = 3
OURS = "decision letter (store_letter, PDF/A-3b)"
PLAIN = "weasyprint, a plain one-page HTML"
MOTIVATION = "L'acte demandé n'a pas été dressé dans notre commune."
PLAIN_HTML = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<style>@page {{ size: A4; margin: 2cm; }} body {{ font-family: sans-serif; }}</style>
</head><body><p>Commune de Namur</p><p>Marie Dupont</p><p>Référence : {number}</p>
<p>Votre demande a été refusée.</p><p>{motivation}</p></body></html>"""


def cases(form_id: str, count: int):
    """``count`` cases of the form, as citizens' submissions make them."""
    from AccessControl.SecurityManagement import newSecurityManager
    from collective.easyform.api import get_schema
    from imio.commune.cli.zope_app import open_app
    from imio.eguichet.cases import create_case
    from plone import api
    from Testing.makerequest import makerequest
    from zope.component.hooks import setSite
    from zope.globalrequest import setRequest

    app = makerequest(open_app(PROJECT / "instance" / "etc" / "zope.conf"))
    setRequest(app.REQUEST)
    site = app[SITE]
    setSite(site)
    admin = app.acl_users.getUserById("admin") or site.acl_users.getUserById("admin")
    if admin is not None:
        newSecurityManager(None, admin)
    # One process sends them all: the limit per address has its own tests.
    api.portal.set_registry_record("imio.eguichet.submissions_per_hour_per_ip", 0)
    form = site[FOLDER][form_id]
    schema = get_schema(form)
    answers = {
        "lastname": "Dupont",
        "firstname": "Marie",
        "email": "marie.dupont@example.org",
    }
    made = []
    for _ in range(count):
        case, _code = create_case(form, schema, dict(answers))
        case.applicant_name = "Marie Dupont"
        made.append(case)
    return made


def measure(form_id: str, count: int) -> None:
    """Inside the instance's configuration: medians of both, as JSON."""
    from imio.eguichet.letters import render_pdf
    from imio.eguichet.letters import store_letter

    import transaction

    made = cases(form_id, count + WARM_UP)
    for case in made[:WARM_UP]:
        store_letter(case, "refuse", MOTIVATION)
        render_pdf(PLAIN_HTML.format(number=case.getId(), motivation=MOTIVATION))
    times = {OURS: [], PLAIN: []}
    sizes = {OURS: 0, PLAIN: 0}
    for case in made[WARM_UP:]:
        started = time.perf_counter()
        letter = store_letter(case, "refuse", MOTIVATION)
        times[OURS].append(time.perf_counter() - started)
        sizes[OURS] = letter.getSize()
        html = PLAIN_HTML.format(number=case.getId(), motivation=MOTIVATION)
        started = time.perf_counter()
        sizes[PLAIN] = len(_plain_pdf(html))
        times[PLAIN].append(time.perf_counter() - started)
    transaction.abort()
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    print(json.dumps({"medians": medians, "sizes": sizes}))


def _plain_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def run(args, work: Path) -> dict:
    env = deploy_demo(work)
    command = [
        sys.executable,
        __file__,
        "--inside",
        "--form",
        args.form,
        "--cases",
        str(args.cases),
    ]
    measured = subprocess.run(command, env=env, capture_output=True, text=True)
    if measured.returncode:
        raise RuntimeError(f"measure: {measured.stderr[-3000:]}")
    return json.loads(measured.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--form", default=FORM)
    parser.add_argument("--inside", action="store_true")
    args = parser.parse_args()
    if args.inside:
        return measure(args.form, args.cases)
    work = Path(tempfile.mkdtemp(prefix="imio-bench-letters-"))
    try:
        results = run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    medians, sizes = results["medians"], results["sizes"]
    baseline = medians[PLAIN]
    print(f"\nDecision letters on {args.form!r}, median over {args.cases} cases")
    print(f"{'rendering':44} {'ms':>8} {'ratio':>7} {'kB':>7}")
    for name in (PLAIN, OURS):
        median = medians[name]
        print(
            f"{name:44} {median:8.1f} {median / baseline:7.2f} "
            f"{sizes[name] / 1000:7.1f}"
        )


if __name__ == "__main__":
    main()
