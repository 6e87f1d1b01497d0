"""Tests for the administrative arrondissements of Wallonia."""

import unittest

from imio.belgium import (
    Arrondissement,
    InvalidInput,
    arrondissement_of,
    arrondissement_refnis,
    get_commune,
    walloon_arrondissements,
    walloon_communes,
)

WALLOON_PROVINCES = {"20002", "50000", "60000", "80000", "90000"}


class TestArrondissements(unittest.TestCase):
    def test_namur_and_its_neighbour_gesves(self):
        namur = arrondissement_of("92094")
        self.assertEqual(
            namur,
            Arrondissement(
                refnis="92000",
                name_fr="Namur",
                name_nl="Namen",
                name_de="Namur",
                province_refnis="90000",
            ),
        )
        self.assertIs(arrondissement_of("92054"), namur)  # Gesves

    def test_eupen_in_verviers(self):
        verviers = arrondissement_of("63023")
        self.assertEqual(verviers.refnis, "63000")
        self.assertEqual(verviers.name_in("de"), "Verviers")
        self.assertEqual(verviers.province_refnis, "60000")

    def test_names_in_each_language(self):
        liege = arrondissement_of("62063")
        self.assertEqual(liege.name_in("fr"), "Liège")
        self.assertEqual(liege.name_in("nl"), "Luik")
        self.assertEqual(liege.name_in("de"), "Lüttich")
        self.assertEqual(liege.name_in("en"), "Liège")
        self.assertEqual(arrondissement_of("81001").name_in("de"), "Arel")

    def test_hainaut_since_2019(self):
        self.assertEqual(arrondissement_of("57096").name_fr, "Tournai-Mouscron")
        louviere = get_commune("58001")
        self.assertEqual(louviere.name_fr, "La Louvière")
        self.assertEqual(arrondissement_of("58001").name_fr, "La Louvière")

    def test_every_walloon_commune_has_one_in_its_province(self):
        used = set()
        for commune in walloon_communes():
            arrondissement = arrondissement_of(commune.refnis)
            self.assertEqual(arrondissement.refnis, commune.arrondissement_refnis)
            self.assertEqual(arrondissement.province_refnis, commune.province_refnis)
            used.add(arrondissement.refnis)
        self.assertEqual(used, {each.refnis for each in walloon_arrondissements()})

    def test_twenty_in_five_provinces(self):
        arrondissements = walloon_arrondissements()
        self.assertEqual(len(arrondissements), 20)
        self.assertEqual(
            [each.refnis for each in arrondissements],
            sorted(each.refnis for each in arrondissements),
        )
        self.assertEqual(
            {each.province_refnis for each in arrondissements}, WALLOON_PROVINCES
        )
        for each in arrondissements:
            self.assertTrue(each.name_fr and each.name_nl and each.name_de)

    def test_an_arrondissement_code_gives_its_own(self):
        self.assertEqual(arrondissement_of("92000").name_fr, "Namur")

    def test_refnis_code(self):
        self.assertEqual(arrondissement_refnis("92094"), "92000")
        self.assertEqual(get_commune("25072").arrondissement_refnis, "25000")

    def test_outside_wallonia(self):
        self.assertIsNone(arrondissement_of("21004"))  # Brussels
        self.assertIsNone(arrondissement_of("24062"))  # Leuven
        self.assertEqual(get_commune("24062").arrondissement_refnis, "24000")

    def test_bad_input(self):
        for value, code in (
            (None, "commune.required"),
            ("92O94", "commune.format"),
            ("9209", "commune.length"),
            ("99999", "commune.unknown"),
        ):
            with self.subTest(value=value):
                with self.assertRaises(InvalidInput) as raised:
                    arrondissement_of(value)
                self.assertEqual(raised.exception.code, code)
