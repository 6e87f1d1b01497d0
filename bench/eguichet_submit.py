"""Form submissions per second: an e-guichet case next to easyform's save-data.

One WSGI instance on a FileStorage serves the demo commune with two published
forms that have the same fields: one whose action creates a case (Demande),
one with collective.easyform's own "save data" action, each holding already
``--existing`` submissions (a site in use: its BTrees have grown past a few
buckets, as they have after some weeks of submissions). Eight clients post the
form as a browser does (the form's view, its fields and the submit button),
after a warm-up; the actions take turns, round after round, so that both see
the same machine. A submission counts once the citizen sees its page: the
case form answers with a redirection to its confirmation page, which the
client follows (two requests), save-data with its thank-you page (one).
Mail goes to an SMTP server on loopback.

Then a form in two steps (the library forms' "check your answers" view)
with an optional photo field: a submission is Continuer, the summary,
Envoyer and the confirmation page (three requests), once without a file and
once with a 4.4 MB phone photo (4032x3024 JPEG), which waits on the server
between the steps. Printed: the time a photo adds, as the ratio of both
throughputs, and whether every photo reached its case.

Printed per action: submissions per second and the ratio to the baseline,
the conflict errors (each one makes Zope replay the request, and its error
log notes it in the event log) and answers 5xx, and the lost submissions:
posts answered with the thank-you page whose case or save-data row is not in
the database once the instance has stopped. The conflicts are listed by the
index, lexicon or container whose BTree node two submissions both changed.

    .venv/bin/python bench/eguichet_submit.py [--submissions 200] [--rounds 2]
"""

from imio.commune.cluster.cluster import instance_environment
from imio.commune.cluster.processes import BIN
from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import http_status
from imio.commune.cluster.processes import ManagedProcess
from imio.commune.cluster.processes import PROJECT
from imio.eguichet.testing import EMAIL
from imio.eguichet.testing import FULLNAME
from imio.eguichet.testing import phone_photo
from imio.eguichet.testing import REASON
from imio.eguichet.testing import supermodel
from pathlib import Path

import argparse
import collections
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time


DEMO = PROJECT / "profiles" / "demo.yaml"
SITE = "demo"
CLIENTS = 8
SERVICE = "etat_civil"
FIELDS_MODEL = supermodel(FULLNAME, EMAIL, REASON)
# form id: (action field, action type, title, what the thank-you page shows)
FORMS = {
    "bench-case": (
        "create_case",
        "imio.eguichet.actions.CreateCase",
        "Créer une demande (imio.eguichet)",
        re.compile(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}"),
    ),
    "bench-save-data": (
        "save_data",
        "collective.easyform.actions.SaveData",
        "Enregistrer les données (collective.easyform)",
        re.compile(r"Citoyen \d+"),
    ),
}
# The form in two steps, with an optional photo, and the view that checks.
TWO_STEPS = "bench-two-steps"
TWO_STEPS_MODEL = supermodel(
    FULLNAME,
    EMAIL,
    REASON,
    ("photo", "plone.namedfile.field.NamedBlobImage", "Photo", False),
)
REFERENCE = FORMS["bench-case"][3]
# run id: (form id, title, with a photo); the first is the baseline.
TWO_STEP_RUNS = {
    "two-steps": (TWO_STEPS, "En deux étapes, sans fichier"),
    "two-steps-photo": (TWO_STEPS, "En deux étapes, photo de 4,4 Mo"),
}
PHOTO_NAME = "Nid-de-poule rue de Fer à Namur.jpg"
# Zope's error log notes each conflict that makes it replay a request.
CONFLICT = re.compile(
    r"ConflictError at \S+?/([\w-]+): .*?\(oid (0x[0-9a-f]+), class ([\w.]+)"
)
# Index values holding more documents than this are not searched for a conflict.
WALKED_VALUES = 5000


def prepare(smtp_port: int, existing: int) -> None:
    """Inside the instance's configuration: both forms, the service, the mailer.

    Then ``existing`` submissions of each form, stored as the actions store
    them, without HTTP: a site in use, whose cases container and catalog
    already hold that many cases.
    """
    from imio.commune.cli.zope_app import open_app
    from plone import api
    from zope.component.hooks import setSite

    import transaction

    app = open_app(PROJECT / "instance" / "etc" / "zope.conf")
    site = app[SITE]
    setSite(site)
    if api.group.get(groupname=SERVICE) is None:
        api.group.create(groupname=SERVICE, title="État civil")
    for form_id, (name, action, title, _shows) in FORMS.items():
        form = api.content.create(
            container=site,
            type="EasyForm",
            id=form_id,
            title="Certificat de résidence",
            fields_model=FIELDS_MODEL,
            actions_model=supermodel((name, action, title)),
        )
        form.processing_service = SERVICE
        form.delay_days = 10
        api.content.transition(form, "publish")
    form = api.content.create(
        container=site,
        type="EasyForm",
        id=TWO_STEPS,
        title="Signalement",
        fields_model=TWO_STEPS_MODEL,
        actions_model=supermodel(FORMS["bench-case"][:3]),
    )
    form.processing_service = SERVICE
    form.delay_days = 10
    form.setLayout("demande")
    api.content.transition(form, "publish")
    # Every client posts from the loopback address: no limit per address.
    api.portal.set_registry_record("imio.eguichet.submissions_per_hour_per_ip", 0)
    api.portal.set_registry_record("plone.smtp_host", "127.0.0.1")
    api.portal.set_registry_record("plone.smtp_port", smtp_port)
    site.MailHost.smtp_host = "127.0.0.1"
    site.MailHost.smtp_port = smtp_port
    transaction.commit()
    fill(site, existing)
    app._p_jar.close()


def fill(site, existing: int) -> None:
    """Submissions already received by both forms, as anonymous citizens."""
    from AccessControl.SecurityManagement import noSecurityManager
    from collective.easyform.api import get_actions
    from collective.easyform.api import get_schema
    from imio.eguichet.cases import create_case

    import transaction

    case_form = site["bench-case"]
    schema = get_schema(case_form)
    save_data = get_actions(site["bench-save-data"])["save_data"]
    noSecurityManager()
    for number in range(existing):
        values = {
            "fullname": f"Habitant {number}",
            "email": f"habitant{number}@example.org",
            "reason": "Inscription à l'école communale.",
        }
        create_case(case_form, schema, values)
        save_data.addDataRow(dict(values))
        if number % 100 == 99:
            transaction.commit()
    transaction.commit()


def btree_nodes(tree):
    """The persistent nodes of a BTree or TreeSet: inner nodes and buckets."""
    if getattr(tree, "_p_oid", None):
        yield tree
    state = tree.__getstate__() if hasattr(tree, "_firstbucket") else None
    if state and len(state) == 2:
        for child in state[0][::2]:
            yield from btree_nodes(child)


def owner_names(site) -> dict[str, str]:
    """Which catalog structure, case container or saved data owns each BTree node."""
    from imio.eguichet.content.case_folder.content import get_cases_folder
    from imio.eguichet.temporary_uploads import STORAGE_KEY
    from zope.annotation.interfaces import IAnnotations
    from zope.component import getUtility
    from zope.intid.interfaces import IIntIds

    catalog = site.portal_catalog
    holders = [("catalog", catalog._catalog)]
    holders += [(f"index {name}", index) for name, index in catalog.Indexes.items()]
    holders += [(f"lexicon {name}", item) for name, item in catalog.objectItems()]
    holders += [
        ("intids", getUtility(IIntIds)),
        ("cases folder", get_cases_folder(site)),
        ("save-data", site["bench-save-data"]._inputStorage),
        ("temporary uploads", {"tree": IAnnotations(site).get(STORAGE_KEY)}),
    ]
    names = {}
    for name, holder in holders:
        name_nodes(name, holder, 2, names)
    return names


def is_structure(value) -> bool:
    """A persistent part of an index or container, not a content item."""
    return (
        not isinstance(value, type)
        and hasattr(value, "_p_oid")
        and not hasattr(value, "portal_type")
    )


def oid_of(node) -> str:
    return hex(int.from_bytes(node._p_oid, "big"))


def name_nodes(name: str, holder, depth: int, names: dict) -> None:
    """Name the BTree nodes that holder's attributes (or items) reach."""
    if hasattr(holder, "_p_activate"):
        holder._p_activate()
    items = holder.items() if isinstance(holder, dict) else vars(holder).items()
    for attr, value in list(items):
        if hasattr(value, "_firstbucket"):
            names.update(
                dict.fromkeys(map(oid_of, btree_nodes(value)), f"{name} {attr}")
            )
            if (
                attr == "_index"
                and hasattr(value, "items")
                and len(value) < WALKED_VALUES
            ):
                for key, documents in value.items():
                    if getattr(documents, "_p_oid", None):
                        where = f"{name} _index[{key!r}]"
                        names.update(
                            dict.fromkeys(map(oid_of, btree_nodes(documents)), where)
                        )
        elif depth and (isinstance(value, dict) or is_structure(value)):
            name_nodes(f"{name} {attr}", value, depth - 1, names)


def count(oids: list[str]) -> None:
    """Print what the database holds after the run: cases and save-data rows."""
    from imio.commune.cli.zope_app import open_app
    from imio.eguichet import temporary_uploads
    from imio.eguichet.content.case_folder.content import get_cases_folder
    from plone import api
    from zope.component.hooks import setSite

    app = open_app(PROJECT / "instance" / "etc" / "zope.conf")
    site = app[SITE]
    setSite(site)
    case_form = api.content.get_uuid(site["bench-case"])
    cases = [
        case
        for case in get_cases_folder(site).objectValues()
        if case.form_uid == case_form
    ]
    indexed = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
        portal_type="Case"
    )
    rows = site["bench-save-data"]._inputStorage["save_data"]
    two_steps = api.content.get_uuid(site[TWO_STEPS])
    two_step_cases = [
        case
        for case in get_cases_folder(site).objectValues()
        if case.form_uid == two_steps
    ]
    photo = hashlib.sha256(phone_photo()).hexdigest()
    print(
        json.dumps({
            "bench-case": len(cases),
            "bench-case-indexed": len(indexed),
            "bench-save-data": len(rows),
            TWO_STEPS: len(two_step_cases),
            "photos": sum(
                hashlib.sha256(case.attachments["photo"].data).hexdigest() == photo
                for case in two_step_cases
                if "photo" in case.attachments
            ),
            "temporary-uploads": temporary_uploads.waiting_files(),
            "owners": {
                oid: name for oid, name in owner_names(site).items() if oid in oids
            },
        })
    )
    app._p_jar.close()


def bench_ini(work: Path) -> Path:
    """The instance's WSGI configuration, with an event log that keeps messages."""
    text = (PROJECT / "instance" / "etc" / "zope.ini").read_text()
    text = text.replace("%(here)s/zope.conf", str(PROJECT / "instance/etc/zope.conf"))
    # logging reads formats raw: a doubled percent sign would stay doubled,
    # and the event log would not hold the messages.
    text = re.sub(
        r"^(format|datefmt) = .*$",
        lambda line: line.group(0).replace("%%", "%"),
        text,
        flags=re.MULTILINE,
    )
    ini = work / "zope.ini"
    ini.write_text(text)
    return ini


class Mailbox:
    """aiosmtpd handler counting the messages it accepts."""

    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 Message accepted for delivery"


def citizen_email(number: int) -> str:
    """An address that sorts as far from the next citizen's as real ones do."""
    spread = hashlib.sha256(str(number).encode()).hexdigest()[:6]
    return f"{spread}.citoyen{number}@example.org"


class Client:
    """A citizen's browser: reads the form once, then posts it."""

    def __init__(self, url: str):
        import requests

        self.url = url
        self.session = requests.Session()
        page = self.session.get(url, timeout=60)
        page.raise_for_status()
        self.hidden = dict(
            re.findall(
                r'<input[^>]*name="(_authenticator)"[^>]*value="([^"]*)"', page.text
            )
        )

    def submit(self, number: int, shows: re.Pattern) -> int:
        """Post one submission; 200 when the thank-you page says it was kept."""
        data = {
            **self.hidden,
            "form.widgets.fullname": f"Citoyen {number}",
            "form.widgets.email": citizen_email(number),
            "form.widgets.reason": "Inscription à l'école communale.",
            "form.buttons.submit": "Envoyer",
        }
        response = self.session.post(self.url, data=data, timeout=300)
        if response.status_code == 200 and not shows.search(response.text):
            return 299
        return response.status_code

    def submit_in_two_steps(self, number: int, photo: bytes | None) -> int:
        """Continuer (with the photo, if any), then Envoyer on the summary."""
        data = {
            **self.hidden,
            "form.widgets.fullname": f"Citoyen {number}",
            "form.widgets.email": citizen_email(number),
            "form.widgets.reason": "Un nid-de-poule profond devant le numéro 42.",
            "form.buttons.continue": "Continuer",
        }
        files = {"form.widgets.photo": (PHOTO_NAME, photo, "image/jpeg")}
        summary = self.session.post(
            self.url, data=data, files=files if photo else None, timeout=300
        )
        if summary.status_code != 200:
            return summary.status_code
        answers = summary.text.split('class="eguichet-check-answers"', 1)[-1]
        fields = []
        for tag in re.findall(r"<input[^>]*>", answers):
            attributes = dict(re.findall(r'(\w+)="([^"]*)"', tag))
            if attributes.get("type") == "hidden":
                fields.append((attributes["name"], html.unescape(attributes["value"])))
        if photo and "form.widgets.photo.file_upload_id" not in dict(fields):
            return 298
        fields.append(("form.buttons.send", "send"))
        sent = self.session.post(self.url, data=fields, timeout=300)
        if sent.status_code == 200 and not REFERENCE.search(sent.text):
            return 299
        return sent.status_code


def run_round(base: str, run_id: str, first: int, total: int, photo=None) -> tuple:
    """Post total submissions with CLIENTS threads; seconds and status counts."""
    if run_id in TWO_STEP_RUNS:
        form_id = TWO_STEP_RUNS[run_id][0]
        with_photo = photo if run_id.endswith("-photo") else None

        def send(client, number):
            return client.submit_in_two_steps(number, with_photo)

    else:
        form_id = run_id

        def send(client, number):
            return client.submit(number, FORMS[form_id][3])

    clients = [Client(f"{base}/{SITE}/{form_id}") for _ in range(CLIENTS)]
    numbers = iter(range(first, first + total))
    lock = threading.Lock()
    statuses = collections.Counter()

    def post_until_done(client: Client) -> None:
        while True:
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            status = send(client, number)
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=post_until_done, args=(c,)) for c in clients]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, statuses


def conflicts_since(log: Path, offset: int) -> collections.Counter:
    """Replayed requests since offset, by form, oid and class in conflict."""
    text = log.read_text(errors="replace")[offset:] if log.exists() else ""
    return collections.Counter(CONFLICT.findall(text))


def log_size(log: Path) -> int:
    return len(log.read_text(errors="replace")) if log.exists() else 0


def measure(args, work: Path) -> dict:
    from aiosmtpd.controller import Controller

    var = work / "var"
    env = instance_environment(var, "filestorage")
    deployed = subprocess.run(
        [str(BIN / "imio-commune"), "--json", "deploy", str(DEMO)],
        env=env,
        capture_output=True,
        text=True,
    )
    if deployed.returncode:
        raise RuntimeError(f"imio-commune deploy: {deployed.stderr[-2000:]}")
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        prepared = subprocess.run(
            [
                sys.executable,
                __file__,
                "--prepare",
                str(smtp.port),
                "--existing",
                str(args.existing),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if prepared.returncode:
            raise RuntimeError(f"préparation : {prepared.stderr[-2000:]}")
        port = free_port()
        log = var / "log" / "event.log"
        instance = ManagedProcess(
            "instance",
            [
                str(BIN / "runwsgi"),
                str(bench_ini(work)),
                "http_host=127.0.0.1",
                f"http_port={port}",
                f"logdir={var / 'log'}",
            ],
            env,
            var / "log" / "console.log",
        ).start()
        base = f"http://127.0.0.1:{port}"
        runs = [*FORMS, *TWO_STEP_RUNS]
        photo = phone_photo()
        results = {
            run_id: {
                "seconds": 0.0,
                "posted": 0,
                "statuses": collections.Counter(),
                "conflicts": 0,
            }
            for run_id in runs
        }
        results["conflicts"] = collections.Counter()
        try:
            instance.wait_until(lambda: http_status(f"{base}/{SITE}") == 200)
            # The stored cases' confirmations are not the run's: the mail
            # queue's thread of the preparation, then the instance's at
            # start-up, send them; let them land first.
            deadline = time.monotonic() + 300
            while mailbox.received < args.existing and time.monotonic() < deadline:
                time.sleep(0.5)
            mails_before = mailbox.received
            number = 0
            for run_id in runs:
                _seconds, statuses = run_round(
                    base, run_id, number, args.warm_up, photo
                )
                number += args.warm_up
                results[run_id]["posted"] += statuses[200]
            for _round in range(args.rounds):
                for run_id in runs:
                    offset = log_size(log)
                    seconds, statuses = run_round(
                        base, run_id, number, args.submissions, photo
                    )
                    number += args.submissions
                    result = results[run_id]
                    result["seconds"] += seconds
                    result["posted"] += statuses[200]
                    result["statuses"] += statuses
                    found = conflicts_since(log, offset)
                    result["conflicts"] += sum(found.values())
                    results["conflicts"] += found
            # Confirmation e-mails are sent after commit: let the last ones land.
            time.sleep(2)
        finally:
            instance.stop()
        conflict_oids = sorted({oid for _form, oid, _class in results["conflicts"]})
        counted = subprocess.run(
            [sys.executable, __file__, "--count", *conflict_oids],
            env=env,
            capture_output=True,
            text=True,
        )
        if counted.returncode:
            raise RuntimeError(f"comptage : {counted.stderr[-2000:]}")
        stored = json.loads(counted.stdout.strip().splitlines()[-1])
        results["stored"] = stored
        results["mails"] = mailbox.received - mails_before
        return results
    finally:
        smtp.stop()


def report(args, results: dict) -> None:
    baseline = "bench-save-data"
    rates = {
        form_id: results[form_id]["statuses"][200] / results[form_id]["seconds"]
        for form_id in FORMS
    }
    measured = args.rounds * args.submissions
    conflicts = collections.Counter()
    places = collections.Counter()
    owners = results["stored"]["owners"]
    for (form_id, oid, class_name), n in results["conflicts"].items():
        conflicts[form_id] += n
        places[form_id, owners.get(oid, class_name)] += n
    print(
        f"\nForm submissions, {CLIENTS} clients, {args.rounds} x {args.submissions} "
        f"per action after {args.warm_up} to warm up, one instance on FileStorage, "
        f"{args.existing} submissions of each form already stored"
    )
    print(
        f"{'action':46} {'subm./s':>8} {'ratio':>6} "
        f"{'conflicts':>9} {'5xx':>5} {'lost':>5}"
    )
    for form_id in ("bench-save-data", "bench-case"):
        result = results[form_id]
        statuses = result["statuses"]
        errors = sum(n for status, n in statuses.items() if status >= 500)
        lost = result["posted"] + args.existing - results["stored"][form_id]
        print(
            f"{FORMS[form_id][2]:46} {rates[form_id]:8.1f} "
            f"{rates[form_id] / rates[baseline]:6.2f} {conflicts[form_id]:9d} "
            f"{errors:5d} {lost:5d}"
        )
        others = {status: n for status, n in statuses.items() if status not in (200,)}
        if others:
            print(f"  answers other than the thank-you page, of {measured}: {others}")
    print(
        f"\ncases in the catalog: {results['stored']['bench-case-indexed']} "
        f"({args.existing} before the run), "
        f"confirmation e-mails received: {results['mails']}"
    )
    if places:
        print("replayed requests, by form and object in conflict:")
        for (form_id, name), n in places.most_common():
            print(f"  {n:5d}  {form_id:16} {name}")
    report_two_steps(args, results)


def report_two_steps(args, results: dict) -> None:
    """The form in two steps: what a 4.4 MB photo costs, and what was kept."""
    rates = {
        run_id: results[run_id]["statuses"][200] / results[run_id]["seconds"]
        for run_id in TWO_STEP_RUNS
    }
    baseline = next(iter(TWO_STEP_RUNS))
    print(
        f"\nForm in two steps (Continuer, summary, Envoyer, confirmation), "
        f"{CLIENTS} clients, {args.rounds} x {args.submissions} per kind"
    )
    print(f"{'submission':46} {'subm./s':>8} {'cost':>6} {'conflicts':>9} {'5xx':>5}")
    for run_id, (_form_id, title) in TWO_STEP_RUNS.items():
        result = results[run_id]
        errors = sum(n for status, n in result["statuses"].items() if status >= 500)
        print(
            f"{title:46} {rates[run_id]:8.1f} {rates[baseline] / rates[run_id]:6.2f} "
            f"{result['conflicts']:9d} {errors:5d}"
        )
        others = {k: n for k, n in result["statuses"].items() if k != 200}
        if others:
            print(f"  answers other than the confirmation: {others}")
    stored = results["stored"]
    posted = sum(results[run_id]["posted"] for run_id in TWO_STEP_RUNS)
    photos = results["two-steps-photo"]["posted"]
    print(
        f"lost submissions: {posted - stored[TWO_STEPS]} of {posted}; "
        f"photos in their case, byte for byte: {stored['photos']} of {photos}; "
        f"temporary uploads left: {stored['temporary-uploads']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warm-up", type=int, default=40)
    parser.add_argument(
        "--existing",
        type=int,
        default=2000,
        help="submissions each form already holds before the run (a site in use)",
    )
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        return prepare(args.prepare, args.existing)
    if args.count is not None:
        return count(args.count)
    work = Path(tempfile.mkdtemp(prefix="imio-bench-submit-"))
    try:
        results = measure(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(args, results)


if __name__ == "__main__":
    main()
