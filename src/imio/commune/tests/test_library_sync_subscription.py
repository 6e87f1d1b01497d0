"""The profile's ``library`` key: checked in French, stored with the answers."""

from imio.commune.cli.profiles import load_profile
from imio.commune.cli.profiles import ProfileError
from imio.commune.library.subscription import selected
from pathlib import Path

import tempfile
import unittest
import yaml


DEMO = Path(__file__).parents[4] / "profiles" / "demo.yaml"
LIBRARY = Path(__file__).parents[4] / "profiles" / "bibliotheque.yaml"


def profile_with(source: Path, library) -> Path:
    answers = yaml.safe_load(source.read_text(encoding="utf-8"))
    answers["library"] = library
    path = Path(tempfile.mkdtemp()) / source.name
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    return path


class TestSubscription(unittest.TestCase):
    def refusal(self, library, source: Path = DEMO) -> str:
        with self.assertRaises(ProfileError) as raised:
            load_profile(profile_with(source, library))
        return str(raised.exception)

    def test_demo_subscribes_to_every_sheet(self):
        answers = load_profile(DEMO).answers
        self.assertEqual(
            answers["library"],
            {
                "url": "http://localhost:8080/bibliotheque",
                "sheets": "all",
                "timeout": 10,
            },
        )

    def test_selections(self):
        selections = ("all", {"topics": ["etat-civil"]}, ["carte-identite", "mariage"])
        for sheets in selections:
            library = {"url": "https://b.example.be/bibliotheque/", "sheets": sheets}
            answers = load_profile(profile_with(DEMO, library)).answers
            self.assertEqual(answers["library"]["sheets"], sheets)
            self.assertEqual(
                answers["library"]["url"], "https://b.example.be/bibliotheque"
            )

    def test_refusals_in_french(self):
        cases = [
            ({"url": "ftp://b.example.be"}, "champ library.url: l'adresse du site"),
            ({"url": "http://b/x", "sheets": "some"}, "champ library.sheets: all,"),
            ({"url": "http://b/x", "sheets": []}, "la liste ne peut pas être vide"),
            ({"url": "http://b/x", "sheets": ["Carte"]}, "« Carte » n'est pas"),
            ({"url": "http://b/x", "sheets": {"topic": ["a"]}}, "{topics: [thème"),
            ({"url": "http://b/x", "timeout": 0}, "champ library.timeout:"),
            ({"url": "http://b/x", "timeout": "10"}, "champ library.timeout:"),
            ({"url": "http://b/x", "every": 3}, "champ library.every: clé inconnue"),
            ("http://b/x", "champ library: doit donner url"),
        ]
        for library, message in cases:
            with self.subTest(library=library):
                self.assertIn(message, self.refusal(library))

    def test_a_library_subscribes_to_none(self):
        self.assertIn(
            "ne s'abonne pas à une autre bibliothèque",
            self.refusal({"url": "http://b/x"}, LIBRARY),
        )

    def test_selected(self):
        entry = {"key": "mariage", "topics": ["etat-civil"]}
        self.assertTrue(selected("all", entry))
        self.assertTrue(selected({"topics": ["etat-civil", "urbanisme"]}, entry))
        self.assertFalse(selected({"topics": ["urbanisme"]}, entry))
        self.assertTrue(selected(["mariage"], entry))
        self.assertFalse(selected(["carte-identite"], entry))
