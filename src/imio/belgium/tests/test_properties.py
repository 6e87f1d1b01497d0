"""Property tests: no input makes a validator fail other than with InvalidInput."""

import datetime
import unicodedata
import unittest

from hypothesis import given, settings
from hypothesis import strategies as st

from imio.belgium import (
    InvalidInput,
    bic_for_belgian_iban,
    commune_languages,
    communes_for_postal_code,
    find_commune,
    format_bce,
    format_bis,
    format_iban,
    format_nrn,
    format_vat,
    get_commune,
    validate_bce,
    validate_belgian_iban,
    validate_bic,
    validate_bis,
    validate_iban,
    validate_nrn,
    validate_postal_code,
    validate_vat,
    walloon_communes,
)

# No example database, so that a run never depends on what earlier runs found.
SETTINGS = settings(max_examples=200, deadline=None, database=None)

STRING_FUNCTIONS = (
    validate_nrn,
    format_nrn,
    validate_bis,
    format_bis,
    validate_iban,
    validate_belgian_iban,
    format_iban,
    validate_bic,
    validate_bce,
    format_bce,
    validate_vat,
    format_vat,
    validate_postal_code,
)

OTHER_FUNCTIONS = (
    bic_for_belgian_iban,
    commune_languages,
    communes_for_postal_code,
    find_commune,
    get_commune,
)

VALID_IBANS = (
    "BE31435411161155",
    "BE32123456789002",
    "BE48320070184927",
    "NL91ABNA0417164300",
    "FR1420041010050500013M02606",
    "DE89370400440532013000",
)

near_valid = st.one_of(
    st.from_regex(r"[0-9 .\-]{0,20}", fullmatch=True),
    st.from_regex(r"(BE|B|be|NL|FR|XX)?[ 0-9]{8,18}", fullmatch=True),
    st.from_regex(r"[A-Z]{2}[0-9]{2}[A-Z0-9 ]{10,30}", fullmatch=True),
    st.from_regex(r"[A-Za-z]{6}[A-Z0-9]{0,6}", fullmatch=True),
    st.from_regex(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}-[0-9]{3}\.[0-9]{2}", fullmatch=True),
)

# Unicode digits, spaces, dashes and control characters, which look like the
# characters of a number without being them.
lookalikes = st.text(
    alphabet=st.characters(categories=["Nd", "No", "Zs", "Pd", "Cc", "Cf"]),
    max_size=30,
)

not_text = st.one_of(
    st.none(),
    st.integers(),
    st.floats(),
    st.binary(max_size=20),
    st.lists(st.text(max_size=5), max_size=3),
)


def check_outcome(test, function, value):
    try:
        result = function(value)
    except InvalidInput as exc:
        test.assertTrue(exc.message)
        return
    if function in STRING_FUNCTIONS:
        test.assertIsInstance(result, str)


def check_all(test, value):
    for function in STRING_FUNCTIONS + OTHER_FUNCTIONS:
        check_outcome(test, function, value)


@st.composite
def national_numbers(draw, month_offset=0):
    """Return a check-digit-valid number for a random birth date and counter."""
    birth = draw(
        st.dates(datetime.date(1920, 1, 1), datetime.date(2019, 12, 31)),
    )
    counter = draw(st.integers(1, 997))
    body = f"{birth:%y}{birth.month + month_offset:02d}{birth:%d}{counter:03d}"
    # People born since 2000 get their check digits computed with a leading 2.
    base = int(("2" if birth.year >= 2000 else "") + body)
    return f"{body}{97 - base % 97:02d}"


@st.composite
def enterprise_numbers(draw):
    """Return a check-digit-valid enterprise number."""
    body = draw(st.from_regex(r"[01][0-9]{7}", fullmatch=True))
    return f"{body}{97 - int(body) % 97:02d}"


class TestNeverCrash(unittest.TestCase):
    @SETTINGS
    @given(st.text())
    def test_any_text(self, value):
        check_all(self, value)

    @SETTINGS
    @given(near_valid)
    def test_near_valid_text(self, value):
        check_all(self, value)

    @SETTINGS
    @given(lookalikes)
    def test_lookalike_characters(self, value):
        check_all(self, value)

    @SETTINGS
    @given(st.text(alphabet="0123456789 .-BE", min_size=90, max_size=200))
    def test_long_text(self, value):
        check_all(self, value)

    @SETTINGS
    @given(not_text)
    def test_not_text(self, value):
        for function in STRING_FUNCTIONS + OTHER_FUNCTIONS:
            with self.assertRaises(InvalidInput):
                function(value)


class TestRoundTrips(unittest.TestCase):
    @SETTINGS
    @given(national_numbers())
    def test_national_register_number(self, number):
        self.assertEqual(validate_nrn(number), number)
        self.assertEqual(validate_nrn(format_nrn(number)), number)
        self.assertRegex(format_nrn(number), r"^\d\d\.\d\d\.\d\d-\d{3}\.\d\d$")

    @SETTINGS
    @given(national_numbers(month_offset=40))
    def test_bis_number(self, number):
        self.assertEqual(validate_bis(number), number)
        self.assertEqual(validate_bis(format_bis(number)), number)
        with self.assertRaises(InvalidInput) as caught:
            validate_nrn(number)
        self.assertEqual(caught.exception.code, "nrn.is_bis")

    @SETTINGS
    @given(enterprise_numbers())
    def test_enterprise_number(self, number):
        self.assertEqual(validate_bce(number), number)
        self.assertEqual(validate_bce(format_bce(number)), number)
        self.assertEqual(validate_vat(format_vat(number)), "BE" + number)

    @SETTINGS
    @given(st.sampled_from(VALID_IBANS))
    def test_iban(self, number):
        self.assertEqual(validate_iban(format_iban(number)), number)
        self.assertEqual(validate_iban(number.lower()), number)

    @SETTINGS
    @given(st.data())
    def test_commune_name(self, data):
        commune = data.draw(st.sampled_from(walloon_communes()))
        names = (commune.name_fr, commune.name_nl, commune.name_de)
        name = data.draw(st.sampled_from([name for name in names if name]))
        if data.draw(st.booleans()):
            name = "".join(
                char
                for char in unicodedata.normalize("NFD", name)
                if not unicodedata.combining(char)
            )
        typed = "".join(
            data.draw(st.sampled_from((char.lower(), char.upper())))
            + data.draw(st.sampled_from(("", "", " ", "-", "'")))
            for char in name
        )
        self.assertIs(find_commune(typed), commune)


class TestTyposAreCaught(unittest.TestCase):
    """A mod 97 check catches every single wrong digit."""

    @SETTINGS
    @given(enterprise_numbers(), st.integers(0, 9), st.integers(1, 9))
    def test_enterprise_number(self, number, position, shift):
        digit = (int(number[position]) + shift) % 10
        typo = number[:position] + str(digit) + number[position + 1 :]
        with self.assertRaises(InvalidInput):
            validate_bce(typo)

    @SETTINGS
    @given(st.sampled_from(VALID_IBANS), st.data())
    def test_iban(self, number, data):
        positions = [index for index, char in enumerate(number) if char.isdigit()]
        position = data.draw(st.sampled_from(positions))
        shift = data.draw(st.integers(1, 9))
        digit = (int(number[position]) + shift) % 10
        typo = number[:position] + str(digit) + number[position + 1 :]
        with self.assertRaises(InvalidInput):
            validate_iban(typo)
