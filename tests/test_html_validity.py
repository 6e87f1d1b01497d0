"""The pages of the demo commune are valid HTML5, as the Nu Html Checker reads them."""

from pathlib import Path
from tests.instance import DEMO_INSTANCE

import json
import requests
import subprocess
import tempfile
import unittest


# npm's vnu-jar, pinned in tests/html/package.json (`make test` installs it).
CHECKER = Path(__file__).parent / "html" / "node_modules/vnu-jar/build/dist/vnu.jar"
PAGES = (
    "",
    "/demarches",
    "/actualites",
    "/contact",
    "/@@search?SearchableText=carte",
    "/login",
    "/demarches/carte-identite",
    "/services/population-etat-civil",
    "/vie-politique/mandataires/anne-dumont",
    "/actualites/nouveau-calendrier-des-collectes",
    "/agenda/marche-hebdomadaire",
    "/ma-commune/lieux/hotel-de-ville",
    "/ma-commune/publications/bulletin-communal",
    "/@@je-trouve",
    "/@@je-trouve/demenagement",
    "/@@je-suis/nouvel-habitant",
    "/e-guichet/certificat-de-residence",
    "/e-guichet/reservation-salle",
)
# The page of an address that leads nowhere.
MISSING = "/page-disparue"


def html_errors(pages: dict[str, str]) -> list[str]:
    """The checker's errors in the pages, one line each with page and line."""
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for number, (name, text) in enumerate(pages.items()):
            path = Path(folder) / f"page-{number}.html"
            path.write_text(text, encoding="utf-8")
            files[f"file:{path}"] = name
        checked = subprocess.run(
            ["java", "-jar", str(CHECKER), "--errors-only", "--format", "json"]
            + [uri.removeprefix("file:") for uri in files],
            capture_output=True,
            text=True,
            timeout=300,
        )
    messages = json.loads(checked.stderr)["messages"]
    return [
        f"{files.get(message.get('url'), message.get('url'))}:"
        f"{message.get('lastLine')}: {message['message']}"
        for message in messages
    ]


class TestValidHtml(unittest.TestCase):
    layer = DEMO_INSTANCE

    def test_the_checker_finds_what_plone_s_own_chrome_had(self):
        page = (
            '<!DOCTYPE html><html lang="fr"><head><title>Namur</title></head><body>'
            '<section role="toolbar"><a href="/login" icon="plone-login">Login</a>'
            '<input id="menu" type="checkbox">'
            '<label for="menu" role="button" aria-label="Ouvrir"></label>'
            "</section></body></html>"
        )
        self.assertEqual(
            [error.split(": ", 1)[1] for error in html_errors({"chrome": page})],
            [
                "Bad value \u201ctoolbar\u201d for attribute \u201crole\u201d"
                " on element \u201csection\u201d.",
                "Attribute \u201cicon\u201d not allowed on element \u201ca\u201d"
                " at this point.",
                "The \u201crole\u201d attribute must not be used on any"
                " \u201clabel\u201d element that is associated with a labelable"
                " element.",
                "The \u201caria-label\u201d attribute must not be used on any"
                " \u201clabel\u201d element that is associated with a labelable"
                " element.",
            ],
        )

    def test_the_commune_s_public_pages(self):
        pages = {}
        for path in PAGES:
            response = requests.get(self.layer["site_url"] + path, timeout=60)
            self.assertEqual(response.status_code, 200, path)
            pages[path or "/"] = response.text
        missing = requests.get(self.layer["site_url"] + MISSING, timeout=60)
        self.assertEqual(missing.status_code, 404)
        pages[MISSING] = missing.text
        self.assertEqual(html_errors(pages), [])

    def test_charset_in_the_first_1024_bytes(self):
        response = requests.get(self.layer["site_url"], timeout=60)
        self.assertIn(b'<meta charset="utf-8"', response.content[:1024])
