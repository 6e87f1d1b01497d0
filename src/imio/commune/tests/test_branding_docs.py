"""The example profile of docs/operators/branding.md, validated and applied."""

from imio.commune.answers import apply_answers
from imio.commune.cli.profiles import load_profile
from imio.commune.cli.profiles import ProfileError
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from imio.website.interfaces import IImioWebsiteLayer
from pathlib import Path
from zope.component.hooks import setSite
from zope.interface import alsoProvides

import lxml.html
import re
import tempfile
import unittest
import yaml


DOCS = Path(__file__).parents[4] / "docs" / "operators" / "branding.md"
BLOCK = re.compile(r"^```yaml\n(.*?)^```$", re.MULTILINE | re.DOTALL)
# A logo as a commune's designer hands it over: sized by its viewBox.
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 100">'
    '<rect width="300" height="100" fill="#7a1f2b"/>'
    '<text x="20" y="62" fill="#ffffff" font-size="40">Namur</text></svg>'
)


class TestBrandingDocs(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        [self.example] = BLOCK.findall(DOCS.read_text(encoding="utf-8"))
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def test_the_example_profile_makes_the_communes_header_and_footer(self):
        logo_name = yaml.safe_load(self.example)["site_logo"]
        (self.folder / logo_name).write_text(LOGO, encoding="utf-8")
        path = self.folder / "namur.yaml"
        path.write_text(self.example, encoding="utf-8")
        answers = load_profile(path).answers
        site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(site)
        apply_answers(site, answers)
        request = self.layer["request"]
        alsoProvides(request, IImioWebsiteLayer)
        page = lxml.html.fromstring(site.restrictedTraverse("@@search")())
        [logo] = page.cssselect("header .site-brand img")
        self.assertEqual(
            logo.get("src"),
            "http://nohost/gesves/@@site-logo/Logo%20Ville%20de%20Namur.svg",
        )
        self.assertEqual(
            (logo.get("alt"), logo.get("width"), logo.get("height")),
            ("Ville de Namur", "168", "56"),
        )
        footer = page.cssselect("#portal-footer-wrapper")[0]
        self.assertIn("Esplanade de l'Hôtel de Ville 1", footer.text_content())
        self.assertEqual(
            [link.text for link in footer.cssselect(".site-footer-social a")],
            ["Facebook", "Instagram"],
        )

    def test_the_example_refused_without_its_logo(self):
        path = self.folder / "namur.yaml"
        path.write_text(self.example, encoding="utf-8")
        with self.assertRaisesRegex(ProfileError, "champ site_logo: le fichier"):
            load_profile(path)
