"""`imio-commune deploy` against the real instance configuration."""

from pathlib import Path
from tests.instance import DEMO_INSTANCE
from tests.instance import DEMO_PROFILE
from tests.instance import imio_commune
from imio.commune.cluster.cluster import instance_environment

import json
import shutil
import tempfile
import unittest


class TestDeployWhileServing(unittest.TestCase):
    layer = DEMO_INSTANCE

    def test_first_deploy_created_the_site(self):
        [row] = json.loads(self.layer["deploy_output"])
        self.assertEqual((row["site"], row["résultat"]), ("demo", "créé"))

    def test_locked_storage_is_one_clear_line(self):
        result = imio_commune(self.layer["env"], "deploy", str(DEMO_PROFILE))
        self.assertEqual(result.returncode, 3)
        self.assertEqual(
            result.stderr.strip().splitlines()[-1],
            "La base de données est verrouillée par une instance en cours "
            "d'exécution : arrêtez-la d'abord ou passez par ZEO/RelStorage.",
        )
        self.assertNotIn("Traceback", result.stderr)


class TestInvalidProfile(unittest.TestCase):
    def setUp(self):
        self.var = Path(tempfile.mkdtemp(prefix="imio-var-"))
        self.env = instance_environment(self.var)

    def tearDown(self):
        shutil.rmtree(self.var)

    def write_profile(self, text: str) -> Path:
        path = self.var / "commune.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    def test_invalid_field_is_named_and_nothing_is_written(self):
        profile = self.write_profile(
            "site_id: Gesves!\ntitle: Commune de Gesves\nrefnis: '92054'\n"
            "default_language: fr\nsetup_content: false\n"
        )
        result = imio_commune(self.env, "deploy", str(profile))
        self.assertEqual(result.returncode, 2)
        self.assertIn("champ site_id", result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertEqual(list((self.var / "filestorage").iterdir()), [])

    def test_unreadable_yaml_is_refused(self):
        profile = self.write_profile("site_id: [unclosed\n")
        result = imio_commune(self.env, "deploy", str(profile))
        self.assertEqual(result.returncode, 2)
        self.assertIn("YAML invalide", result.stderr)
