"""What ``make start`` prints about the regional agenda: one French line each."""

from imio.commune.cluster.processes import free_port
from imio.commune.demo.region_sync import harvest_summary
from imio.commune.demo.region_sync import nearby_summary
from imio.commune.demo.region_sync import region_lines
from pathlib import Path

import tempfile
import unittest


def harvested(source: str, created: int, updated: int = 0, refused: int = 0):
    return {
        "site": "region",
        "source": source,
        "créés": created,
        "mis à jour": updated,
        "retirés": 0,
        "refusés": refused,
        "résultat": "récolté",
    }


class TestRegionSyncLines(unittest.TestCase):
    def test_summary_of_a_harvest(self):
        rows = [
            harvested("http://localhost:8080/demo", 13),
            harvested("http://localhost:8080/gesves", 6, refused=1),
            harvested("http://localhost:8080/eupen", 5, updated=1),
        ]
        self.assertEqual(
            harvest_summary(rows),
            "25 événements et actualités récoltés de 3 communes sur 3 (24 nouveaux,"
            " 1 mis à jour, 0 retirés, 1 refusés).",
        )

    def test_summary_of_a_source_down(self):
        rows = [
            harvested("http://localhost:8080/demo", 13),
            {
                "site": "region",
                "source": "http://localhost:8080/eupen",
                "résultat": "échec : commune injoignable (Connection refused).",
            },
        ]
        self.assertEqual(
            harvest_summary(rows),
            "13 événements et actualités récoltés de 1 communes sur 2 (13 nouveaux,"
            " 0 mis à jour, 0 retirés, 0 refusés) ; échec pour "
            "http://localhost:8080/eupen : commune injoignable (Connection refused).",
        )

    def test_summary_of_a_commune_refresh(self):
        row = {"site": "demo", "événements": 4, "résultat": "mis à jour"}
        self.assertEqual(
            nearby_summary(row), "4 événements des communes voisines (mis à jour)."
        )
        row = {"site": "demo", "événements": 4, "résultat": "échec : injoignable."}
        self.assertEqual(nearby_summary(row), "échec : injoignable.")

    def test_an_instance_that_does_not_answer(self):
        with tempfile.TemporaryDirectory() as var:
            (Path(var) / "admin-password").write_text("secret\n")
            lines = region_lines(f"http://127.0.0.1:{free_port()}", Path(var), "admin")
        self.assertEqual(len(lines), 4)
        self.assertTrue(
            lines[0].startswith("  Agenda régional : synchronisation impossible ("),
            lines[0],
        )
        self.assertTrue(
            lines[1].startswith("  Autour de chez vous (/demo) : synchronisation"),
            lines[1],
        )
        for line in lines:
            self.assertNotIn("\n", line)

    def test_no_password_file(self):
        with tempfile.TemporaryDirectory() as var:
            [line, *_communes] = region_lines("http://127.0.0.1:9", Path(var), "admin")
        self.assertIn("synchronisation impossible", line)
        self.assertIn("admin-password", line)
