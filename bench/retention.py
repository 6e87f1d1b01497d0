"""The retention job over 100,000 cases on one site.

The demo commune is deployed into a throwaway FileStorage, then ``--cases``
cases of one of its library forms are built directly in the site's cases
folder (as the form's action stores them, without HTTP), committed in
batches: ten answers, two messages and an internal note each, all closed,
``--due`` of them longer ago than the form's retention period. Then
``imio-commune retention`` runs in its own process, as the nightly timer runs
it: first ``--dry-run`` (finding the cases due), then for real.

Printed: the job's total time (goal: under 10 minutes) and its longest
transaction (goal: under 10 s), and the cases anonymised.

    .venv/bin/python bench/retention.py [--cases 100000] [--due 80000]
"""

from imio.commune.cluster.cluster import instance_environment
from imio.commune.cluster.processes import BIN
from imio.commune.cluster.processes import PROJECT
from pathlib import Path

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time


DEMO = PROJECT / "profiles" / "demo.yaml"
SITE = "demo"
COMMIT_EVERY = 2000
WORKFLOW = "imio_case_workflow"
ANSWERS = {
    "fullname": "Marie Dupont",
    "email": "marie.dupont@example.org",
    "national_number": "85.07.30-033.61",
    "street": "Rue de Fer 42",
    "postcode": "5000",
    "city": "Namur",
    "phone": "+32 81 24 60 00",
    "birth_date": "1985-07-30",
    "reason": "Inscription à l'école",
    "copies": 1,
}


def populate(cases: int, due: int) -> None:
    """Inside the instance: ``cases`` closed cases, ``due`` of them long ago."""
    from DateTime import DateTime
    from imio.commune.cli.zope_app import open_app
    from imio.eguichet.behaviors import IEguichetForm
    from imio.eguichet.content.case_folder.content import get_cases_folder
    from imio.eguichet.reference import new_reference
    from persistent.mapping import PersistentMapping
    from plone import api
    from plone.dexterity.utils import createContent
    from zope.component.hooks import setSite

    import transaction

    app = open_app(PROJECT / "instance" / "etc" / "zope.conf")
    site = app[SITE]
    setSite(site)
    catalog = site.portal_catalog
    form = next(
        brain.getObject()
        for brain in catalog.unrestrictedSearchResults(portal_type="EasyForm")
        if getattr(IEguichetForm(brain.getObject(), None), "retention_months", None)
    )
    months = IEguichetForm(form).retention_months
    folder = get_cases_folder(site)
    now = DateTime()
    long_ago = now - (months + 2) * 31
    recently = now - 10
    for number in range(cases):
        reference = new_reference()
        while reference in folder:
            reference = new_reference()
        case = createContent(
            "Case",
            form_uid=api.content.get_uuid(form),
            form_title=form.Title(),
            values=dict(ANSWERS),
            labels={key: key for key in ANSWERS},
            attachments={},
            applicant_id=None,
            applicant_email=ANSWERS["email"],
            applicant_name=ANSWERS["fullname"],
            service="etat_civil",
            messages=[
                {"date": "2024-01-02T10:00:00+01:00", "text": "Bonjour", "files": []},
                {"date": "2024-01-03T10:00:00+01:00", "text": "Merci", "files": []},
            ],
            internal_notes=[{"date": "2024-01-02", "text": "Vu au guichet"}],
        )
        case.id = reference
        folder._setObject(reference, case, suppress_events=True)
        case = folder[reference]
        closed = long_ago if number < due else recently
        case.workflow_history = PersistentMapping()
        case.workflow_history[WORKFLOW] = (
            {
                "action": None,
                "review_state": "submitted",
                "actor": "admin",
                "comments": "",
                "time": closed - 20,
            },
            {
                "action": "close",
                "review_state": "closed",
                "actor": "admin",
                "comments": "Dossier complet, Marie Dupont",
                "time": closed,
            },
        )
        catalog.catalog_object(case, "/".join(case.getPhysicalPath()))
        if (number + 1) % COMMIT_EVERY == 0:
            transaction.commit()
            print(f"{number + 1} demandes", file=sys.stderr, flush=True)
            app._p_jar.cacheMinimize()
    transaction.commit()
    app._p_jar.close()


def job(env: dict, *args: str) -> tuple[float, list]:
    started = time.monotonic()
    done = subprocess.run(
        [str(BIN / "imio-commune"), "--json", "retention", *args, SITE],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"imio-commune retention: {done.stdout} {done.stderr}")
    return time.monotonic() - started, json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=80_000)
    parser.add_argument("--populate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.populate:
        populate(args.cases, args.due)
        return 0
    var = Path(tempfile.mkdtemp(prefix="imio-bench-retention-"))
    try:
        env = instance_environment(var)
        started = time.monotonic()
        subprocess.run(
            [str(BIN / "imio-commune"), "--json", "deploy", str(DEMO)],
            env=env,
            capture_output=True,
            check=True,
        )
        print(f"Site déployé en {time.monotonic() - started:.0f} s", flush=True)
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--populate",
                f"--cases={args.cases}",
                f"--due={args.due}",
            ],
            env=env,
            check=True,
        )
        print(
            f"{args.cases} demandes créées en {time.monotonic() - started:.0f} s",
            flush=True,
        )
        dry_seconds, dry_rows = job(env, "--dry-run")
        seconds, rows = job(env)
        total = rows[-1]
        print(
            f"Essai à blanc (--dry-run) : {dry_seconds:.1f} s, "
            f"{dry_rows[-1]['dues']} dues"
        )
        print(
            f"Tâche de conservation : {seconds:.1f} s au total (objectif : < 600 s), "
            f"{total['anonymisées']} demandes anonymisées"
        )
        print(
            "Plus longue transaction : "
            f"{total['plus longue transaction (s)']:.2f} s (objectif : < 10 s)"
        )
        print(json.dumps(rows, ensure_ascii=False))
        return 0 if seconds < 600 and total["plus longue transaction (s)"] < 10 else 1
    finally:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
