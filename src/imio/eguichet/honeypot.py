"""The hidden field that people leave empty and form-filling robots do not.

collective.honeypot refuses, before any form is read, every POST whose
honeypot field is filled in (403), and adds the field to easyform's forms.
``@submit`` answers JSON clients itself, with a 400 like its other refusals:
collective.honeypot is told to leave that one endpoint to it.

collective.honeypot lets through by the last word of the address, with or
without ``@``: told to leave ``submit`` alone, it would leave every address
ending in ``/submit`` or ``/@@submit``. ``check_other_submits`` checks those
itself, so that only ``…/@submit``, the REST endpoint, goes without the check.
"""

from collective.honeypot import config
from collective.honeypot.utils import deny
from collective.honeypot.utils import found_honeypot
from collective.honeypot.utils import get_form


FIELD = config.HONEYPOT_FIELD
SUBMIT_ENDPOINT = "@submit"
_ACTION = SUBMIT_ENDPOINT.lstrip("@")
# An operator who lets every ``submit`` through (environment variable
# ALLOWLISTED_ACTIONS) keeps that choice.
_OWN_EXEMPTION = _ACTION not in config.ALLOWLISTED_ACTIONS
config.ALLOWLISTED_ACTIONS.add(_ACTION)


def filled_in(payload: dict) -> bool:
    """Whether a submission's honeypot field holds anything."""
    value = payload.get(FIELD) if FIELD else None
    if isinstance(value, list):
        value = "".join(str(item) for item in value)
    return bool(value)


def check_other_submits(site, event):
    """collective.honeypot's check, for the POSTs our exemption must not skip."""
    request = event.request
    if not _OWN_EXEMPTION or request.get("REQUEST_METHOD", "").upper() != "POST":
        return
    last_word = request.get("ACTUAL_URL", "").split("/")[-1]
    if last_word.lstrip("@") != _ACTION or last_word == SUBMIT_ENDPOINT:
        return
    required = _ACTION in config.EXTRA_PROTECTED_ACTIONS
    if found_honeypot(get_form(request), required=required):
        deny()
