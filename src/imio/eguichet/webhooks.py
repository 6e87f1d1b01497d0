"""Signed webhooks: a form's cases told to the commune's other software.

At each step of a case (its creation, then each workflow transition), once the
step is committed, a background thread POSTs a JSON body to the form's webhook
address, signed with the form's secret::

    X-Imio-Signature: sha256=<hex HMAC-SHA256 of the raw body>

Connection errors and 5xx answers are retried with a growing delay; the last
failure is logged. The transition never waits for the webhook.
"""

from datetime import datetime
from datetime import UTC
from plone import api
from plone.app.uuid.utils import uuidToObject
from urllib.parse import urlsplit

import hashlib
import hmac
import json
import logging
import threading
import time
import transaction
import urllib.error
import urllib.request


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


def signature(secret: str, body: bytes) -> str:
    """The value of the X-Imio-Signature header for ``body``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
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
        "X-Imio-Signature": signature(secret, body),
    }
    transaction.get().addAfterCommitHook(_start, args=(url, body, headers))


def _start(committed, url, body, headers):
    if committed:
        threading.Thread(
            target=deliver, args=(url, body, headers), name="webhook", daemon=True
        ).start()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # The webhook reaches its own address and nothing else.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def deliver(url: str, body: bytes, headers: dict) -> bool:
    """POST until answered without a server error; whether it was delivered."""
    delay = FIRST_DELAY
    for attempt in range(1, ATTEMPTS + 1):
        # Only http(s) addresses reach here: see _notify.
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
        try:
            with _opener.open(request, timeout=TIMEOUT):
                return True
        except urllib.error.HTTPError as error:
            if error.code < 500:
                logger.error("Webhook %s refused the call: HTTP %s", url, error.code)
                return False
            reason = f"HTTP {error.code}"
        except (OSError, ValueError) as error:
            reason = str(error)
        if attempt < ATTEMPTS:
            logger.info("Webhook %s failed (%s), retried in %ss", url, reason, delay)
            time.sleep(delay)
            delay *= 2
    logger.error("Webhook %s failed %s times, given up: %s", url, ATTEMPTS, reason)
    return False
