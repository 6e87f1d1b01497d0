"""The citizen's cookies, signed with the site's keyring.

The session holds the user id, the assurance level and the time of sign-in;
its lifetime is read from the registry when the cookie comes back. The
sign-in in progress (state, nonce, PKCE verifier) is a second, short-lived
cookie.
"""

from base64 import urlsafe_b64decode
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from plone.keyring.interfaces import IKeyManager
from zope.component import queryUtility

import binascii
import hashlib
import hmac
import json
import time


COOKIE_NAME = "__ac_citizen"
SIGN_IN_COOKIE_NAME = "__ac_citizen_sign_in"
SIGN_IN_MINUTES = 10


@dataclass(frozen=True)
class Session:
    userid: str
    level: int
    issued: int


def _secrets() -> list[str]:
    manager = queryUtility(IKeyManager)
    if manager is None:
        return []
    return [secret for secret in manager["_system"] if secret]


def _signature(secret: str, purpose: str, body: str) -> str:
    # The purpose keeps each cookie's signatures apart from the others'.
    message = f"imio.eguichet.identity.{purpose}.{body}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign(purpose: str, data: dict) -> str:
    """``data`` as JSON with the time of signing, signed for ``purpose``."""
    secrets = _secrets()
    if not secrets:
        raise RuntimeError("the site's keyring has no secret")
    payload = json.dumps({**data, "t": int(time.time())}, separators=(",", ":"))
    body = urlsafe_b64encode(payload.encode()).rstrip(b"=").decode()
    return f"{body}.{_signature(secrets[0], purpose, body)}"


def unsign(purpose: str, value: str, lifetime_minutes: int) -> dict | None:
    """The data of a value signed for ``purpose`` by one of the keyring's
    secrets less than ``lifetime_minutes`` ago, else None."""
    if not isinstance(value, str) or value.count(".") != 1:
        return None
    body, signature = value.split(".")
    if not any(
        hmac.compare_digest(signature, _signature(secret, purpose, body))
        for secret in _secrets()
    ):
        return None
    try:
        data = json.loads(urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        signed = int(data["t"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        return None
    if not signed <= time.time() < signed + lifetime_minutes * 60:
        return None
    return data


def encode(session: Session) -> str:
    return sign("session", {"u": session.userid, "l": session.level})


def decode(cookie: str, lifetime_minutes: int) -> Session | None:
    data = unsign("session", cookie, lifetime_minutes)
    if data is None:
        return None
    try:
        return Session(str(data["u"]), int(data["l"]), int(data["t"]))
    except (KeyError, TypeError, ValueError):
        return None


def set_cookie(request, name: str, value: str) -> None:
    request.response.setCookie(
        name,
        value,
        path="/",
        http_only=True,
        same_site="Lax",
        secure=request.get("SERVER_URL", "").startswith("https:"),
    )


def open_session(request, session: Session) -> None:
    set_cookie(request, COOKIE_NAME, encode(session))


def expire_cookie(request, name: str = COOKIE_NAME) -> None:
    request.response.expireCookie(name, path="/")
