"""The answer eguichet_forms installs ready forms of the e-guichet library."""

from imio.commune.answers import AnswersError
from imio.commune.answers import apply_answers
from imio.commune.answers import complete_answers
from imio.commune.cli.profiles import answers_schema
from imio.commune.cli.profiles import load_profile
from imio.commune.cli.profiles import ProfileError
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from imio.commune.tests.test_answers import create_site
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.library import FORM_IDS
from pathlib import Path
from plone import api

import jsonschema
import tempfile
import unittest


DEMO = Path(__file__).resolve().parents[4] / "profiles" / "demo.yaml"


class TestSchema(unittest.TestCase):
    def test_choices_are_the_library(self):
        field = answers_schema()["properties"]["eguichet_forms"]
        self.assertEqual(field["items"]["enum"], list(FORM_IDS))
        self.assertEqual(field["default"], [])

    def test_unknown_form_is_refused(self):
        answers = {
            "site_id": "ohey",
            "title": "Commune d'Ohey",
            "refnis": "92097",
            "eguichet_forms": ["extrait-acte", "permis-de-chasse"],
        }
        with self.assertRaises(jsonschema.ValidationError) as raised:
            jsonschema.validate(answers, answers_schema())
        self.assertIn("permis-de-chasse", raised.exception.message)
        with tempfile.TemporaryDirectory() as directory:
            profile = Path(directory) / "ohey.yaml"
            profile.write_text(
                "site_id: ohey\ntitle: Ohey\nrefnis: '92097'\n"
                "eguichet_forms: [permis-de-chasse]\n",
                encoding="utf-8",
            )
            with self.assertRaises(ProfileError) as raised:
                load_profile(profile)
        self.assertIn("eguichet_forms", str(raised.exception))

    def test_forms_need_the_eguichet_section(self):
        with self.assertRaises(AnswersError) as raised:
            complete_answers({
                "site_id": "ohey",
                "title": "Commune d'Ohey",
                "refnis": "92097",
                "sections": ["actualites"],
                "eguichet_forms": ["extrait-acte"],
            })
        self.assertEqual(raised.exception.field, "eguichet_forms")

    def test_demo_profile_lists_every_form(self):
        answers = load_profile(DEMO).answers
        self.assertEqual(answers["eguichet_forms"], list(FORM_IDS))


class TestInstallForms(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def test_forms_created_once(self):
        answers = {
            "site_id": "ohey",
            "title": "Commune d'Ohey",
            "refnis": "92097",
            "eguichet_forms": ["extrait-acte", "signalement-voirie"],
        }
        site = create_site(self.layer["app"], **answers)
        section = site["e-guichet"]
        self.assertEqual(
            sorted(section.objectIds()), ["extrait-acte", "signalement-voirie"]
        )
        form = section["signalement-voirie"]
        self.assertTrue(IEguichetForm.providedBy(form))
        self.assertEqual(api.content.get_state(form), "published")

        # An editor's change survives the next deploy, which creates nothing.
        form.title = "Signaler un souci de voirie"
        changes = apply_answers(site, complete_answers(answers))
        self.assertEqual([c for c in changes if "e-guichet" in c], [])
        self.assertEqual(
            section["signalement-voirie"].title, "Signaler un souci de voirie"
        )

        # A form added to the answers later is installed beside them.
        more = {
            **answers,
            "eguichet_forms": [
                "extrait-acte",
                "signalement-voirie",
                "inscription-stage",
            ],
        }
        changes = apply_answers(site, complete_answers(more))
        self.assertEqual(changes, ["/e-guichet/inscription-stage"])
