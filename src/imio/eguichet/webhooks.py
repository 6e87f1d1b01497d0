"""Signed webhooks: a form's cases told to the commune's other software.

At each step of a case (its creation, then each workflow transition), once the
step is committed, a background thread POSTs a JSON body to the form's webhook
address, signed with the form's secret over the time of the call and the body::

    X-Imio-Timestamp: <Unix time of the call, in seconds>
    X-Imio-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">

The address is called only if every address its name resolves to may be
called (see ``webhook_targets``), at the addresses checked; redirections are
not followed. Connection errors and 5xx answers are retried with a growing
delay, each attempt signed anew; the last failure is logged. The transition
never waits for the webhook.
"""

from datetime import datetime
from datetime import UTC
from imio.eguichet.webhook_targets import ALLOWED_NETWORKS
from imio.eguichet.webhook_targets import checked_addresses
from imio.eguichet.webhook_targets import RefusedAddress
from plone import api
from plone.app.uuid.utils import uuidToObject
from urllib.parse import urlsplit

import hashlib
import hmac
import http.client
import json
import logging
import socket
import ssl
import threading
import time
import transaction


logger = logging.getLogger("imio.eguichet")

ATTEMPTS = 4
FIRST_DELAY = 2.0  # seconds before the second attempt, doubled after each
TIMEOUT = 5.0


def case_created(case, event):
    """The case has just been submitted."""
    _notify(
        case,
        "case_created",
        form=event.form,
        review_state=api.content.get_state(case),
        previous_state=None,
        transition=None,
    )


def case_transition(case, event):
    """The case moved on; its creation is told by ``case_created``."""
    if event.transition is None:
        return
    _notify(
        case,
        "case_transition",
        review_state=event.new_state.id,
        previous_state=event.old_state.id,
        transition=event.transition.id,
    )


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The value of the X-Imio-Signature header for ``body`` sent at ``timestamp``."""
    signed = timestamp.encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _notify(case, event_name, form=None, **states):
    if form is None and case.form_uid:
        form = uuidToObject(case.form_uid, unrestricted=True)
    url = getattr(form, "webhook_url", None)
    if not url:
        return
    if urlsplit(url).scheme not in ("http", "https"):
        logger.warning("Webhook %s is not an http(s) address: not called", url)
        return
    secret = getattr(form, "webhook_secret", None)
    if not secret:
        logger.warning("Webhook of %s has no secret: not called", form.absolute_url())
        return
    payload = {
        "event": event_name,
        "reference": case.formatted_reference(),
        **states,
        "form": {"uid": case.form_uid, "title": case.form_title},
        "case_url": case.absolute_url(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "imio.eguichet webhook",
        "X-Imio-Event": event_name,
    }
    transaction.get().addAfterCommitHook(_start, args=(url, body, headers, secret))


def _start(committed, url, body, headers, secret):
    if committed:
        threading.Thread(
            target=deliver,
            args=(url, body, headers, secret),
            name="webhook",
            daemon=True,
        ).start()


def deliver(url: str, body: bytes, headers: dict, secret: str) -> bool:
    """POST until answered without a server error; whether it was delivered."""
    delay = FIRST_DELAY
    for attempt in range(1, ATTEMPTS + 1):
        timestamp = str(int(time.time()))
        signed = {
            **headers,
            "X-Imio-Timestamp": timestamp,
            "X-Imio-Signature": signature(secret, timestamp, body),
        }
        try:
            status = post(url, body, signed)
        except RefusedAddress as refused:
            logger.error(
                "Webhook %s not called: %s is not a public address "
                "(operators may allow it in %s)",
                url,
                refused,
                ALLOWED_NETWORKS,
            )
            return False
        except (OSError, ValueError, http.client.HTTPException) as error:
            reason = str(error) or type(error).__name__
        else:
            if status < 300:
                return True
            if status < 500:
                # A redirection is refused too: it is never followed.
                logger.error("Webhook %s refused the call: HTTP %s", url, status)
                return False
            reason = f"HTTP {status}"
        if attempt < ATTEMPTS:
            logger.info("Webhook %s failed (%s), retried in %ss", url, reason, delay)
            time.sleep(delay)
            delay *= 2
    logger.error("Webhook %s failed %s times, given up: %s", url, ATTEMPTS, reason)
    return False


def post(url: str, body: bytes, headers: dict) -> int:
    """POST ``body`` to the checked addresses of ``url``: the answer's status."""
    address = urlsplit(url)
    https = address.scheme == "https"
    port = address.port or (443 if https else 80)
    addresses = checked_addresses(address.hostname, port)
    pinned = PinnedHTTPSConnection if https else PinnedHTTPConnection
    connection = pinned(address.hostname, port, addresses=addresses, timeout=TIMEOUT)
    path = address.path or "/"
    if address.query:
        path = f"{path}?{address.query}"
    try:
        connection.request("POST", path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the addresses checked, never to a new answer of the DNS."""

    def __init__(self, host, port, *, addresses, **kwargs):
        super().__init__(host, port, **kwargs)
        self.addresses = addresses

    def connect(self):
        self.sock = _connect(self.addresses, self.port, self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS: the certificate is checked for the host's name."""

    def __init__(self, host, port, *, addresses, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self.addresses = addresses

    def connect(self):
        sock = _connect(self.addresses, self.port, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _connect(addresses: list[str], port: int, timeout: float) -> socket.socket:
    error = OSError("no address")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as failure:
            error = failure
    raise error
