"""Internal notes of a case: written and read by its agents only."""

from imio.eguichet.cases import site_now
from plone import api


def add_note(case, text: str):
    """Append a note signed by the current agent; the list is replaced to save it."""
    user = api.user.get_current()
    case.internal_notes = [
        *(case.internal_notes or ()),
        {
            "date": site_now().isoformat(),
            "author": user.getId(),
            "author_name": user.getProperty("fullname") or user.getId(),
            "text": text,
        },
    ]
