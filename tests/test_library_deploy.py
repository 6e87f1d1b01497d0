"""`imio-commune deploy profiles/bibliotheque.yaml` on a real FileStorage."""

from imio.commune.cluster.cluster import instance_environment
from pathlib import Path
from tests.instance import imio_commune
from tests.instance import ROOT

import json
import shutil
import tempfile
import unittest


LIBRARY_PROFILE = ROOT / "profiles" / "bibliotheque.yaml"


class TestLibraryDeploy(unittest.TestCase):
    def setUp(self):
        self.var = Path(tempfile.mkdtemp(prefix="imio-library-"))
        self.env = instance_environment(self.var)

    def tearDown(self):
        shutil.rmtree(self.var)

    def run_json(self, *args: str) -> list[dict]:
        result = imio_commune(self.env, "--json", *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        return json.loads(result.stdout)

    def test_created_then_unchanged_and_listed_without_commune(self):
        [created] = self.run_json("deploy", str(LIBRARY_PROFILE))
        self.assertEqual(
            (created["site"], created["résultat"]), ("bibliotheque", "créé")
        )
        [again] = self.run_json("deploy", str(LIBRARY_PROFILE))
        self.assertEqual(again["résultat"], "inchangé")
        [listed] = self.run_json("list")
        self.assertEqual(listed["site"], "bibliotheque")
        self.assertEqual(listed["titre"], "Bibliothèque des démarches")
        self.assertEqual(listed["commune"], "")
        [reported] = self.run_json("report")
        self.assertEqual(reported["site"], "bibliotheque")
        self.assertGreaterEqual(reported["contenus"]["Procedure"], 6)
