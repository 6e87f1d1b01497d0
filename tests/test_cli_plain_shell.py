"""`imio-commune` as an operator runs it: a plain shell, no variable set.

The commands of docs/operators/fleet.md run as written, from a copy of the
project's instance configuration, with only PATH and HOME in the environment.
"""

from pathlib import Path
from plone.testing import Layer
from tests.instance import ROOT

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import zc.lockfile


FLEET_DOC = ROOT / "docs" / "operators" / "fleet.md"


def plain_environment(**extra: str) -> dict:
    """What a login shell without the project's variables has."""
    return {"PATH": "/usr/bin:/bin", "HOME": os.environ["HOME"], **extra}


def shell_blocks(path: Path) -> list[str]:
    """The shell commands a page shows, block by block."""
    return re.findall(r"^```shell\n(.*?)^```$", path.read_text(), re.M | re.S)


def shell(script: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["/bin/bash", "-e", "-c", script],
        cwd=cwd,
        env=plain_environment(**extra),
        capture_output=True,
        text=True,
        timeout=900,
    )


class PlainShellLayer(Layer):
    """A project directory (instance/etc, .venv, profiles) and fleet.md run in it."""

    def setUp(self):
        root = Path(tempfile.mkdtemp(prefix="imio-plain-"))
        project = root / "commune"
        shutil.copytree(ROOT / "instance" / "etc", project / "instance" / "etc")
        (project / ".venv").symlink_to(ROOT / ".venv")
        (project / "profiles").mkdir()
        for folder in ("exports", "other"):
            (root / "srv" / folder).mkdir(parents=True)
        self["root"], self["project"] = root, project
        # The documented blocks, in order; /srv is the test's own directory.
        self["blocks"] = [
            (block, shell(block.replace("/srv/", f"{root}/srv/"), project))
            for block in shell_blocks(FLEET_DOC)
        ]

    def tearDown(self):
        shutil.rmtree(self["root"])
        del self["root"], self["project"], self["blocks"]


PLAIN_SHELL = PlainShellLayer(name="PlainShell")


class TestPlainShell(unittest.TestCase):
    layer = PLAIN_SHELL

    def setUp(self):
        self.root = self.layer["root"]
        self.project = self.layer["project"]

    def run_cli(self, *args: str, cwd: Path | None = None, **extra: str):
        result = subprocess.run(
            [str(self.project / ".venv" / "bin" / "imio-commune"), *args],
            cwd=cwd or self.project,
            env=plain_environment(**extra),
            capture_output=True,
            text=True,
            timeout=600,
        )
        self.assertNotIn("Traceback", result.stdout + result.stderr)
        return result

    def assertOneFrenchLine(self, result, code: int, start: str) -> str:
        self.assertEqual(result.returncode, code, result.stderr)
        [line] = result.stderr.strip().splitlines()
        self.assertTrue(line.startswith(start), line)
        return line

    def test_every_documented_block_runs_as_written(self):
        self.assertEqual(len(self.layer["blocks"]), 3)
        for block, result in self.layer["blocks"]:
            with self.subTest(block=block.splitlines()[0]):
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertNotIn("Traceback", result.stdout + result.stderr)
        self.assertEqual(
            sorted(path.name for path in (self.project / "profiles").iterdir()),
            ["eupen.yaml", "gesves.yaml", "namur.yaml"],
        )

    def test_data_in_the_projects_var(self):
        for var in (self.project / "var", self.root / "srv" / "other"):
            self.assertTrue((var / "filestorage" / "Data.fs").is_file(), var)

    def test_list_shows_the_deployed_sites(self):
        result = self.run_cli("list")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split()[0], "Sites")
        first_cells = [
            line.split("│")[1].strip()
            for line in result.stdout.splitlines()
            if line.startswith("│")
        ]
        self.assertEqual(
            [cell for cell in first_cells if cell],
            ["eupen", "gesves", "gesves-test", "namur"],
        )
        for commune in ("(63023)", "(92054)", "(92094)"):
            self.assertIn(commune, result.stdout)

    def test_report_from_elsewhere_with_instance(self):
        result = self.run_cli(
            "--json",
            "--instance",
            str(self.project / "instance" / "etc"),
            "report",
            "namur",
            cwd=self.root,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        [row] = json.loads(result.stdout)
        self.assertEqual(row["site"], "namur")

    def test_wrong_instance_path(self):
        line = self.assertOneFrenchLine(
            self.run_cli("--instance", str(self.root / "nulle-part"), "list"),
            2,
            "Configuration Zope introuvable",
        )
        self.assertIn("--instance", line)

    def test_missing_data_directory(self):
        missing = self.root / "absent"
        line = self.assertOneFrenchLine(
            self.run_cli("list", IMIO_VAR=str(missing)),
            2,
            "Dossier de données introuvable",
        )
        self.assertIn(str(missing), line)
        self.assertFalse(missing.exists())

    def test_unknown_storage(self):
        line = self.assertOneFrenchLine(
            self.run_cli("list", IMIO_STORAGE="nosql"),
            3,
            "Configuration Zope invalide",
        )
        self.assertIn("nosql", line)

    def test_storage_held_by_a_running_instance(self):
        lock = self.project / "var" / "filestorage" / "Data.fs.lock"
        held = zc.lockfile.LockFile(str(lock))
        try:
            result = self.run_cli("list")
        finally:
            held.close()
        self.assertOneFrenchLine(result, 3, "La base de données est verrouillée")

    def test_export_where_nothing_can_be_written(self):
        line = self.assertOneFrenchLine(
            self.run_cli("export", "gesves", "/proc/imio-export"),
            1,
            "Fichier ou dossier inaccessible : /proc/imio-export",
        )
        self.assertIn("vérifiez le chemin", line)

    def test_configuration_without_project_variables_is_left_alone(self):
        # A buildout writes its zope.conf with its own paths, in parts/.
        etc = self.root / "parts" / "instance" / "etc"
        etc.mkdir(parents=True)
        text = (self.project / "instance" / "etc" / "zope.conf").read_text()
        text = text.replace("$(IMIO_HOME)", str(self.project))
        text = text.replace("$(IMIO_VAR)", str(self.project / "var"))
        text = text.replace("storage/$(IMIO_STORAGE)", "storage/filestorage")
        (etc / "zope.conf").write_text(text)
        shutil.copytree(self.project / "instance" / "etc" / "storage", etc / "storage")
        result = self.run_cli("--json", "--zope-conf", str(etc / "zope.conf"), "list")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(json.loads(result.stdout)), 4)
        self.assertFalse((self.root / "parts" / "var").exists())
