"""Public case references: short, unambiguous and unguessable."""

import re
import secrets


# Neither 0/O nor 1/I: a reference read over the phone is not misheard.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 8
_SEPARATORS = re.compile(r"[\s\-]+")


def new_reference() -> str:
    """A random reference of 8 characters, from a cryptographic source."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def format_reference(reference: str) -> str:
    """The reference as shown to people: ``K7QM-4TZB``."""
    half = LENGTH // 2
    return f"{reference[:half]}-{reference[half:]}"


def normalize_reference(text: str) -> str | None:
    """The reference typed by someone (any case, spaces, dash), or None."""
    reference = _SEPARATORS.sub("", text or "").upper()
    if len(reference) != LENGTH or not set(reference) <= set(ALPHABET):
        return None
    return reference
