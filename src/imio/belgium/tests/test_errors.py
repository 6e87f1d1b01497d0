"""Tests for the error type and its messages."""

import pickle
import re
import unittest

from imio.belgium import MESSAGES, InvalidInput

KINDS = ("nrn", "bis", "iban", "bic", "bce", "vat", "postal_code", "commune")


class TestInvalidInput(unittest.TestCase):
    def test_message_is_str_and_attribute(self):
        exc = InvalidInput("nrn.length")
        self.assertEqual(
            str(exc), "Le numéro de registre national doit compter 11 chiffres."
        )
        self.assertEqual(exc.message, str(exc))
        self.assertEqual(exc.code, "nrn.length")

    def test_is_a_value_error(self):
        self.assertIsInstance(InvalidInput("iban.checksum"), ValueError)

    def test_survives_pickling(self):
        exc = pickle.loads(pickle.dumps(InvalidInput("bce.checksum")))
        self.assertEqual(exc.code, "bce.checksum")
        self.assertEqual(exc.message, MESSAGES["bce.checksum"])

    def test_unknown_code_is_a_programming_error(self):
        with self.assertRaises(KeyError):
            InvalidInput("nrn.nonexistent")


class TestMessages(unittest.TestCase):
    def test_codes_are_kind_dot_reason(self):
        for code in MESSAGES:
            with self.subTest(code=code):
                self.assertRegex(code, r"^[a-z_]+\.[a-z_]+$")
                self.assertIn(code.split(".")[0], KINDS)

    def test_messages_are_french_sentences(self):
        for code, message in MESSAGES.items():
            with self.subTest(code=code):
                self.assertTrue(message[0].isupper())
                self.assertTrue(message.endswith("."))
                self.assertNotRegex(message, r"\s{2,}")

    def test_every_kind_has_the_common_codes(self):
        # Input preparation raises these for every kind of value.
        for kind in KINDS:
            for reason in ("required", "format", "length"):
                with self.subTest(kind=kind, reason=reason):
                    self.assertIn(f"{kind}.{reason}", MESSAGES)

    def test_messages_are_distinct(self):
        self.assertEqual(len(set(MESSAGES.values())), len(MESSAGES))

    def test_no_placeholders(self):
        for message in MESSAGES.values():
            self.assertIsNone(re.search(r"[{}$%]", message))
