"""`imio-commune deploy` against the real instance configuration."""

from pathlib import Path
from plone.testing import Layer
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


EXCHANGE_CONTENT = Path(__file__).parent / "exchange_content.py"
GESVES_PROFILE = (
    "site_id: gesves\ntitle: Commune de Gesves\nrefnis: '92054'\ndefault_language: fr\n"
)


def run_python(env: dict, *args: str) -> str:
    """Run a script against the instance's storage; what it prints."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode:
        raise RuntimeError(result.stderr)
    return result.stdout


class ExportedSiteLayer(Layer):
    """A filled commune site exported, then imported into a second FileStorage."""

    def setUp(self):
        root = Path(tempfile.mkdtemp(prefix="imio-exchange-"))
        source = instance_environment(root / "source")
        target = instance_environment(root / "target")
        profile = root / "gesves.yaml"
        profile.write_text(GESVES_PROFILE, encoding="utf-8")
        try:
            deployed = imio_commune(source, "--json", "deploy", str(profile))
            if deployed.returncode:
                raise RuntimeError(deployed.stderr)
            filled = run_python(source, str(EXCHANGE_CONTENT), "gesves")
        except Exception:
            shutil.rmtree(root)
            raise
        export_dir = root / "export"
        resources = {
            "root": root,
            "source": source,
            "target": target,
            "export_dir": export_dir,
            "reference": filled.split()[-2],
            "access_code": filled.split()[-1],
            "exported": imio_commune(
                source, "--json", "export", "gesves", str(export_dir)
            ),
            "imported": imio_commune(
                target,
                "--json",
                "import",
                str(export_dir),
                "--site-id",
                "gesves-copie",
            ),
        }
        for name, value in resources.items():
            self[name] = value

    def tearDown(self):
        shutil.rmtree(self["root"])


EXPORTED_SITE = ExportedSiteLayer(name="ExportedSite")


class TestExportImport(unittest.TestCase):
    """A commune site moved through the CLI into a second FileStorage."""

    layer = EXPORTED_SITE

    def __getattr__(self, name):
        # The layer's resources, as attributes: self.target, self.root...
        try:
            return self.layer[name]
        except KeyError:
            raise AttributeError(name) from None

    def facts(self, env: dict, site_id: str) -> dict:
        return json.loads(
            run_python(env, str(EXCHANGE_CONTENT), site_id, self.access_code)
        )

    def test_export_counts_what_it_wrote(self):
        self.assertEqual(self.exported.returncode, 0, self.exported.stderr)
        [row] = json.loads(self.exported.stdout)
        # Three attachments (one the photo of a message) and the decision letter.
        self.assertEqual(
            (row["site"], row["demandes"], row["fichiers"]), ("gesves", 3, 4)
        )
        manifest = json.loads((self.export_dir / "commune.json").read_text())
        self.assertEqual(manifest["inventory"]["types"]["Case"], 3)
        self.assertEqual(manifest["answers"]["refnis"], "92054")

    def test_imported_site_shows_the_same_cases(self):
        self.assertEqual(self.imported.returncode, 0, self.imported.stderr)
        [row] = json.loads(self.imported.stdout)
        self.assertEqual((row["site"], row["demandes"]), ("gesves-copie", 3))
        before = self.facts(self.source, "gesves")
        after = self.facts(self.target, "gesves-copie")
        self.assertEqual(after, before)
        cases = after["cases"]
        self.assertTrue(cases[self.reference]["follows_with_code"])
        self.assertEqual(
            sorted(case["state"] for case in cases.values()),
            ["accepted", "awaiting_info", "submitted"],
        )
        accepted = next(c for c in cases.values() if c["state"] == "accepted")
        self.assertTrue(accepted["letter"][0].endswith(".pdf"), accepted["letter"])
        asked = next(case for case in cases.values() if case["messages"])
        self.assertEqual(asked["messages"], ["Voici une photo nette."])
        self.assertEqual(asked["notes"], ["À revoir"])
        self.assertIn("Photo illisible.", asked["history"])
        self.assertEqual(
            sorted(name for name, _digest in asked["attachments"].values()),
            ["carte d'identité.png", "photo.png"],
        )
        self.assertEqual(asked["agents"], ["agents-population-etat-civil"])
        self.assertTrue(after["marie_logs_in"])
        self.assertIn("<strong>XIIe</strong>", after["page"])

    def test_import_over_an_existing_site_is_refused(self):
        result = imio_commune(
            self.target, "import", str(self.export_dir), "--site-id", "gesves-copie"
        )
        self.assertEqual(result.returncode, 2)
        self.assertIn("/gesves-copie existe déjà", result.stderr)
        self.assertNotIn("Traceback", result.stderr)

    def test_export_into_a_used_directory_is_refused(self):
        result = imio_commune(self.source, "export", "gesves", str(self.export_dir))
        self.assertEqual(result.returncode, 2)
        self.assertIn("n'est pas vide", result.stderr)

    def test_altered_attachment_aborts_the_whole_import(self):
        altered = self.root / "altered"
        shutil.copytree(self.export_dir, altered)
        [blob] = altered.glob("content/*/attachments/document/preuve.pdf")
        blob.write_bytes(b"%PDF-1.4 autre chose")
        result = imio_commune(
            self.target, "import", str(altered), "--site-id", "gesves-altere"
        )
        self.assertEqual(result.returncode, 1)
        self.assertIn("rien n'a été écrit", result.stderr)
        self.assertIn("altérée", result.stderr)
        listed = json.loads(imio_commune(self.target, "--json", "list").stdout)
        self.assertNotIn("gesves-altere", [row["site"] for row in listed])

    def test_not_an_export(self):
        result = imio_commune(self.target, "import", str(self.root))
        self.assertEqual(result.returncode, 2)
        self.assertIn("n'est pas un export de site communal", result.stderr)
