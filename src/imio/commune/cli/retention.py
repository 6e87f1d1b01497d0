"""``imio-commune retention``: anonymise the cases past their retention period.

For each e-guichet site: the cases closed longer ago than their form's
retention period are anonymised in batches, each committed on its own (a
batch that meets a conflict is retried), so that no transaction holds the
database for long and a run stopped half-way leaves the next one the rest.
Then the audit trail's entries older than its own retention are dropped.
"""

from imio.commune.cli.sites import select_sites
from zope.component.hooks import setSite
from ZODB.POSException import ConflictError

import argparse
import time
import transaction


BATCH_SIZE = 200
ATTEMPTS = 5
FORM = "formulaire"
PERIOD = "délai (mois)"
DUE = "dues"
DONE = "anonymisées"
OLD = "anciennes mais non anonymisées"
AUDIT = "entrées d'audit supprimées"
LONGEST = "plus longue transaction (s)"
SECONDS = "secondes"
COLUMNS = ["site", FORM, PERIOD, DUE, DONE, OLD, AUDIT, LONGEST, SECONDS]
NO_FORM = "(formulaire supprimé)"
TOTAL = "Total"
NOT_UPGRADED = "échec : e-guichet à mettre à jour (imio-commune upgrade)"


def add_arguments(commands) -> None:
    parser = commands.add_parser(
        "retention",
        help="anonymise les demandes dont le délai de conservation est écoulé",
    )
    parser.add_argument(
        "sites",
        nargs="*",
        metavar="SITE",
        help="identifiants des sites (par défaut : tous les sites avec un e-guichet)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="compte les demandes à anonymiser sans rien modifier",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        # Also before the command: a default here would hide that one.
        default=argparse.SUPPRESS,
        help="résultats en JSON, pour les scripts",
    )
    parser.add_argument(
        "--batch-size",
        type=positive,
        default=BATCH_SIZE,
        help=f"demandes par transaction (par défaut : {BATCH_SIZE})",
    )
    parser.add_argument(
        "--limit",
        type=positive,
        default=None,
        help="anonymise au plus ce nombre de demandes par site ; "
        "la prochaine exécution fait le reste",
    )
    parser.set_defaults(run=run, needs_app=True)


def positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"nombre entier positif attendu : {text}")
    return number


def has_eguichet(site) -> bool:
    from imio.eguichet.content.case_folder.content import get_cases_folder

    return get_cases_folder(site) is not None


def is_upgraded(site) -> bool:
    """The site's catalog has the index the job reads (profile 1012)."""
    return "case_closed_on" in site.portal_catalog.indexes()


def run(app, args, reporter) -> int:
    try:
        sites = select_sites(app(), args.sites)
    except KeyError as exc:
        reporter.fail(f"Site inconnu : {exc.args[0]} ; aucune demande anonymisée.")
        return 2
    named_missing = [
        name
        for name, site in sites.items()
        if args.sites and not (has_eguichet(site) and is_upgraded(site))
    ]
    if named_missing:
        reporter.fail(
            f"Pas d'e-guichet à jour sur : {', '.join(named_missing)} ; lancez "
            "imio-commune upgrade d'abord. Aucune demande anonymisée."
        )
        return 2
    sites = {name: site for name, site in sites.items() if has_eguichet(site)}
    rows, outdated = [], False
    with reporter.progress("Conservation", len(sites)) as advance:
        for name, site in sites.items():
            if not is_upgraded(site):
                # Its cases are not in the index: the job would find none due.
                rows.append({"site": name, FORM: NOT_UPGRADED})
                outdated = True
                continue
            setSite(site)
            try:
                rows.extend(site_retention(name, site, args))
            finally:
                setSite(None)
                transaction.abort()
            advance(name)
    reporter.table("Conservation des demandes", COLUMNS, rows)
    return 1 if outdated else 0


def site_retention(name: str, site, args) -> list[dict]:
    """The report rows of one site: one per form, then the site's total."""
    from imio.eguichet.cases import site_now
    from imio.eguichet.retention import due_by_form
    from imio.eguichet.retention import forms_of_cases
    from imio.eguichet.retention import old_not_anonymised
    from imio.eguichet.retention import retention_months

    started = time.monotonic()
    now = site_now()
    forms = forms_of_cases(site)
    due = due_by_form(site, now)
    old = old_not_anonymised(site, now)
    transaction.abort()
    paths = [brain.getPath() for uid in due for brain in due[uid]]
    if args.limit is not None:
        paths = paths[: args.limit]
    done, longest = (
        (0, 0.0)
        if args.dry_run
        else anonymise_in_batches(site, paths, now, args.batch_size)
    )
    done_paths = set(paths[:done])
    rows = []
    for uid in sorted(set(due) | set(old), key=lambda uid: form_title(forms[uid])):
        form = forms[uid]
        rows.append({
            "site": name,
            FORM: form_title(form),
            PERIOD: retention_months(form),
            DUE: len(due.get(uid, ())),
            DONE: sum(brain.getPath() in done_paths for brain in due.get(uid, ())),
            OLD: old.get(uid, 0),
        })
    purged = None if args.dry_run else purge_audit(site, now)
    rows.append({
        "site": name,
        FORM: TOTAL,
        DUE: sum(row[DUE] for row in rows),
        DONE: done,
        OLD: sum(row[OLD] for row in rows),
        AUDIT: purged,
        LONGEST: round(longest, 2),
        SECONDS: round(time.monotonic() - started, 2),
    })
    return rows


def form_title(form) -> str:
    return form.Title() if form is not None else NO_FORM


def anonymise_in_batches(site, paths: list[str], now, size: int) -> tuple:
    """Anonymise the cases at ``paths``, ``size`` per transaction.

    Returns how many were anonymised and the longest batch in seconds.
    """
    done, longest = 0, 0.0
    for start in range(0, len(paths), size):
        batch = paths[start : start + size]
        longest = max(longest, anonymise_batch(site, batch, now))
        done += len(batch)
    return done, longest


def anonymise_batch(site, paths: list[str], now) -> float:
    """One committed transaction; a conflict makes it start again, fresh."""
    from imio.eguichet.retention import anonymise

    attempt = 1
    while True:
        started = time.monotonic()
        try:
            for path in paths:
                case = site.unrestrictedTraverse(path, None)
                if case is not None:
                    anonymise(case, now)
            transaction.commit()
            return time.monotonic() - started
        except ConflictError:
            transaction.abort()
            if attempt == ATTEMPTS:
                raise
            attempt += 1


def purge_audit(site, now) -> int:
    """Drop the audit trail's entries older than its retention period."""
    from imio.eguichet.audit import purge_expired

    purged = purge_expired(site, now)
    transaction.commit()
    return purged
