"""Turning what a citizen typed into a compact string, or a clear refusal."""

import re

from imio.belgium.errors import InvalidInput

# Anything longer is not an identifier but a pasted document: refuse it before
# spending time on it.
MAX_INPUT_LENGTH = 100

# People copy numbers from PDFs and word processors, which bring non-breaking
# spaces and typographic dashes along.
_SEPARATORS = frozenset(
    " \t\u00a0\u2007\u202f-\u2010\u2011\u2012\u2013\u2014\u2015\u2212./"
)

DIGITS = re.compile(r"[0-9]+")
ALPHANUMERIC = re.compile(r"[A-Z0-9]+")


def compact(value: object, kind: str) -> str:
    """Return the value in upper case without separators, or raise InvalidInput."""
    if value is None:
        raise InvalidInput(f"{kind}.required")
    if not isinstance(value, str):
        raise InvalidInput(f"{kind}.format")
    if len(value) > MAX_INPUT_LENGTH:
        raise InvalidInput(f"{kind}.length")
    text = "".join(char for char in value.strip() if char not in _SEPARATORS)
    if not text:
        raise InvalidInput(f"{kind}.required")
    # Checked before upper-casing, which turns some letters into ASCII ones
    # ("ß" becomes "SS").
    if not text.isascii():
        raise InvalidInput(f"{kind}.format")
    return text.upper()
