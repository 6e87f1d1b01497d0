"""The citizen's session: a cookie signed with the site's keyring.

It holds the user id, the assurance level and the time of sign-in; the
lifetime is read from the registry when the cookie comes back.
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
# Keeps this cookie's signatures apart from others made with the same secrets.
PURPOSE = b"imio.eguichet.identity.session"


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


def _signature(secret: str, payload: bytes) -> str:
    digest = hmac.new(secret.encode(), PURPOSE + b"." + payload, hashlib.sha256)
    return urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def encode(session: Session) -> str:
    secrets = _secrets()
    if not secrets:
        raise RuntimeError("the site's keyring has no secret")
    payload = json.dumps(
        {"u": session.userid, "l": session.level, "t": session.issued},
        separators=(",", ":"),
    ).encode()
    body = urlsafe_b64encode(payload).rstrip(b"=").decode()
    return f"{body}.{_signature(secrets[0], body.encode())}"


def decode(cookie: str, lifetime_minutes: int) -> Session | None:
    """The session of a cookie signed by one of the keyring's secrets and not
    expired, else None."""
    if not isinstance(cookie, str) or cookie.count(".") != 1:
        return None
    body, signature = cookie.split(".")
    if not any(
        hmac.compare_digest(signature, _signature(secret, body.encode()))
        for secret in _secrets()
    ):
        return None
    try:
        data = json.loads(urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        session = Session(str(data["u"]), int(data["l"]), int(data["t"]))
    except (binascii.Error, ValueError, KeyError, TypeError):
        return None
    now = time.time()
    if not session.issued <= now < session.issued + lifetime_minutes * 60:
        return None
    return session


def set_cookie(request, session: Session) -> None:
    request.response.setCookie(
        COOKIE_NAME,
        encode(session),
        path="/",
        http_only=True,
        same_site="Lax",
        secure=request.get("SERVER_URL", "").startswith("https:"),
    )


def expire_cookie(request) -> None:
    request.response.expireCookie(COOKIE_NAME, path="/")
