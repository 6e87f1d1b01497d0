"""The commune's logo from a file next to its profile, checked before any write."""

from imio.commune.answers import AnswersError
from imio.commune.answers import apply_answers
from imio.commune.answers import complete_answers
from imio.commune.cli.profiles import load_profile
from imio.commune.cli.profiles import ProfileError
from imio.commune.logo import MAX_LOGO_BYTES
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from pathlib import Path
from plone import api
from plone.formwidget.namedfile.converter import b64decode_file
from zope.component.hooks import setSite

import io
import PIL.Image
import tempfile
import unittest


SHIELD = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 80">'
    '<rect width="240" height="80" fill="#7a1f2b"/>'
    '<text x="10" y="50" fill="#fff">Namur</text></svg>'
)
PROFILE = """\
site_id: namur
title: Ville de Namur
refnis: "92094"
main_colour: "#7a1f2b"
site_logo: {logo}
"""


def png(width: int, height: int) -> bytes:
    output = io.BytesIO()
    PIL.Image.new("RGB", (width, height), "#7a1f2b").save(output, "PNG")
    return output.getvalue()


class ProfileWithLogo(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def profile(self, logo_name: str, content: bytes | str | None) -> Path:
        if content is not None:
            logo = self.folder / logo_name
            if isinstance(content, str):
                logo.write_text(content, encoding="utf-8")
            else:
                logo.write_bytes(content)
        path = self.folder / "namur.yaml"
        path.write_text(PROFILE.format(logo=f'"{logo_name}"'), encoding="utf-8")
        return path

    def refused(self, logo_name: str, content) -> str:
        with self.assertRaises(ProfileError) as raised:
            load_profile(self.profile(logo_name, content))
        message = str(raised.exception)
        self.assertIn("champ site_logo", message)
        return message


class TestLogoInProfile(ProfileWithLogo):
    def test_svg_with_accents_and_spaces_in_its_name(self):
        answers = load_profile(self.profile("Logo Ville été.svg", SHIELD)).answers
        self.assertTrue(
            answers["site_logo"].startswith(
                "data:image/svg+xml;name=Logo%20Ville%20%C3%A9t%C3%A9.svg;base64,"
            )
        )

    def test_png(self):
        answers = load_profile(self.profile("écusson.png", png(200, 100))).answers
        self.assertTrue(answers["site_logo"].startswith("data:image/png;"))

    def test_missing_file(self):
        message = self.refused("logo.svg", None)
        self.assertIn("le fichier logo.svg est introuvable à côté du profil", message)

    def test_neither_svg_nor_png(self):
        message = self.refused("logo.jpg", b"\xff\xd8\xff\xe0")
        self.assertIn("logo.jpg n'est ni un fichier SVG ni un fichier PNG", message)

    def test_too_large(self):
        message = self.refused("logo.png", png(10, 10) + b"\0" * MAX_LOGO_BYTES)
        self.assertIn("au plus 500 Ko sont acceptés", message)

    def test_a_png_that_is_not_one(self):
        message = self.refused("logo.png", b"GIF89a")
        self.assertIn("logo.png n'est pas une image PNG valide", message)

    def test_svg_with_a_script(self):
        active = SHIELD.replace("</svg>", "<script>alert(1)</script></svg>")
        self.assertIn("contient un script", self.refused("logo.svg", active))
        handler = SHIELD.replace("<rect ", '<rect onclick="alert(1)" ')
        self.assertIn("contient un script", self.refused("logo.svg", handler))

    def test_svg_without_a_size(self):
        sizeless = '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'
        self.assertIn("viewBox", self.refused("logo.svg", sizeless))

    def test_a_data_url_from_the_creation_form_is_checked_too(self):
        with self.assertRaises(AnswersError) as raised:
            complete_answers({
                "site_id": "namur",
                "title": "Ville de Namur",
                "refnis": "92094",
                "site_logo": "data:image/gif;name=logo.gif;base64,R0lGODlh",
            })
        self.assertEqual(raised.exception.field, "site_logo")


class TestLogoApplied(ProfileWithLogo):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def test_the_site_shows_the_profile_s_logo_and_a_redeploy_changes_nothing(self):
        site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(site)
        answers = load_profile(self.profile("Logo Ville été.svg", SHIELD)).answers
        answers = {**answers, "site_id": COMMUNE_SITE_ID, "refnis": "92054"}
        self.assertIn("plone.site_logo", apply_answers(site, answers))
        filename, data = b64decode_file(
            api.portal.get_registry_record("plone.site_logo")
        )
        self.assertEqual((filename, data.decode()), ("Logo Ville été.svg", SHIELD))
        self.assertEqual(apply_answers(site, answers), [])
