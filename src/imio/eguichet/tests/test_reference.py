"""Case references: short, unambiguous, unguessable."""

from imio.eguichet.reference import ALPHABET
from imio.eguichet.reference import format_reference
from imio.eguichet.reference import new_reference
from imio.eguichet.reference import normalize_reference

import unittest


class TestReference(unittest.TestCase):
    def test_alphabet_has_no_ambiguous_character(self):
        self.assertEqual(len(ALPHABET), 32)
        self.assertFalse(set("0O1I") & set(ALPHABET))

    def test_eight_characters_from_the_alphabet(self):
        for _ in range(200):
            reference = new_reference()
            self.assertEqual(len(reference), 8)
            self.assertLessEqual(set(reference), set(ALPHABET))

    def test_references_do_not_repeat(self):
        references = {new_reference() for _ in range(10000)}
        self.assertEqual(len(references), 10000)

    def test_shown_in_two_groups(self):
        self.assertEqual(format_reference("K7QM4TZB"), "K7QM-4TZB")

    def test_typed_reference_is_normalized(self):
        self.assertEqual(normalize_reference(" k7qm-4tzb "), "K7QM4TZB")
        self.assertEqual(normalize_reference("K7QM 4TZB"), "K7QM4TZB")

    def test_typed_reference_outside_the_alphabet_is_refused(self):
        self.assertIsNone(normalize_reference("K7QM-4TZ0"))
        self.assertIsNone(normalize_reference("K7QM"))
        self.assertIsNone(normalize_reference(""))
        self.assertIsNone(normalize_reference(None))
