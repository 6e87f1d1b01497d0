"""The examples of docs/operators/library.md, run in a plain shell as typed.

The feed's examples run against the test server (only the library's address
changes); the sheets' check runs in the checkout.
"""

from imio.commune.library.testing import LIBRARY_FUNCTIONAL_TESTING
from imio.commune.library.testing import LIBRARY_SITE_ID
from pathlib import Path

import json
import re
import subprocess
import tempfile
import unittest


CHECKOUT = Path(__file__).parents[4]
DOCS = CHECKOUT / "docs" / "operators" / "library.md"
DOCS_LIBRARY = "http://localhost:8080/bibliotheque"
BLOCK = re.compile(r"^```shell\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def shell_blocks(containing: str) -> list[str]:
    return [
        code
        for code in BLOCK.findall(DOCS.read_text(encoding="utf-8"))
        if containing in code
    ]


class TestLibraryDocs(unittest.TestCase):
    layer = LIBRARY_FUNCTIONAL_TESTING

    def setUp(self):
        self.library = (
            f"http://{self.layer['host']}:{self.layer['port']}/{LIBRARY_SITE_ID}"
        )
        self.home = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.home.cleanup()

    def run_shell(self, code: str, cwd: Path | None = None) -> str:
        done = subprocess.run(
            ["/bin/sh", "-c", code.replace(DOCS_LIBRARY, self.library)],
            cwd=cwd or self.home.name,
            env={"PATH": "/usr/bin:/bin", "HOME": self.home.name, "LANG": "C.UTF-8"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        return done.stdout

    def test_the_feed_examples(self):
        first, following, unchanged = shell_blocks("@library-changes")
        page = json.loads(self.run_shell(first))
        self.assertTrue(page["more"])
        self.assertEqual(len(page["changes"]), 2)
        following_page = json.loads(self.run_shell(following))
        self.assertEqual(len(following_page["changes"]), 2)
        self.assertFalse(
            {entry["key"] for entry in page["changes"]}
            & {entry["key"] for entry in following_page["changes"]}
        )
        self.assertGreater(int(following_page["cursor"]), int(page["cursor"]))
        self.assertEqual(self.run_shell(unchanged), "304\n")

    def test_the_sheets_check(self):
        (check,) = shell_blocks("imio.commune.library.sheets")
        self.assertIn("fiches correctes sur", self.run_shell(check, cwd=CHECKOUT))
