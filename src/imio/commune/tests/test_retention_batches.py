"""The retention command's batches: committed on their own, retried on a conflict."""

from collective.easyform.api import get_schema
from datetime import datetime
from imio.belgium.testing import at
from imio.commune.cli.retention import anonymise_batch
from imio.commune.cli.retention import AUDIT
from imio.commune.cli.retention import anonymise_in_batches
from imio.commune.cli.retention import NOT_UPGRADED
from imio.commune.cli.retention import run
from imio.commune.cli.output import Reporter
from imio.eguichet import audit
from imio.eguichet.cases import create_case
from imio.eguichet.retention import is_anonymised
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from zoneinfo import ZoneInfo

import argparse
import contextlib
import io
import json
import transaction
import unittest


NOW = datetime(2026, 6, 1, 2, 0, tzinfo=ZoneInfo("Europe/Brussels"))


class TestRetentionBatches(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        form = add_form(self.portal, retention_months=12)
        self.paths = []
        for _index in range(5):
            with at(2024, 1, 10, 10, 0):
                case, _code = create_case(
                    form, get_schema(form), {"fullname": "Luc", "email": "l@ex.org"}
                )
            self.paths.append("/".join(case.getPhysicalPath()))
        transaction.commit()

    def case(self, path):
        return self.portal.unrestrictedTraverse(path)

    def test_every_case_in_batches(self):
        done, longest = anonymise_in_batches(self.portal, self.paths, NOW, 2)
        self.assertEqual(done, 5)
        self.assertGreater(longest, 0)
        transaction.begin()
        self.assertTrue(all(is_anonymised(self.case(path)) for path in self.paths))

    def test_an_agents_write_meanwhile_makes_the_batch_start_again(self):
        path = self.paths[0]
        # This connection has read the case: its view of it is now old.
        self.assertFalse(is_anonymised(self.case(path)))
        manager = transaction.TransactionManager()
        agent = self.portal._p_jar.db().open(transaction_manager=manager)
        try:
            case = agent.root()["Application"].unrestrictedTraverse(path)
            case.assignee = "agent"
            manager.commit()
        finally:
            agent.close()
        anonymise_batch(self.portal, [path], NOW)
        transaction.begin()
        case = self.case(path)
        self.assertTrue(is_anonymised(case))
        # The agent's write is kept: the batch started again from it.
        self.assertEqual(case.assignee, "agent")
        self.assertEqual(api.content.get_state(case), "submitted")


class TestRetentionReport(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def report(self, *sites: str) -> tuple[int, list]:
        args = argparse.Namespace(
            sites=list(sites), dry_run=True, batch_size=200, limit=None
        )
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            status = run(lambda: self.layer["app"], args, Reporter(as_json=True))
        return status, json.loads(printed.getvalue())

    def test_a_site_not_upgraded_fails_the_run_and_says_so(self):
        api.portal.get_tool("portal_catalog").delIndex("case_closed_on")
        transaction.commit()
        status, rows = self.report()
        self.assertEqual(status, 1)
        self.assertEqual(rows, [{"site": "plone", "formulaire": NOT_UPGRADED}])
        status, failure = self.report("plone")
        self.assertEqual(status, 2)
        self.assertIn("imio-commune upgrade", failure["erreur"])

    def test_the_run_purges_the_audit_trail_past_its_retention(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        form = add_form(portal, retention_months=12)
        case, _code = create_case(
            form, get_schema(form), {"fullname": "Luc", "email": "l@ex.org"}
        )
        api.user.create(
            username="agent",
            email="agent@commune.be",
            password="Agent-2026-secret",  # noqa: S106 (a test member)
        )
        # An agent's reads: one 25 months before the run, one 23 months.
        login(portal, "agent")
        for moment in ((2024, 2, 10, 9), (2024, 4, 10, 9)):
            with at(*moment):
                audit.record(case, "view", self.layer["request"])
        logout()
        transaction.commit()
        self.assertEqual(len(list(audit.entries(portal))), 2)
        args = argparse.Namespace(
            sites=["plone"], dry_run=False, batch_size=200, limit=None
        )
        printed = io.StringIO()
        with at(2026, 3, 14, 2, 30), contextlib.redirect_stdout(printed):
            status = run(lambda: self.layer["app"], args, Reporter(as_json=True))
        self.assertEqual(status, 0, printed.getvalue())
        total = json.loads(printed.getvalue())[-1]
        self.assertEqual(total["formulaire"], "Total")
        self.assertEqual(total[AUDIT], 1)
        transaction.begin()
        kept = list(audit.entries(self.layer["app"]["plone"]))
        self.assertEqual([entry["when"][:10] for entry in kept], ["2024-04-10"])

    def test_an_upgraded_site_reports_its_total(self):
        status, rows = self.report()
        self.assertEqual(status, 0)
        self.assertEqual([row["formulaire"] for row in rows], ["Total"])
