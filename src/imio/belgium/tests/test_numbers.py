"""Tests for the validation and formatting of Belgian numbers."""

import unittest

from imio.belgium import (
    InvalidInput,
    bic_for_belgian_iban,
    format_bce,
    format_bis,
    format_iban,
    format_nrn,
    format_vat,
    validate_bce,
    validate_belgian_iban,
    validate_bic,
    validate_bis,
    validate_iban,
    validate_nrn,
    validate_vat,
)


class InvalidInputMixin:
    def assertInvalid(self, function, value, code):
        with self.assertRaises(InvalidInput) as caught:
            function(value)
        self.assertEqual(caught.exception.code, code, repr(value))


class TestCommonInput(InvalidInputMixin, unittest.TestCase):
    validators = (
        ("nrn", validate_nrn),
        ("bis", validate_bis),
        ("iban", validate_iban),
        ("iban", validate_belgian_iban),
        ("bic", validate_bic),
        ("bce", validate_bce),
        ("vat", validate_vat),
    )

    def test_missing_values_are_required(self):
        for kind, function in self.validators:
            for value in (None, "", "   ", " . - ", "\u00a0"):
                with self.subTest(function=function.__name__, value=value):
                    self.assertInvalid(function, value, f"{kind}.required")

    def test_non_text_is_refused(self):
        for kind, function in self.validators:
            for value in (85073003328, 3.5, b"85073003328", ["85073003328"]):
                with self.subTest(function=function.__name__, value=value):
                    self.assertInvalid(function, value, f"{kind}.format")

    def test_huge_input_is_refused(self):
        for kind, function in self.validators:
            with self.subTest(function=function.__name__):
                self.assertInvalid(function, "1" * 100_000, f"{kind}.length")

    def test_unicode_and_control_characters_are_refused(self):
        for kind, function in self.validators:
            for value in (
                "٨٥٠٧٣٠٠٣٣٢٨",
                "８５０７３００３３２８",
                "850730\x0003328",
                "ßé",
            ):
                with self.subTest(function=function.__name__, value=value):
                    self.assertInvalid(function, value, f"{kind}.format")


class TestNationalRegisterNumber(InvalidInputMixin, unittest.TestCase):
    def test_valid(self):
        self.assertEqual(validate_nrn("85073003328"), "85073003328")
        self.assertEqual(validate_nrn("85.07.30-033.28"), "85073003328")
        self.assertEqual(validate_nrn(" 85 07 30 033 28 "), "85073003328")
        self.assertEqual(validate_nrn("85\u00a007\u202f30–033.28"), "85073003328")

    def test_valid_born_after_2000(self):
        self.assertEqual(validate_nrn("17 07 30 033 84"), "17073003384")

    def test_format(self):
        self.assertEqual(format_nrn("85073003328"), "85.07.30-033.28")
        self.assertEqual(validate_nrn(format_nrn("17073003384")), "17073003384")

    def test_wrong_length(self):
        self.assertInvalid(validate_nrn, "8507300332", "nrn.length")
        self.assertInvalid(validate_nrn, "850730033289", "nrn.length")

    def test_letters(self):
        self.assertInvalid(validate_nrn, "85O73003328", "nrn.format")

    def test_wrong_check_digits(self):
        self.assertInvalid(validate_nrn, "85073003329", "nrn.checksum")
        self.assertInvalid(validate_nrn, "12345678901", "nrn.checksum")
        self.assertInvalid(validate_nrn, "00000000000", "nrn.checksum")

    def test_impossible_month(self):
        # Check digits are right (97 - 851330033 mod 97), the month is 13.
        self.assertInvalid(validate_nrn, "85133003370", "nrn.birth_date")

    def test_bis_number_is_recognised(self):
        self.assertInvalid(validate_nrn, "98472899765", "nrn.is_bis")

    def test_format_refuses_invalid(self):
        self.assertInvalid(format_nrn, "85073003329", "nrn.checksum")


class TestBisNumber(InvalidInputMixin, unittest.TestCase):
    def test_valid(self):
        self.assertEqual(validate_bis("98.47.28-997.65"), "98472899765")
        self.assertEqual(validate_bis("01 49 07 001 85"), "01490700185")

    def test_format(self):
        self.assertEqual(format_bis("98472899765"), "98.47.28-997.65")

    def test_wrong_check_digits(self):
        self.assertInvalid(validate_bis, "98472899766", "bis.checksum")

    def test_wrong_length(self):
        self.assertInvalid(validate_bis, "9847289976", "bis.length")

    def test_impossible_month(self):
        # Check digits are right (97 - 856030033 mod 97), the month is 60.
        self.assertInvalid(validate_bis, "85603003311", "bis.birth_date")

    def test_national_register_number_is_recognised(self):
        self.assertInvalid(validate_bis, "85073003328", "bis.is_nrn")


class TestIban(InvalidInputMixin, unittest.TestCase):
    def test_valid_belgian(self):
        self.assertEqual(validate_iban("BE31435411161155"), "BE31435411161155")
        self.assertEqual(validate_iban("be31 4354 1116 1155"), "BE31435411161155")
        self.assertEqual(validate_iban("BE32 123-4567890-02"), "BE32123456789002")
        self.assertEqual(validate_iban("BE48.3200.7018.4927"), "BE48320070184927")

    def test_valid_foreign(self):
        for number in (
            "NL91ABNA0417164300",
            "FR1420041010050500013M02606",
            "DE89370400440532013000",
            "GR1601101050000010547023795",
        ):
            with self.subTest(number=number):
                self.assertEqual(validate_iban(number), number)

    def test_format(self):
        self.assertEqual(format_iban("BE31435411161155"), "BE31 4354 1116 1155")
        self.assertEqual(
            format_iban("gr1601101050000010547023795"),
            "GR16 0110 1050 0000 1054 7023 795",
        )

    def test_wrong_check_digits(self):
        self.assertInvalid(validate_iban, "BE31435411161156", "iban.checksum")

    def test_wrong_belgian_account_check_digits(self):
        self.assertInvalid(validate_iban, "BE41091811735141", "iban.checksum")

    def test_unknown_belgian_bank(self):
        self.assertInvalid(validate_iban, "BE83138811735115", "iban.bank")

    def test_missing_character(self):
        self.assertInvalid(validate_iban, "BE3143541116115", "iban.length")
        self.assertInvalid(validate_iban, "NL91ABNA041716430", "iban.length")

    def test_unknown_country(self):
        self.assertInvalid(validate_iban, "XX31435411161155", "iban.country")

    def test_bad_characters(self):
        self.assertInvalid(validate_iban, "3143541116115BE5", "iban.format")
        self.assertInvalid(validate_iban, "BE31_435411161155", "iban.format")

    def test_wrong_structure_for_the_country(self):
        # Right check digits and length, but digits where the bank letters go.
        self.assertInvalid(validate_iban, "NL5312340417164300", "iban.format")

    def test_belgian_only(self):
        self.assertEqual(
            validate_belgian_iban("BE31 4354 1116 1155"), "BE31435411161155"
        )
        self.assertInvalid(
            validate_belgian_iban, "NL91ABNA0417164300", "iban.not_belgian"
        )
        self.assertInvalid(validate_belgian_iban, "BE31435411161156", "iban.checksum")

    def test_bic_for_belgian_iban(self):
        self.assertEqual(bic_for_belgian_iban("BE48 3200 7018 4927"), "BBRUBEBB")
        self.assertEqual(bic_for_belgian_iban("BE31435411161155"), "KREDBEBB")

    def test_bic_for_belgian_iban_of_a_bank_without_bic(self):
        self.assertIsNone(bic_for_belgian_iban("BE34102000000190"))

    def test_bic_for_foreign_iban(self):
        self.assertInvalid(
            bic_for_belgian_iban, "NL91ABNA0417164300", "iban.not_belgian"
        )


class TestBic(InvalidInputMixin, unittest.TestCase):
    def test_valid(self):
        self.assertEqual(validate_bic("AGRIFRPP882"), "AGRIFRPP882")
        self.assertEqual(validate_bic("ABNA BE 2A"), "ABNABE2A")
        self.assertEqual(validate_bic("gebabebb"), "GEBABEBB")

    def test_wrong_length(self):
        self.assertInvalid(validate_bic, "AGRIFRPP8", "bic.length")

    def test_digit_in_country(self):
        self.assertInvalid(validate_bic, "AGRIF2PP", "bic.format")

    def test_unknown_country(self):
        self.assertInvalid(validate_bic, "AGRIXXPP", "bic.country")

    def test_bad_characters(self):
        self.assertInvalid(validate_bic, "GEBA_BEBB", "bic.format")


class TestEnterpriseNumber(InvalidInputMixin, unittest.TestCase):
    def test_valid(self):
        self.assertEqual(validate_bce("0403019261"), "0403019261")
        self.assertEqual(validate_bce("0403.019.261"), "0403019261")
        self.assertEqual(validate_bce("BE 0428.759.497"), "0428759497")
        self.assertEqual(validate_bce("0123 456 749"), "0123456749")

    def test_old_nine_digit_form(self):
        self.assertEqual(validate_bce("428759497"), "0428759497")

    def test_format(self):
        self.assertEqual(format_bce("0403019261"), "0403.019.261")
        self.assertEqual(format_bce("428759497"), "0428.759.497")

    def test_wrong_check_digits(self):
        self.assertInvalid(validate_bce, "BE431150351", "bce.checksum")
        self.assertInvalid(validate_bce, "0403019262", "bce.checksum")
        self.assertInvalid(validate_bce, "0000000000", "bce.checksum")

    def test_wrong_first_digit(self):
        # Check digits are right (97 - 20345678 mod 97).
        self.assertInvalid(validate_bce, "2034567872", "bce.first_digit")

    def test_wrong_length(self):
        self.assertInvalid(validate_bce, "04030192", "bce.length")
        self.assertInvalid(validate_bce, "04030192610", "bce.length")

    def test_letters(self):
        self.assertInvalid(validate_bce, "0403O19261", "bce.format")
        self.assertInvalid(validate_bce, "FR0403019261", "bce.format")


class TestVatNumber(InvalidInputMixin, unittest.TestCase):
    def test_valid(self):
        self.assertEqual(validate_vat("BE0403019261"), "BE0403019261")
        self.assertEqual(validate_vat("be 0403.019.261"), "BE0403019261")
        self.assertEqual(validate_vat("BE428759497"), "BE0428759497")

    def test_without_country_prefix(self):
        self.assertEqual(validate_vat("0403.019.261"), "BE0403019261")

    def test_format(self):
        self.assertEqual(format_vat("BE0403019261"), "BE 0403.019.261")
        self.assertEqual(validate_vat(format_vat("0123456749")), "BE0123456749")

    def test_foreign_number(self):
        self.assertInvalid(validate_vat, "FR40303265045", "vat.country")

    def test_wrong_check_digits(self):
        self.assertInvalid(validate_vat, "BE 0403.019.262", "vat.checksum")

    def test_wrong_first_digit(self):
        self.assertInvalid(validate_vat, "BE2034567872", "vat.first_digit")

    def test_wrong_length(self):
        self.assertInvalid(validate_vat, "BE04030192", "vat.length")

    def test_letters(self):
        self.assertInvalid(validate_vat, "BE0403O19261", "vat.format")
