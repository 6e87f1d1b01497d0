"""The library site: its profile, its sheets loaded from data, their versions."""

from imio.commune.answers import apply_answers
from imio.commune.answers import stored_answers
from imio.commune.cli.profiles import load_profile
from imio.commune.cli.profiles import ProfileError
from imio.commune.library.interfaces import ILibrarySite
from imio.commune.library.sheets import read_sheet
from imio.commune.library.sheets import read_sheets
from imio.commune.library.sheets import SheetError
from imio.commune.library.sheets import SHEETS_DIR
from imio.commune.library.testing import LIBRARY_INTEGRATION_TESTING
from imio.commune.library.testing import LIBRARY_PROFILE
from imio.commune.library.testing import LIBRARY_SITE_ID
from imio.commune.testing import COMMUNE_SITE_ID
from pathlib import Path
from plone import api
from plone.app.textfield.value import RichTextValue
from zope.component.hooks import setSite
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

import tempfile
import unittest
import yaml


SHEET = {
    "fr": {
        "title": "Passeport",
        "description": "Demander un passeport.",
        "sections": {
            "what_you_get": "Un passeport.",
            "who_may_ask": "Tout Belge inscrit.",
            "how_to_proceed": "<p>Au guichet.</p>",
            "cost": "75 €.",
        },
        "topics": ["etat-civil-et-population"],
        "life_events": ["voyager"],
        "audiences": ["citoyen"],
    },
    "de": {
        "title": "Reisepass",
        "description": "Einen Reisepass beantragen.",
        "sections": {
            "what_you_get": "Einen Reisepass.",
            "who_may_ask": "Jeder eingetragene Belgier.",
            "how_to_proceed": "<p>Am Schalter.</p>",
            "cost": "75 €.",
        },
    },
}

LIBRARY = "kind: library\nsite_id: bibliotheque\ntitle: Bibliothèque\n"


class TestLibraryProfile(unittest.TestCase):
    def write(self, text: str, name: str = "bibliotheque") -> Path:
        directory = Path(tempfile.mkdtemp())
        path = directory / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    def test_the_shipped_profile_is_a_library_without_commune(self):
        answers = load_profile(LIBRARY_PROFILE).answers
        self.assertEqual(answers["kind"], "library")
        self.assertEqual(answers["site_id"], "bibliotheque")
        self.assertEqual(answers["other_languages"], ["de"])
        self.assertTrue(answers["library_content"])
        self.assertNotIn("refnis", answers)
        self.assertEqual(answers["sections"], [])

    def test_a_library_has_no_refnis(self):
        path = self.write(f"{LIBRARY}refnis: '92094'\n")
        with self.assertRaises(ProfileError) as caught:
            load_profile(path)
        self.assertIn("champ refnis: une bibliothèque", str(caught.exception))

    def test_a_commune_still_needs_its_refnis(self):
        path = self.write("site_id: namur\ntitle: Namur\n", name="namur")
        with self.assertRaises(ProfileError) as caught:
            load_profile(path)
        self.assertIn("'refnis' is a required property", str(caught.exception))

    def test_library_content_only_for_a_library(self):
        path = self.write(
            "site_id: namur\ntitle: Namur\nrefnis: '92094'\nlibrary_content: true\n",
            name="namur",
        )
        with self.assertRaises(ProfileError) as caught:
            load_profile(path)
        self.assertIn("champ library_content: réservé", str(caught.exception))

    def test_a_library_speaks_french_and_german_only(self):
        path = self.write(f"{LIBRARY}other_languages: [nl]\n")
        with self.assertRaises(ProfileError) as caught:
            load_profile(path)
        self.assertIn("champ other_languages", str(caught.exception))

    def test_an_unknown_kind_is_refused(self):
        path = self.write(LIBRARY.replace("library", "forum") + "refnis: '92094'\n")
        with self.assertRaises(ProfileError) as caught:
            load_profile(path)
        self.assertIn("champ kind", str(caught.exception))


class TestSheetFiles(unittest.TestCase):
    def error(self, data, name: str = "passeport.yaml") -> str:
        path = Path(tempfile.mkdtemp()) / name
        text = data if isinstance(data, str) else yaml.safe_dump(data)
        path.write_text(text, encoding="utf-8")
        with self.assertRaises(SheetError) as caught:
            read_sheet(path)
        return str(caught.exception)

    def changed(self, language: str, **fields) -> dict:
        sheet = yaml.safe_load(yaml.safe_dump(SHEET))
        sheet[language].update(fields)
        return sheet

    def test_every_shipped_sheet_loads(self):
        sheets = read_sheets()
        self.assertGreaterEqual(len(sheets), 3)
        keys = [sheet.key for sheet in sheets]
        for key in ("carte-identite", "changement-adresse", "permis-urbanisme"):
            self.assertIn(key, keys)
        self.assertEqual(len(sheets), len(list(SHEETS_DIR.glob("*.yaml"))))

    def test_a_plain_sentence_becomes_a_paragraph(self):
        path = Path(tempfile.mkdtemp()) / "passeport.yaml"
        path.write_text(yaml.safe_dump(SHEET), encoding="utf-8")
        sheet = read_sheet(path)
        self.assertEqual(sheet.key, "passeport")
        self.assertEqual(sheet.texts["fr"]["sections"]["cost"], "<p>75 €.</p>")
        self.assertEqual(sheet.texts["de"]["topics"], [])

    def test_the_file_name_is_the_key(self):
        self.assertIn(
            "Passeport.yaml : le nom du fichier est la clé",
            self.error(SHEET, name="Passeport.yaml"),
        )

    def test_both_languages_are_required(self):
        self.assertEqual(
            self.error({"fr": SHEET["fr"]}),
            "passeport.yaml : champ de : bloc de langue obligatoire, absent.",
        )
        self.assertIn(
            "champ nl : langue inconnue", self.error({**SHEET, "nl": SHEET["fr"]})
        )

    def test_title_and_mandatory_sections(self):
        self.assertEqual(
            self.error(self.changed("de", title="")),
            "passeport.yaml : champ de.title : texte obligatoire, absent ou vide.",
        )
        sections = dict(SHEET["fr"]["sections"], cost="  ")
        self.assertIn(
            "champ fr.sections.cost : section obligatoire",
            self.error(self.changed("fr", sections=sections)),
        )

    def test_unknown_section_and_field(self):
        sections = dict(SHEET["fr"]["sections"], price="5 €")
        self.assertIn(
            "champ fr.sections.price : section inconnue",
            self.error(self.changed("fr", sections=sections)),
        )
        self.assertIn(
            "champ de.summary : champ inconnu",
            self.error(self.changed("de", summary="…")),
        )

    def test_taxonomy_ids_must_exist(self):
        message = self.error(self.changed("fr", life_events=["vacances"]))
        self.assertIn("champ fr.life_events : « vacances » n'existe pas", message)
        self.assertIn("voyager", message)
        self.assertIn(
            "champ de.topics : doit être une liste",
            self.error(self.changed("de", topics="mobilite-et-travaux")),
        )

    def test_invalid_yaml(self):
        self.assertIn("passeport.yaml : YAML invalide", self.error("fr: [\n"))
        self.assertIn("doit contenir un bloc par langue", self.error("- fr\n"))


class LibraryTestCase(unittest.TestCase):
    layer = LIBRARY_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][LIBRARY_SITE_ID]
        setSite(self.site)

    def tearDown(self):
        setSite(self.layer["portal"])


class TestLibrarySite(LibraryTestCase):
    def test_language_folders_hold_the_published_sheets(self):
        self.assertTrue(ILibrarySite.providedBy(self.site))
        for language in ("fr", "de"):
            folder = self.site[language]
            self.assertEqual(api.content.get_state(folder), "published")
            sheet = folder["carte-identite"]
            self.assertEqual(sheet.portal_type, "Procedure")
            self.assertEqual(api.content.get_state(sheet), "published")
            self.assertEqual(sheet.Language(), language)
            self.assertEqual(sheet.library_key, "carte-identite")
            self.assertEqual(sheet.library_version, 1)
        self.assertEqual(
            self.site["de"]["carte-identite"].title,
            "Elektronischer Personalausweis (eID)",
        )
        self.assertEqual(
            self.site["fr"]["changement-adresse"].taxonomy_life_event,
            ["demenagement"],
        )
        self.assertIn(
            "Code du Développement territorial",
            self.site["fr"]["permis-urbanisme"].legal_basis.raw,
        )

    def test_a_library_has_none_of_a_communes_rooms(self):
        for section in ("demarches", "services", "e-guichet", "ma-commune"):
            self.assertNotIn(section, self.site)
        self.assertIsNone(api.group.get(groupname="agents-population-etat-civil"))

    def test_a_second_deploy_changes_nothing(self):
        answers = load_profile(LIBRARY_PROFILE).answers
        self.assertEqual(stored_answers(self.site), answers)
        self.assertEqual(apply_answers(self.site, answers), [])

    def test_edited_and_deleted_sheets_stay_as_the_editors_left_them(self):
        sheet = self.site["fr"]["carte-identite"]
        sheet.title = "Carte d'identité"
        with api.env.adopt_roles(["Manager"]):
            api.content.delete(self.site["de"]["permis-urbanisme"])
        self.assertEqual(apply_answers(self.site, stored_answers(self.site)), [])
        self.assertEqual(sheet.title, "Carte d'identité")
        self.assertNotIn("permis-urbanisme", self.site["de"])


class TestVersions(LibraryTestCase):
    def edit(self, sheet, **fields):
        for name, value in fields.items():
            setattr(sheet, name, value)
        notify(ObjectModifiedEvent(sheet))

    def test_each_change_of_the_published_content_is_a_version(self):
        sheet = self.site["fr"]["carte-identite"]
        self.edit(sheet, title="Carte d'identité")
        self.assertEqual(sheet.library_version, 2)
        self.edit(
            sheet, cost=RichTextValue("<p>30 €</p>", "text/html", "text/x-html-safe")
        )
        self.assertEqual(sheet.library_version, 3)
        self.edit(sheet, taxonomy_audience=["citoyen"])
        self.assertEqual(sheet.library_version, 4)
        self.assertEqual(self.site["de"]["carte-identite"].library_version, 1)

    def test_a_change_that_the_feed_does_not_show_is_no_version(self):
        sheet = self.site["fr"]["carte-identite"]
        self.edit(sheet, featured=True)
        notify(ObjectModifiedEvent(sheet))
        self.assertEqual(sheet.library_version, 1)

    def test_a_communes_procedures_have_no_version(self):
        commune = self.layer["app"][COMMUNE_SITE_ID]
        setSite(commune)
        with api.env.adopt_roles(["Manager"]):
            procedure = api.content.create(
                container=commune["demarches"], type="Procedure", id="carte-identite"
            )
        self.edit(procedure, title="Carte d'identité")
        self.assertFalse(hasattr(procedure, "library_version"))
        self.assertFalse(hasattr(procedure, "library_key"))
