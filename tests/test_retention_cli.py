"""The retention job, as operators run it: docs/operators/retention.md's commands.

The demo commune is deployed into a throwaway FileStorage and given cases
(tests/retention_cases.py): five closed long ago of a form with a retention
period, one closed a few days ago, one open, and two closed long ago of a form
without a period. Each test starts from that database; the guide's commands
run as typed in a plain shell.
"""

from pathlib import Path
from plone.testing import Layer
from tests.instance import BIN
from tests.instance import DEMO_PROFILE
from tests.instance import imio_commune
from tests.instance import ROOT
from tests.test_cli_plain_shell import shell_blocks
from tests.test_library_sync import install_units_as_documented
from tests.test_library_sync import run_shell
from imio.commune.cluster.cluster import instance_environment

import json
import shutil
import subprocess
import tempfile
import unittest


DOCS = ROOT / "docs" / "operators" / "retention.md"
UNITS = ROOT / "instance" / "systemd"
COMMAND = ".venv/bin/imio-commune retention"


def documented(containing: str) -> str:
    (block,) = [each for each in shell_blocks(DOCS) if containing in each]
    return block


def as_json(block: str) -> str:
    return block.replace("imio-commune retention", "imio-commune --json retention")


class RetentionDatabaseLayer(Layer):
    """The demo commune with its cases, kept aside to start each test from."""

    def setUp(self):
        var = Path(tempfile.mkdtemp(prefix="imio-retention-"))
        env = instance_environment(var)
        try:
            deployed = imio_commune(env, "--json", "deploy", str(DEMO_PROFILE))
            if deployed.returncode:
                raise RuntimeError(f"deploy failed: {deployed.stderr}")
            made = subprocess.run(
                [str(BIN / "python"), "-m", "tests.retention_cases"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            if made.returncode:
                raise RuntimeError(f"cases not made: {made.stderr}")
        except BaseException:
            shutil.rmtree(var, ignore_errors=True)
            raise
        pristine = var.with_name(f"{var.name}-pristine")
        shutil.copytree(var, pristine)
        self["var"], self["pristine"], self["env"] = var, pristine, env
        self["made"] = json.loads(made.stdout)

    def tearDown(self):
        shutil.rmtree(self["var"], ignore_errors=True)
        shutil.rmtree(self["pristine"], ignore_errors=True)


RETENTION_DATABASE = RetentionDatabaseLayer(name="RetentionDatabase")


def last_transaction(var: Path) -> tuple[int, bytes]:
    """The FileStorage's size and its last transaction's id."""
    from ZODB.FileStorage import FileStorage

    path = var / "filestorage" / "Data.fs"
    storage = FileStorage(str(path), read_only=True)
    try:
        return path.stat().st_size, storage.lastTransaction()
    finally:
        storage.close()


class TestRetentionCommand(unittest.TestCase):
    layer = RETENTION_DATABASE

    def setUp(self):
        var = self.layer["var"]
        shutil.rmtree(var)
        shutil.copytree(self.layer["pristine"], var)
        self.env = {**self.layer["env"], "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
        self.made = self.layer["made"]

    def run_documented(self, block: str) -> list[dict]:
        done = run_shell(as_json(block), ROOT, self.env)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        return json.loads(done.stdout)

    def by_form(self, rows: list[dict]) -> dict:
        return {row["formulaire"]: row for row in rows}

    def test_dry_run_counts_and_writes_nothing(self):
        before = last_transaction(self.layer["var"])
        rows = self.by_form(self.run_documented(documented("--dry-run")))
        kept, forever = rows[self.made["kept"]], rows[self.made["forever"]]
        self.assertEqual((kept["dues"], kept["anonymisées"]), (5, 0))
        self.assertEqual(kept["anciennes mais non anonymisées"], 0)
        self.assertIsNone(forever["délai (mois)"])
        self.assertEqual(forever["anciennes mais non anonymisées"], 2)
        self.assertEqual(rows["Total"]["dues"], 5)
        self.assertEqual(last_transaction(self.layer["var"]), before)

    def test_the_run_anonymises_the_cases_due(self):
        before = last_transaction(self.layer["var"])
        (block,) = [
            each
            for each in shell_blocks(DOCS)
            if COMMAND in each and "--dry-run" not in each
        ]
        rows = self.by_form(self.run_documented(block))
        self.assertEqual(rows["Total"]["anonymisées"], 5)
        self.assertLess(rows["Total"]["plus longue transaction (s)"], 10)
        self.assertNotEqual(last_transaction(self.layer["var"]), before)
        again = self.by_form(self.run_documented(block))
        self.assertEqual(
            (again["Total"]["dues"], again["Total"]["anonymisées"]), (0, 0)
        )
        # The form without a period still keeps its two.
        self.assertEqual(again["Total"]["anciennes mais non anonymisées"], 2)

    def test_stopped_half_way_the_next_run_does_the_rest(self):
        first = self.run_documented(f"{COMMAND} --limit 2 --batch-size 1 demo")
        self.assertEqual(self.by_form(first)["Total"]["anonymisées"], 2)
        # Another process, as after a restart: the three left, none twice.
        second = self.by_form(self.run_documented(f"{COMMAND} demo"))
        self.assertEqual(second["Total"]["dues"], 3)
        self.assertEqual(second["Total"]["anonymisées"], 3)
        third = self.by_form(self.run_documented(f"{COMMAND} demo"))
        self.assertEqual(third["Total"]["dues"], 0)

    def test_unknown_site_in_french(self):
        done = run_shell(f"{COMMAND} nulle-part", ROOT, self.env)
        self.assertEqual(done.returncode, 2)
        self.assertIn("Site inconnu : nulle-part", done.stderr)
        self.assertNotIn("Traceback", done.stderr)


class TestRetentionUnits(unittest.TestCase):
    """The nightly job's units, installed as the guide says."""

    def test_units_verify_and_enable(self):
        install_units_as_documented(
            self, documented("imio-retention"), "imio-retention"
        )
        service = (UNITS / "imio-retention.service").read_text()
        self.assertIn("ExecStart=/srv/imio/.venv/bin/imio-commune retention\n", service)
        timer = (UNITS / "imio-retention.timer").read_text()
        self.assertIn("OnCalendar=*-*-* 02:30:00\n", timer)
