"""Files attached to a form, kept on the server until the form is sent.

Between "Continuer" and "Envoyer" (and after "Modifier") a citizen's file
waits in the site's database as a ZODB blob, which every instance of a
cluster reads, whatever its local disk holds. All of a site's waiting files
live in one BTree under random keys: two citizens who attach a file at once
write different buckets, or writes that BTrees merge.

The page only carries a token: the key, the moment it expires, and a
signature by the site's keyring over both and over the form, the field and
the user it was given to. A token that was changed, has expired, or comes
from another form, field or user finds no file: the citizen chooses it again.

A file is let go when its form is sent or its expired token comes back: the
entry forgets it, a write to that entry alone, which no other citizen's
request writes. Entries are removed from the BTree, with the files nobody
sent, by the sweep that each instance runs at most every ``SWEEP_INTERVAL``
seconds when it keeps a new file: removing a bucket's first key is a change
that BTrees cannot merge with another citizen's, so it is done seldom and in
batches. ZODB packing then frees the blobs' space.
"""

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from plone import api
from plone.keyring.interfaces import IKeyManager
from zope.annotation.interfaces import IAnnotations
from zope.component import getUtility

import hashlib
import hmac
import secrets
import time


STORAGE_KEY = "imio.eguichet.temporary_uploads"
LIFETIME = 2 * 3600
SWEEP_INTERVAL = 10 * 60
# Expired files removed by one sweep at most: a short transaction.
SWEEP_BATCH = 200

# When each site was last swept by this process, by the site's path.
_last_sweeps: dict[str, float] = {}


def now() -> float:
    """The clock of the temporary uploads, in seconds since the epoch."""
    return time.time()


class TemporaryUpload(Persistent):
    """A file waiting for its form to be sent, and to whom it was given."""

    def __init__(self, file, binding: str, expires: int):
        self.file = file
        self.binding = binding
        self.expires = expires


def _storage(site, create: bool = False):
    annotations = IAnnotations(site)
    tree = annotations.get(STORAGE_KEY)
    if tree is None and create:
        tree = annotations[STORAGE_KEY] = OOBTree()
    return tree


def _binding(form, field_name: str) -> str:
    user = "" if api.user.is_anonymous() else api.user.get_current().getId()
    return f"{api.content.get_uuid(form)}|{field_name}|{user}"


def _signature(key: str, expires: int, binding: str) -> str:
    secret = getUtility(IKeyManager).secret()
    payload = f"{key}.{expires}.{binding}".encode()
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def _token(key: str, expires: int, binding: str) -> str:
    return f"{key}.{expires}.{_signature(key, expires, binding)}"


def keep(form, field_name: str, file, key: str | None = None) -> tuple[str, str]:
    """Keep ``file`` for ``field_name`` of ``form``; its key and a new token.

    With the ``key`` of a file already kept, that file's time is renewed.
    """
    site = api.portal.get()
    tree = _storage(site, create=True)
    moment = now()
    expires = int(moment) + LIFETIME
    binding = _binding(form, field_name)
    kept = tree.get(key) if key else None
    if kept is not None and kept.binding == binding and kept.file is file:
        kept.expires = expires
    else:
        key = secrets.token_urlsafe(18)
        tree[key] = TemporaryUpload(file, binding, expires)
        sweep_now_and_then(site, tree, moment)
    return key, _token(key, expires, binding)


def take(form, field_name: str, token) -> tuple[str, object] | None:
    """The key and file a token names for this field, form and user; or None."""
    parts = token.split(".") if isinstance(token, str) else ()
    if len(parts) != 3 or not parts[1].isdecimal():
        return None
    key, expires, signature = parts[0], int(parts[1]), parts[2]
    binding = _binding(form, field_name)
    if not hmac.compare_digest(_signature(key, expires, binding), signature):
        return None
    tree = _storage(api.portal.get())
    kept = tree.get(key) if tree is not None else None
    if kept is None or kept.binding != binding or kept.file is None:
        return None
    if min(expires, kept.expires) < now():
        discard(key)
        return None
    return key, kept.file


def discard(key: str) -> None:
    """Let a kept file go: its form was sent, or its time is over."""
    tree = _storage(api.portal.get())
    kept = tree.get(key) if tree is not None else None
    if kept is not None and kept.file is not None:
        kept.file = None
        kept.expires = 0


def waiting_files() -> int:
    """How many files the site keeps for forms not sent yet."""
    tree = _storage(api.portal.get())
    return 0 if tree is None else sum(kept.file is not None for kept in tree.values())


def sweep_now_and_then(site, tree, moment: float) -> int:
    """Sweep unless this process swept the site less than SWEEP_INTERVAL ago.

    Instances sweep rarely and each on its own: two sweeps seldom remove the
    same file at once, which would make one of the requests start over.
    """
    path = "/".join(site.getPhysicalPath())
    last = _last_sweeps.get(path)
    if last is not None and 0 <= moment - last < SWEEP_INTERVAL:
        return 0
    _last_sweeps[path] = moment
    return sweep(tree, moment)


def sweep(tree, moment: float) -> int:
    """Remove the entries sent or expired at ``moment``, SWEEP_BATCH at most."""
    expired = []
    for key, kept in tree.items():
        if kept.expires < moment:
            expired.append(key)
            if len(expired) == SWEEP_BATCH:
                break
    for key in expired:
        del tree[key]
    return len(expired)
