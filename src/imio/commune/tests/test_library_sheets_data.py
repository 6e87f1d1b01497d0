"""The library's shipped sheets: every file loads, in French and German, complete."""

from imio.commune.library.sheets import read_sheets
from imio.commune.library.sheets import SHEETS_DIR
from imio.commune.library.sheets import taxonomy_ids
from imio.commune.library.sheets import TAXONOMY_FIELDS
from imio.commune.library.testing import LIBRARY_INTEGRATION_TESTING
from imio.commune.library.testing import LIBRARY_SITE_ID
from imio.website.content.procedure.content import MANDATORY_SECTIONS
from imio.website.content.procedure.content import SECTIONS
from lxml import etree
from plone import api
from zope.component.hooks import setSite

import re
import unittest


TAGS = re.compile(r"<[^>]+>")
# Sections most sheets fill besides the mandatory ones.
USUAL_SECTIONS = ("documents", "delay", "legal_basis")


def text_of(html: str) -> str:
    return TAGS.sub("", html).strip()


class TestShippedSheets(unittest.TestCase):
    """The data files themselves, read with the library's loader."""

    def setUp(self):
        self.sheets = read_sheets()

    def test_at_least_thirty_sheets_and_every_file_read(self):
        self.assertGreaterEqual(len(self.sheets), 30)
        self.assertEqual(
            sorted(sheet.key for sheet in self.sheets),
            sorted(path.stem for path in SHEETS_DIR.glob("*.yaml")),
        )

    def test_both_languages_with_their_own_text(self):
        for sheet in self.sheets:
            with self.subTest(sheet=sheet.key):
                self.assertEqual(set(sheet.texts), {"fr", "de"})
                fr, de = sheet.texts["fr"], sheet.texts["de"]
                self.assertNotEqual(fr["title"], de["title"])
                self.assertNotEqual(fr["description"], de["description"])
                for name in fr["sections"]:
                    self.assertNotEqual(fr["sections"][name], de["sections"][name])

    def test_mandatory_sections_have_text_in_both_languages(self):
        for sheet in self.sheets:
            for language, texts in sheet.texts.items():
                with self.subTest(sheet=sheet.key, language=language):
                    self.assertLessEqual(set(texts["sections"]), set(SECTIONS))
                    for name in MANDATORY_SECTIONS:
                        self.assertTrue(text_of(texts["sections"].get(name, "")))

    def test_both_languages_fill_the_same_sections(self):
        for sheet in self.sheets:
            with self.subTest(sheet=sheet.key):
                self.assertEqual(
                    set(sheet.texts["fr"]["sections"]),
                    set(sheet.texts["de"]["sections"]),
                )

    def test_most_sheets_give_documents_delay_and_legal_basis(self):
        complete = [
            sheet.key
            for sheet in self.sheets
            if all(
                text_of(sheet.texts["fr"]["sections"].get(name, ""))
                for name in USUAL_SECTIONS
            )
        ]
        self.assertGreater(len(complete), len(self.sheets) * 3 // 4)

    def test_sections_are_well_formed_html(self):
        for sheet in self.sheets:
            for language, texts in sheet.texts.items():
                for name, html in texts["sections"].items():
                    with self.subTest(sheet=sheet.key, language=language, name=name):
                        etree.fromstring(f"<div>{html}</div>")

    def test_taxonomy_ids_are_known_and_the_same_in_both_languages(self):
        for sheet in self.sheets:
            for name, (taxonomy, _field) in TAXONOMY_FIELDS.items():
                with self.subTest(sheet=sheet.key, taxonomy=taxonomy):
                    terms = sheet.texts["fr"][name]
                    # Every sheet has a topic and an audience; a life event
                    # only when one fits.
                    if name != "life_events":
                        self.assertTrue(terms)
                    self.assertLessEqual(set(terms), taxonomy_ids(taxonomy))
                    self.assertEqual(terms, sheet.texts["de"][name])


class TestShippedSheetsInTheLibrary(unittest.TestCase):
    """The library site deployed from its profile holds every shipped sheet."""

    layer = LIBRARY_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][LIBRARY_SITE_ID]
        setSite(self.site)

    def tearDown(self):
        setSite(self.layer["portal"])

    def test_every_sheet_is_a_complete_published_procedure_in_both_languages(self):
        for sheet in read_sheets():
            for language, texts in sheet.texts.items():
                with self.subTest(sheet=sheet.key, language=language):
                    procedure = self.site[language][sheet.key]
                    self.assertEqual(procedure.title, texts["title"])
                    self.assertEqual(procedure.Language(), language)
                    self.assertEqual(api.content.get_state(procedure), "published")
                    self.assertEqual(procedure.missing_sections(), [])
                    self.assertEqual(
                        list(procedure.taxonomy_topic or []), texts["topics"]
                    )

    def test_the_sections_survive_the_html_filter(self):
        procedure = self.site["de"]["nationalite-belge"]
        output = procedure.who_may_ask.output
        self.assertIn("<li>", output)
        self.assertIn("Artikel 12bis", output)
        self.assertIn(
            "Code de la nationalité belge",
            self.site["fr"]["nationalite-belge"].legal_basis.output,
        )
