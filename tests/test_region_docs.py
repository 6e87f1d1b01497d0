"""The operators' guide of the regional agenda, its commands run as typed.

The shell blocks of docs/operators/region.md run in a plain shell against the
regional site and the demo communes of tests/test_region_sync.py's layer
(only the demo's address, http://localhost:8080, is replaced by theirs); the
hourly units are installed as the guide says in a scratch root.
"""

from imio.commune.answers import complete_answers
from pathlib import Path
from tests.instance import ROOT
from tests.test_cli_plain_shell import shell_blocks
from tests.test_library_sync import install_units_as_documented
from tests.test_library_sync import run_shell
from tests.test_region_sync import REGION
from tests.test_region_sync import REGION_AND_COMMUNES

import json
import tempfile
import unittest
import yaml


DOCS = ROOT / "docs" / "operators" / "region.md"
UNITS = ROOT / "instance" / "systemd"
DEMO = "http://localhost:8080"


def documented(containing: str) -> str:
    (block,) = [each for each in shell_blocks(DOCS) if containing in each]
    return block


def yaml_blocks(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [part.split("```", 1)[0] for part in text.split("```yaml\n")[1:]]


class TestRegionGuideProfiles(unittest.TestCase):
    def test_the_regional_profile_shown_is_the_demo_one(self):
        shown = yaml.safe_load(yaml_blocks(DOCS)[0])
        self.assertEqual(
            shown, yaml.safe_load((ROOT / "profiles/region.yaml").read_text())
        )
        self.assertEqual(complete_answers(shown)["kind"], "region")

    def test_a_communes_opt_in_shown_is_accepted(self):
        region = yaml.safe_load(yaml_blocks(DOCS)[1])
        answers = complete_answers({
            "site_id": "gesves",
            "title": "Commune de Gesves",
            "refnis": "92054",
            **region,
        })
        self.assertEqual(answers["region"]["url"], "https://agenda.example.be/region")

    def test_a_radius_shown_is_accepted(self):
        region = yaml.safe_load(yaml_blocks(DOCS)[2])
        answers = complete_answers({
            "site_id": "demo",
            "title": "Ville de Namur",
            "refnis": "92094",
            **region,
        })
        self.assertEqual(answers["region"]["radius_km"], 15)
        self.assertEqual(answers["region"]["centre"]["latitude"], 50.4646)


class TestRegionGuideCommands(unittest.TestCase):
    layer = REGION_AND_COMMUNES

    def setUp(self):
        self.communes = self.layer["communes"]
        self.region = self.layer["region"]
        self.plain = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}

    def test_the_feed_of_a_commune(self):
        block = documented("@region-changes").replace(DEMO, self.communes.url)
        done = run_shell(block, ROOT, {**self.plain, "HOME": str(ROOT)})
        self.assertEqual(done.returncode, 0, done.stderr)
        page = json.loads(done.stdout)
        self.assertEqual(page["commune"]["refnis"], "92094")
        self.assertEqual(len(page["changes"]), 2)
        self.assertTrue(page["more"])

    def test_the_harvest_asked_of_the_running_instance(self):
        block = documented("@region-sync").replace(DEMO, self.region.url)
        with tempfile.TemporaryDirectory() as home:
            (Path(home) / "var").mkdir()
            (Path(home) / "var" / "admin-password").write_text(self.region.password)
            done = run_shell(block, Path(home), {**self.plain, "HOME": home})
        self.assertEqual(done.returncode, 0, done.stderr)
        rows = json.loads(done.stdout)["rows"]
        self.assertEqual({row["site"] for row in rows}, {REGION})
        self.assertIn("inchangé", {row["résultat"] for row in rows})

    def test_the_command_line(self):
        block = documented("imio-commune region-sync")
        env = {**self.region.env, **self.plain, "HOME": str(ROOT)}
        # The running instance locks its FileStorage: the command says so.
        locked = run_shell(block, ROOT, env)
        self.assertEqual(locked.returncode, 3)
        self.assertIn("La base de données est verrouillée", locked.stderr)
        self.region.stop()
        try:
            done = run_shell(
                block.replace("region-sync", "--json region-sync"), ROOT, env
            )
        finally:
            self.region.start(REGION)
        rows = json.loads(done.stdout[done.stdout.index("[") :])
        self.assertEqual({row["site"] for row in rows}, {REGION})
        # The commune that is down fails its row, and so the run (status 1).
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        results = [row["résultat"] for row in rows]
        self.assertEqual(sum(result.startswith("échec") for result in results), 1)
        self.assertIn("commune injoignable", " ".join(results))


class TestRegionSyncUnits(unittest.TestCase):
    """The hourly harvest's units, installed as the guide says."""

    def test_units_verify_and_enable(self):
        install_units_as_documented(
            self, documented("imio-region-sync"), "imio-region-sync"
        )
        service = (UNITS / "imio-region-sync.service").read_text()
        self.assertIn(
            "ExecStart=/srv/imio/.venv/bin/imio-commune region-sync\n", service
        )
