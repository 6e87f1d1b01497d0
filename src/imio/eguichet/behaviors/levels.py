"""Whether the sender's sign-in is enough for a form, and where to get one.

A form asks for nobody's sign-in, for a signed-in citizen (any means, or a
Plone account), or for a citizen signed in with the identity card or itsme
(the provider's high levels); a session below that is asked to sign in again.
"""

from imio.eguichet.behaviors import CITIZENS
from imio.eguichet.behaviors import CITIZENS_HIGH
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.identity import current_identity
from imio.eguichet.identity import LEVEL_HIGH
from imio.eguichet.identity import LEVEL_SIGNED_IN
from imio.eguichet.identity import login_url
from plone import api


# The assurance level each choice of the form's editors asks for.
ASSURANCE = {CITIZENS: LEVEL_SIGNED_IN, CITIZENS_HIGH: LEVEL_HIGH}
# What the sender lacks.
ANONYMOUS = "anonymous"
TOO_LOW = "too-low"


def required_assurance(form) -> int | None:
    """The assurance level the form asks of its sender; None for anyone."""
    return ASSURANCE.get(IEguichetForm(form).submitters)


def asks_high_level(form) -> bool:
    return (required_assurance(form) or 0) >= LEVEL_HIGH


def shortfall(form, request=None) -> str | None:
    """None when the sender's sign-in is enough for ``form``, else what it lacks."""
    needed = required_assurance(form)
    if needed is None:
        return None
    if api.user.is_anonymous():
        return ANONYMOUS
    if needed <= LEVEL_SIGNED_IN:
        return None
    # A Plone account has no assurance level: it is not a citizen's sign-in.
    identity = current_identity(request)
    if identity is None or identity.level < needed:
        return TOO_LOW
    return None


def sign_in_url(form, came_from: str) -> str:
    """Where "Se connecter" leads to send ``form``, coming back to ``came_from``."""
    return login_url(form, came_from, required_assurance(form) or LEVEL_SIGNED_IN)
