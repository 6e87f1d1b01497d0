"""docs/operators/identity.md: its profiles, its keys and the demo's contract."""

from imio.commune.answers import apply_answers
from imio.commune.cli.profiles import answers_schema
from imio.commune.cli.profiles import load_profile
from imio.commune.demo.identity import instance_environment
from imio.commune.demo.identity import provider_command
from imio.commune.demo.identity import provider_environment
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from imio.eguichet.identity.settings import DEFAULT_CLAIMS
from imio.eguichet.identity.settings import get_settings
from pathlib import Path
from zope.component.hooks import setSite

import re
import tempfile
import unittest
import yaml


ROOT = Path(__file__).parents[4]
DOCS = ROOT / "docs" / "operators" / "identity.md"
BLOCK = re.compile(r"^```yaml\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def section(title: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def first_column(table: str) -> list[str]:
    """The backquoted first cell of each row of the first Markdown table."""
    return re.findall(r"^\| `([^`]+)` \|", table, re.MULTILINE)


class TestIdentityDocs(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def load(self, example: str) -> dict:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "namur.yaml"
            path.write_text(example, encoding="utf-8")
            return load_profile(path).answers

    def test_the_example_profiles_are_valid_and_applied(self):
        examples = BLOCK.findall(DOCS.read_text(encoding="utf-8"))
        self.assertEqual(len(examples), 2)
        site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(site)
        for example in examples:
            answers = self.load(example)
            apply_answers(site, answers)
            settings = get_settings()
            self.assertEqual(
                settings.issuer, yaml.safe_load(example)["identity"]["issuer"]
            )
        self.assertEqual(settings.client_secret_file, "/etc/imio/namur-oidc-secret")
        self.assertEqual(settings.session_minutes, 30)
        self.assertEqual(settings.claims["email"], "email")
        self.assertEqual(settings.claims["given_name"], "givenName")

    def test_the_table_lists_every_key_of_the_answer(self):
        keys = first_column(section("The profile").split("| key |")[1])
        schema = answers_schema()["properties"]["identity"]["properties"]
        self.assertEqual(sorted(keys), sorted(schema))

    def test_the_claims_table_is_the_default_mapping(self):
        rows = re.findall(r"^\| `(\w+)` \| `(\w+)` \|", section("Claims"), re.MULTILINE)
        self.assertEqual(dict(rows), DEFAULT_CLAIMS)

    def test_the_demo_contract_is_what_the_code_gives(self):
        demo = section("The demo")
        with tempfile.TemporaryDirectory() as var:
            environment = provider_environment(Path(var))
            instance = instance_environment(Path(var))
        self.assertIn(f"`{' '.join(provider_command())}`", demo)
        shown = {
            "OIDC_CLIENT_ID": "`OIDC_CLIENT_ID=demo`",
            "OIDC_CLIENT_SECRET": "`OIDC_CLIENT_SECRET` (the secret)",
        }
        for name, value in environment.items():
            self.assertIn(shown.get(name, f"`{name}` (`{value}`)"), demo)
        self.assertIn(f"`{next(iter(instance))}` (the same secret)", demo)
        answer = yaml.safe_load((ROOT / "profiles" / "demo.yaml").read_text())
        for key, value in answer["identity"].items():
            self.assertIn(f"| `{key}` | `{value}` |", demo)
