"""Tests for the communes, postal codes and languages reference data."""

import dataclasses
import unittest

from imio.belgium import (
    MESSAGES,
    Commune,
    InvalidInput,
    commune_languages,
    communes_for_postal_code,
    find_commune,
    get_commune,
    validate_postal_code,
    walloon_communes,
)
from imio.belgium.communes import _communes

WALLOON_PROVINCES = {"20002", "50000", "60000", "80000", "90000"}

# The communes with language facilities, with their French names as published
# by Statbel, so that a wrong REFNIS code in the table shows up here.
FACILITY_COMMUNES = {
    "63001": ("Amblève", ("de", "fr")),
    "63012": ("Bullange", ("de", "fr")),
    "63087": ("Burg-Reuland", ("de", "fr")),
    "63013": ("Butgenbach", ("de", "fr")),
    "63023": ("Eupen", ("de", "fr")),
    "63040": ("La Calamine", ("de", "fr")),
    "63048": ("Lontzen", ("de", "fr")),
    "63061": ("Raeren", ("de", "fr")),
    "63067": ("Saint-Vith", ("de", "fr")),
    "63049": ("Malmedy", ("fr", "de")),
    "63080": ("Waimes", ("fr", "de")),
    "57097": ("Comines-Warneton", ("fr", "nl")),
    "51067": ("Enghien", ("fr", "nl")),
    "51019": ("Flobecq", ("fr", "nl")),
    "57096": ("Mouscron", ("fr", "nl")),
    "23009": ("Biévène", ("nl", "fr")),
    "73028": ("Herstappe", ("nl", "fr")),
    "33016": ("Messines", ("nl", "fr")),
    "45041": ("Renaix", ("nl", "fr")),
    "34043": ("Espierres-Helchin", ("nl", "fr")),
    "73109": ("Fourons", ("nl", "fr")),
    "23098": ("Drogenbos", ("nl", "fr")),
    "23099": ("Kraainem", ("nl", "fr")),
    "23100": ("Linkebeek", ("nl", "fr")),
    "23101": ("Rhode-Saint-Genèse", ("nl", "fr")),
    "23102": ("Wemmel", ("nl", "fr")),
    "23103": ("Wezembeek-Oppem", ("nl", "fr")),
}

GERMAN_NAMES = {
    "63001": "Amel",
    "63012": "Büllingen",
    "63087": "Burg-Reuland",
    "63013": "Bütgenbach",
    "63023": "Eupen",
    "63040": "Kelmis",
    "63048": "Lontzen",
    "63061": "Raeren",
    "63067": "Sankt Vith",
}


class InvalidInputMixin:
    def assertInvalid(self, function, value, code):
        with self.assertRaises(InvalidInput) as caught:
            function(value)
        self.assertEqual(caught.exception.code, code, repr(value))
        return caught.exception


class TestGetCommune(InvalidInputMixin, unittest.TestCase):
    def test_namur(self):
        namur = get_commune("92094")
        self.assertEqual(namur.refnis, "92094")
        self.assertEqual(namur.name_fr, "Namur")
        self.assertEqual(namur.name_nl, "Namen")
        self.assertIsNone(namur.name_de)
        self.assertEqual(namur.province, "Province de Namur")
        self.assertEqual(namur.province_refnis, "90000")
        self.assertEqual(namur.region, "Région wallonne")
        self.assertEqual(namur.region_refnis, "03000")
        self.assertIn("5000", namur.postal_codes)
        self.assertEqual(namur.postal_codes, tuple(sorted(namur.postal_codes)))
        self.assertEqual(namur.languages, ("fr",))
        self.assertTrue(namur.is_walloon)

    def test_eupen_german_name(self):
        eupen = get_commune("63023")
        self.assertEqual(eupen.name_de, "Eupen")
        self.assertEqual(eupen.languages, ("de", "fr"))
        self.assertEqual(eupen.postal_codes, ("4700", "4701"))

    def test_kelmis_names(self):
        kelmis = get_commune("63040")
        self.assertEqual(kelmis.name_fr, "La Calamine")
        self.assertEqual(kelmis.name_de, "Kelmis")
        self.assertEqual(kelmis.name_in("de"), "Kelmis")
        self.assertEqual(kelmis.name_in("fr"), "La Calamine")

    def test_name_in_falls_back_to_french(self):
        namur = get_commune("92094")
        self.assertEqual(namur.name_in("nl"), "Namen")
        self.assertEqual(namur.name_in("de"), "Namur")
        self.assertEqual(namur.name_in("en"), "Namur")

    def test_brussels_has_no_province(self):
        brussels = get_commune("21004")
        self.assertIsNone(brussels.province)
        self.assertIsNone(brussels.province_refnis)
        self.assertEqual(brussels.region_refnis, "04000")
        self.assertFalse(brussels.is_walloon)

    def test_is_frozen(self):
        with self.assertRaises(dataclasses.FrozenInstanceError):
            get_commune("92094").name_fr = "Namen"

    def test_same_object_each_time(self):
        self.assertIs(get_commune("92094"), get_commune(" 92094 "))

    def test_unknown_code(self):
        exc = self.assertInvalid(get_commune, "99999", "commune.unknown")
        self.assertEqual(str(exc), "Aucune commune belge ne correspond à ce code INS.")

    def test_code_of_a_merged_commune(self):
        # Bertogne (82005) merged into Bastogne on 1 January 2025, under a new code.
        self.assertInvalid(get_commune, "82005", "commune.unknown")
        self.assertEqual(get_commune("82039").name_fr, "Bastogne")

    def test_bad_codes(self):
        self.assertInvalid(get_commune, None, "commune.required")
        self.assertInvalid(get_commune, "", "commune.required")
        self.assertInvalid(get_commune, "9209", "commune.length")
        self.assertInvalid(get_commune, "920940", "commune.length")
        self.assertInvalid(get_commune, "9209A", "commune.format")
        self.assertInvalid(get_commune, 92094, "commune.format")


class TestFindCommune(InvalidInputMixin, unittest.TestCase):
    def test_liege_in_three_languages(self):
        for name in ("Liège", "liege", "LIÈGE", "Luik", "Lüttich", "luttich"):
            with self.subTest(name=name):
                self.assertEqual(find_commune(name).refnis, "62063")

    def test_spaces_hyphens_and_apostrophes(self):
        for name in ("La Louvière", "la louviere", "La-Louvière", "lalouviere"):
            with self.subTest(name=name):
                self.assertEqual(find_commune(name).refnis, "58001")
        for name in (
            "Sint-Genesius-Rode",
            "sint genesius rode",
            "Rhode-Saint-Genèse",
            "rhode - saint - genese",
        ):
            with self.subTest(name=name):
                self.assertEqual(find_commune(name).refnis, "23101")
        for name in ("Braine-l’Alleud", "Braine-l'Alleud", "braine l alleud"):
            with self.subTest(name=name):
                self.assertEqual(find_commune(name).refnis, "25014")

    def test_german_names(self):
        self.assertEqual(find_commune("Kelmis").refnis, "63040")
        self.assertEqual(find_commune("Sankt Vith").refnis, "63067")
        self.assertEqual(find_commune("Weismes").refnis, "63080")
        self.assertEqual(find_commune("Brüssel").refnis, "21004")
        self.assertEqual(find_commune("Arel").refnis, "81001")

    def test_surrounding_spaces(self):
        self.assertIs(find_commune("  Namur\n"), get_commune("92094"))

    def test_every_name_finds_its_commune(self):
        # All 565 communes, not only the Walloon ones.
        for commune in _communes().values():
            for name in (commune.name_fr, commune.name_nl, commune.name_de):
                if name:
                    with self.subTest(name=name):
                        self.assertIs(find_commune(name), commune)

    def test_merged_commune(self):
        # Bertogne merged into Bastogne on 1 January 2025.
        self.assertInvalid(find_commune, "Bertogne", "commune.name_unknown")
        self.assertEqual(find_commune("Bastogne").refnis, "82039")

    def test_unknown_names(self):
        exc = self.assertInvalid(find_commune, "Paris", "commune.name_unknown")
        self.assertEqual(str(exc), "Aucune commune belge ne porte ce nom.")
        self.assertInvalid(find_commune, "Liège 4000", "commune.name_unknown")
        self.assertInvalid(find_commune, "Namu", "commune.name_unknown")
        self.assertInvalid(find_commune, "Namur" * 30, "commune.name_unknown")
        self.assertInvalid(find_commune, 92094, "commune.name_unknown")

    def test_no_name(self):
        self.assertInvalid(find_commune, None, "commune.name_required")
        self.assertInvalid(find_commune, "", "commune.name_required")
        self.assertInvalid(find_commune, " - ", "commune.name_required")


class TestWalloonCommunes(unittest.TestCase):
    def test_count(self):
        self.assertEqual(len(walloon_communes()), 261)

    def test_all_in_walloon_provinces(self):
        provinces = {commune.province_refnis for commune in walloon_communes()}
        self.assertEqual(provinces, WALLOON_PROVINCES)

    def test_ordered_by_code_without_duplicates(self):
        codes = [commune.refnis for commune in walloon_communes()]
        self.assertEqual(codes, sorted(set(codes)))

    def test_every_commune_has_postal_codes(self):
        for commune in walloon_communes():
            with self.subTest(commune=commune.name_fr):
                self.assertTrue(commune.postal_codes)
                self.assertIsInstance(commune, Commune)

    def test_contains_namur_not_gent(self):
        codes = {commune.refnis for commune in walloon_communes()}
        self.assertIn("92094", codes)
        self.assertNotIn("44021", codes)


class TestPostalCodes(InvalidInputMixin, unittest.TestCase):
    def test_valid(self):
        self.assertEqual(validate_postal_code("5000"), "5000")
        self.assertEqual(validate_postal_code(" 4700 "), "4700")

    def test_country_prefix(self):
        self.assertEqual(validate_postal_code("B-5000"), "5000")
        self.assertEqual(validate_postal_code("BE 5000"), "5000")

    def test_bad_values(self):
        self.assertInvalid(validate_postal_code, None, "postal_code.required")
        self.assertInvalid(validate_postal_code, "", "postal_code.required")
        self.assertInvalid(validate_postal_code, "500", "postal_code.length")
        self.assertInvalid(validate_postal_code, "50000", "postal_code.length")
        self.assertInvalid(validate_postal_code, "50O0", "postal_code.format")
        self.assertInvalid(validate_postal_code, "F-75001", "postal_code.format")
        self.assertInvalid(validate_postal_code, 5000, "postal_code.format")

    def test_out_of_range(self):
        self.assertInvalid(validate_postal_code, "0999", "postal_code.range")

    def test_unknown(self):
        exc = self.assertInvalid(validate_postal_code, "9999", "postal_code.unknown")
        self.assertEqual(exc.message, MESSAGES["postal_code.unknown"])

    def test_communes_for_postal_code(self):
        (namur,) = communes_for_postal_code("5000")
        self.assertEqual(namur.refnis, "92094")
        (eupen,) = communes_for_postal_code("4701")
        self.assertEqual(eupen.refnis, "63023")

    def test_postal_code_shared_by_two_communes(self):
        codes = {commune.refnis for commune in communes_for_postal_code("1050")}
        self.assertEqual(codes, {"21004", "21009"})

    def test_communes_for_unknown_postal_code(self):
        self.assertInvalid(communes_for_postal_code, "9999", "postal_code.unknown")


class TestLanguages(InvalidInputMixin, unittest.TestCase):
    def test_french_speaking_commune(self):
        self.assertEqual(commune_languages("92094"), ("fr",))

    def test_mouscron_has_dutch_facilities(self):
        self.assertEqual(commune_languages("57096"), ("fr", "nl"))

    def test_malmedy_and_waimes_have_german_facilities(self):
        self.assertEqual(commune_languages("63049"), ("fr", "de"))
        self.assertEqual(commune_languages("63080"), ("fr", "de"))

    def test_german_speaking_communes(self):
        for refnis, name in GERMAN_NAMES.items():
            with self.subTest(name=name):
                self.assertEqual(commune_languages(refnis), ("de", "fr"))
                self.assertEqual(get_commune(refnis).name_de, name)

    def test_other_regions(self):
        self.assertEqual(commune_languages("44021"), ("nl",))
        self.assertEqual(commune_languages("21004"), ("fr", "nl"))

    def test_facility_table_matches_reference_data(self):
        for refnis, (name_fr, languages) in FACILITY_COMMUNES.items():
            with self.subTest(name=name_fr):
                commune = get_commune(refnis)
                self.assertEqual(commune.name_fr, name_fr)
                self.assertEqual(commune.languages, languages)

    def test_twenty_seven_facility_communes(self):
        found = {
            commune.refnis
            for commune in map(get_commune, FACILITY_COMMUNES)
            if len(commune.languages) == 2
        }
        self.assertEqual(len(found), 27)

    def test_walloon_communes_speak_french_unless_listed(self):
        for commune in walloon_communes():
            if commune.refnis not in FACILITY_COMMUNES:
                self.assertEqual(commune.languages, ("fr",), commune.name_fr)

    def test_unknown_commune(self):
        self.assertInvalid(commune_languages, "99999", "commune.unknown")
