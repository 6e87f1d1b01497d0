"""An anonymous applicant's access code: how it is kept, and how it travels.

The case keeps a salted scrypt hash of the code, never the code: reading the
database, an export of the site or a backup does not give the codes, and
guessing one means paying scrypt's cost for each try and each case. The hash
needs no key, so it survives an export and an import into another site.
Cases sent before it keep their former hash (unsalted SHA-256), accepted and
replaced by a scrypt hash at their first right code.

After a submission, the confirmation page shows the code once more: the code
travels to it in a cookie, encrypted and signed with a key of the site's
keyring (ring ``imio.eguichet``), never in clear.
"""

from plone.keyring.interfaces import IKeyManager
from plone.keyring.keyring import Keyring
from zope.component import getUtility

import hashlib
import hmac
import secrets


SCHEME = "scrypt"
# About 8 MB and a few hundredths of a second a try.
COST = {"n": 2**13, "r": 8, "p": 1}
SALT_BYTES = 16
RING = "imio.eguichet"
NONCE_BYTES = 16


def normalized(code: str) -> bytes:
    """The code as the applicant means it: case and surrounding spaces ignored."""
    return code.strip().upper().encode()


def hash_access_code(code: str) -> str:
    """What the case keeps of ``code``: ``scrypt$n$r$p$salt$hash``."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(normalized(code), salt=salt, **COST)
    n, r, p = COST["n"], COST["r"], COST["p"]
    return f"{SCHEME}${n}${r}${p}${salt.hex()}${digest.hex()}"


def verify_access_code(stored: str | None, code: str | None) -> bool:
    """Whether ``code`` is the one ``stored`` was made from."""
    if not stored or not code:
        return False
    if not outdated(stored):
        try:
            _scheme, n, r, p, salt, digest = stored.split("$")
            tried = hashlib.scrypt(
                normalized(code), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
            )
        except ValueError:
            return False
        return hmac.compare_digest(tried.hex(), digest)
    former = hashlib.sha256(normalized(code)).hexdigest()
    return hmac.compare_digest(stored, former)


def outdated(stored: str) -> bool:
    """Whether ``stored`` is the unsalted hash of the cases sent before scrypt."""
    return not stored.startswith(f"{SCHEME}$")


def _keys(create: bool = False) -> list[str]:
    manager = getUtility(IKeyManager)
    if RING not in manager:
        if not create:
            return []
        manager[RING] = Keyring()
        manager[RING].fill()
    return [key for key in manager[RING] if key]


def _derived(key: str, purpose: bytes) -> bytes:
    return hmac.new(key.encode(), purpose, hashlib.sha256).digest()


def _keystream(key: str, nonce: bytes, length: int) -> bytes:
    # HMAC-SHA256 in counter mode: a stream cipher from a keyed hash.
    stream = b""
    counter = 0
    while len(stream) < length:
        block = nonce + counter.to_bytes(4, "big")
        stream += hmac.new(_derived(key, b"encrypt"), block, hashlib.sha256).digest()
        counter += 1
    return stream[:length]


def _xor(data: bytes, key: str, nonce: bytes) -> bytes:
    stream = _keystream(key, nonce, len(data))
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def _signature(key: str, bound: str, sealed: str) -> str:
    message = f"{bound}.{sealed}".encode()
    return hmac.new(_derived(key, b"sign"), message, hashlib.sha256).hexdigest()


def seal(text: str, bound: str) -> str:
    """``text`` encrypted and, with ``bound``, signed: ``sealed.signature``.

    ``bound`` travels in clear beside it; changing it breaks the signature.
    """
    key = _keys(create=True)[0]
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = (nonce + _xor(text.encode(), key, nonce)).hex()
    return f"{sealed}.{_signature(key, bound, sealed)}"


def unseal(value: str, bound: str) -> str | None:
    """The text ``seal(text, bound)`` made ``value`` from; None if not ours."""
    sealed, _dot, signature = value.partition(".")
    # Any key still in the ring: a rotation does not lose the cookies just sent.
    for key in _keys():
        if hmac.compare_digest(_signature(key, bound, sealed), signature):
            data = bytes.fromhex(sealed)
            nonce, encrypted = data[:NONCE_BYTES], data[NONCE_BYTES:]
            return _xor(encrypted, key, nonce).decode(errors="replace")
    return None
