"""What ``make start`` prints about the demo's sync: one French line, always."""

from imio.commune.cluster.processes import free_port
from imio.commune.demo.library_sync import summary
from imio.commune.demo.library_sync import sync_demo
from pathlib import Path

import tempfile
import unittest


class TestDemoSyncLine(unittest.TestCase):
    def test_summary_of_a_sync(self):
        row = {
            "site": "demo",
            "créées": 41,
            "mises à jour": 2,
            "à revoir": 1,
            "retirées": 0,
            "résultat": "synchronisé",
        }
        self.assertEqual(
            summary(row),
            "41 fiches copiées, 2 mises à jour, 1 à revoir, 0 retirées (synchronisé).",
        )

    def test_summary_of_a_failure(self):
        row = {
            "site": "demo",
            "résultat": "échec : bibliothèque injoignable à http://localhost:8080/"
            "bibliotheque après 3 essais (Connection refused).",
        }
        self.assertEqual(
            summary(row),
            "échec de la synchronisation de /demo : bibliothèque injoignable à "
            "http://localhost:8080/bibliotheque après 3 essais (Connection refused).",
        )

    def test_an_instance_that_does_not_answer(self):
        with tempfile.TemporaryDirectory() as var:
            (Path(var) / "admin-password").write_text("secret\n")
            line = sync_demo(f"http://127.0.0.1:{free_port()}/demo", Path(var), "admin")
        self.assertTrue(
            line.startswith(
                "  Bibliothèque des démarches : synchronisation impossible ("
            ),
            line,
        )
        self.assertNotIn("\n", line)

    def test_no_password_file(self):
        with tempfile.TemporaryDirectory() as var:
            line = sync_demo("http://127.0.0.1:9/demo", Path(var), "admin")
        self.assertIn("synchronisation impossible", line)
        self.assertIn("admin-password", line)
