"""The hidden field that people leave empty and form-filling robots do not.

collective.honeypot refuses, before any form is read, every POST whose
honeypot field is filled in (403), and adds the field to easyform's forms.
``@submit`` answers JSON clients itself, with a 400 like its other refusals:
collective.honeypot is told to leave that one endpoint to it.
"""

from collective.honeypot import config


FIELD = config.HONEYPOT_FIELD
config.ALLOWLISTED_ACTIONS.add("submit")


def filled_in(payload: dict) -> bool:
    """Whether a submission's honeypot field holds anything."""
    value = payload.get(FIELD) if FIELD else None
    if isinstance(value, list):
        value = "".join(str(item) for item in value)
    return bool(value)
