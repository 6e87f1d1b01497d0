"""Citizens' identity: sign-in with OpenID Connect (FAS) and the session.

The API the rest of the e-guichet uses: ``current_identity``, ``sign_in``,
``sign_out``, ``login_url``, ``national_number`` and the levels.
"""

from AccessControl.SecurityManagement import getSecurityManager
from AccessControl.SecurityManagement import newSecurityManager
from dataclasses import dataclass
from imio.eguichet.identity import session
from imio.eguichet.identity.plugin import get_plugin
from imio.eguichet.identity.settings import is_configured
from imio.eguichet.identity.settings import session_minutes
from plone import api
from urllib.parse import urlencode
from zope.globalrequest import getRequest

import time


LEVEL_SIGNED_IN = 100  # any FAS level
LEVEL_HIGH = 400  # eID (450) or itsme (400)

# The session opened by sign_in() in this request, before its cookie comes back.
_OPENED = "imio.eguichet.identity.opened"


@dataclass(frozen=True)
class Identity:
    userid: str  # the provider's stable `sub`, never the e-mail
    given_name: str
    family_name: str
    email: str
    language: str  # "fr", "de", "nl", "en" or ""
    national_number: str  # 11 digits, "" if not released; never a member property
    level: int  # the session's assurance level: 100, 300, 400, 450


def _plugin():
    return get_plugin(api.portal.get())


def _session(request) -> session.Session | None:
    opened = request.other.get(_OPENED)
    if opened is not None:
        return opened
    cookie = request.cookies.get(session.COOKIE_NAME)
    return session.decode(cookie, session_minutes()) if cookie else None


def current_identity(request=None) -> Identity | None:
    """The signed-in citizen of this request (None for anonymous or a Plone account)."""
    request = request if request is not None else getRequest()
    if request is None:
        return None
    found = _session(request)
    if found is None or getSecurityManager().getUser().getId() != found.userid:
        return None
    plugin = _plugin()
    data = plugin.citizen(found.userid) if plugin is not None else None
    if data is None:
        return None
    return Identity(userid=found.userid, level=found.level, **data)


def sign_in(request, claims: dict, level: int) -> Identity:
    """After the provider's answer has been checked: create or update the citizen
    (claims use OUR names: sub, given_name, family_name, email, language,
    national_number) and open the session at `level` (sets the session cookie on
    request.response). The rest of this request runs as the citizen. Also used by
    tests to open a citizen's session without a browser."""
    userid = str(claims.get("sub") or "")
    if not userid:
        raise ValueError("the claims have no sub")
    plugin = _plugin()
    if plugin is None:
        raise RuntimeError("the citizens plugin is not installed on this site")
    plugin.remember(userid, claims)
    opened = session.Session(userid=userid, level=int(level), issued=int(time.time()))
    session.open_session(request, opened)
    request.other[_OPENED] = opened
    user = plugin._getPAS().getUserById(userid)
    newSecurityManager(request, user)
    return current_identity(request)


def sign_out(request) -> None:
    """End the citizen's session on this site (the provider's is ended by
    ``@@citizen-logout``)."""
    session.expire_cookie(request)
    request.other.pop(_OPENED, None)


def national_number(userid: str) -> str:
    """The national number the provider released for this citizen, or ""."""
    plugin = _plugin()
    data = plugin.citizen(userid) if plugin is not None else None
    return data["national_number"] if data else ""


def login_url(context, came_from: str, level: int = LEVEL_SIGNED_IN) -> str:
    """Where "Se connecter" leads for a form needing `level`: the citizen sign-in
    when the site has an identity provider configured, else Plone's login form
    with came_from."""
    portal_url = api.portal.get().absolute_url()
    if is_configured():
        query = urlencode({"came_from": came_from, "level": int(level)})
        return f"{portal_url}/@@citizen-login?{query}"
    return f"{portal_url}/login?{urlencode({'came_from': came_from})}"
