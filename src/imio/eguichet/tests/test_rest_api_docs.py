"""The examples of docs/developers/rest-api.md, run as a user types them.

Each ``shell`` block and each ``python`` block addressed to the demo site runs
in a plain shell, against the test server: only the site's address changes.
"""

from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.library import install_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import phone_photo
from imio.eguichet.testing import SERVICE
from pathlib import Path
from imio.eguichet.tests.library_helpers import eguichet_folder
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import json
import re
import subprocess
import tempfile
import transaction
import unittest


DOCS = Path(__file__).parents[4] / "docs" / "developers" / "rest-api.md"
DEMO_SITE = "http://localhost:8080/demo"
BLOCK = re.compile(r"^```(shell|python)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
REFERENCE = r"\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b"
FORMS = ("extrait-acte", "declaration-perte-document", "signalement-voirie")


def examples() -> list[tuple[str, str]]:
    """(language, code) of each example addressed to the site."""
    return [
        (language, code)
        for language, code in BLOCK.findall(DOCS.read_text(encoding="utf-8"))
        if DEMO_SITE in code
    ]


class TestRestApiDocs(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        folder = eguichet_folder(self.portal)
        for form_id in FORMS:
            install_form(folder, form_id, processing_service=SERVICE)
        # The citizen of the documentation, with the password it types.
        api.user.create(
            email="marie.dupont@example.org",
            username="marie.dupont",
            password="Namur-5000",  # noqa: S106 - the documentation's example
            properties={"fullname": "Marie Dupont"},
        )
        transaction.commit()
        self.folder = tempfile.TemporaryDirectory()
        Path(self.folder.name, "photo.jpg").write_bytes(phone_photo(seed=5))

    def tearDown(self):
        self.folder.cleanup()

    def run_example(self, language: str, code: str) -> str:
        code = code.replace(DEMO_SITE, self.portal.absolute_url())
        command = ["sh", "-c", code] if language == "shell" else ["python3", "-"]
        done = subprocess.run(
            command,
            input=code if language == "python" else None,
            cwd=self.folder.name,
            env={"PATH": "/usr/bin:/bin", "HOME": self.folder.name, "LANG": "C.UTF-8"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        return done.stdout

    def test_every_example_runs(self):
        runnable = examples()
        self.assertGreaterEqual(len(runnable), 4, runnable)
        submissions = 0
        for language, code in runnable:
            with self.subTest(example=code.splitlines()[0]):
                output = self.run_example(language, code)
                if "@submit" not in code:
                    forms = json.loads(output)["items"]
                    self.assertIn("extrait-acte", {form["id"] for form in forms})
                    continue
                submissions += 1
                self.assertRegex(output, REFERENCE)
        transaction.begin()
        self.assertEqual(len(get_cases_folder(self.portal)), submissions)
        self.assertEqual(submissions, 3)
