"""The thread that empties a site's mail queue.

It replaces zope.sendmail's QueueProcessorThread, which keeps the lock of a
message whose sending failed (a ``.sending-*`` hard link) and so tries it again
only three hours later, and which keeps the SMTP settings of its start.

- Each pass asks ``make_mailer`` for a mailer: the site's settings as they are
  in the database now.
- The server unreachable (or refusing us for now): the pass stops and the
  queue waits for the next delay of the schedule, 10 s, 30 s, 1 min, 2 min,
  then every 5 min (``IMIO_MAIL_RETRY_DELAYS``, in seconds).
- A message refused for now (4xx): that message waits for its next delay.
- A message refused for good (5xx): it moves to ``failed/`` with the answer.
- A message being sent is locked with ``flock``: the instances sharing the
  queue never send it twice, and the lock dies with its process.
"""

from imio.commune.mail.folder import MailQueue
from imio.commune.mail.folder import read_envelope
from pathlib import Path

import atexit
import fcntl
import logging
import os
import smtplib
import threading
import time


logger = logging.getLogger("imio.commune.mail")

DELAYS_VARIABLE = "IMIO_MAIL_RETRY_DELAYS"
DEFAULT_DELAYS = (10.0, 30.0, 60.0, 120.0, 300.0)
# zope.sendmail's lock of a message: left behind when its sending failed.
LEGACY_LOCK = ".sending-"
# Older than this, an instance of an earlier version no longer sends it.
LEGACY_LOCK_AGE = 300

PERMANENT = "permanent"
DEFERRED = "deferred"
UNAVAILABLE = "unavailable"


def retry_delays() -> tuple[float, ...]:
    """The waits after the first, second... failure; the last one repeats."""
    raw = os.environ.get(DELAYS_VARIABLE, "")
    try:
        delays = tuple(float(value) for value in raw.split(",") if value.strip())
    except ValueError:
        logger.warning("%s=%r is not a list of seconds", DELAYS_VARIABLE, raw)
        return DEFAULT_DELAYS
    if not delays or min(delays) < 0:
        return DEFAULT_DELAYS
    return delays


def delay_after(failures: int) -> float:
    delays = retry_delays()
    return delays[min(failures, len(delays)) - 1]


def classify(error: Exception) -> str:
    """Whether the message, or the server, is what failed, and for how long."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _answer in error.recipients.values()]
        return PERMANENT if codes and min(codes) >= 500 else DEFERRED
    if isinstance(error, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return PERMANENT if error.smtp_code >= 500 else DEFERRED
    # Unreachable, disconnected, TLS or login refused: the server or its
    # settings, which the administrator can fix; the messages are fine.
    return UNAVAILABLE


def describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {answer.decode(errors='replace')}"
            for address, (code, answer) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        answer = error.smtp_error
        if isinstance(answer, bytes):
            answer = answer.decode(errors="replace")
        return f"{error.smtp_code} {answer}"
    return f"{type(error).__name__}: {error}"


def claim(path: Path) -> int | None:
    """A descriptor of the message, locked for us; None if taken or gone."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # Sent and removed by another instance between our open and our lock?
        if os.path.samestat(os.fstat(descriptor), os.stat(path)):
            return descriptor
    except OSError:
        pass
    os.close(descriptor)
    return None


def legacy_lock_held(path: Path) -> bool:
    """Whether zope.sendmail may be sending the message; removes its old lock."""
    lock = path.with_name(LEGACY_LOCK + path.name)
    try:
        age = time.time() - lock.stat().st_mtime
    except FileNotFoundError:
        return False
    if age < LEGACY_LOCK_AGE:
        return True
    lock.unlink(missing_ok=True)
    logger.info("Removed the stale lock %s", lock)
    return False


class QueueProcessor(threading.Thread):
    """Sends the messages of one queue folder, with the site's current settings."""

    interval = 1.0

    def __init__(self, directory, make_mailer):
        super().__init__(name=f"imio.commune.mail {directory}", daemon=True)
        self.queue = MailQueue(directory)
        self.make_mailer = make_mailer
        self.server_failures = 0
        self.server_retry_at = 0.0
        self.deferred: dict[str, tuple[int, float]] = {}
        self._stopped = threading.Event()
        self._wake = threading.Event()
        self._sending = threading.Lock()

    def run(self):
        # At the process's exit, not between sending and removing a message.
        atexit.register(self.stop)
        while not self._stopped.is_set():
            try:
                self.process()
            except Exception:
                logger.exception("Mail queue %s", self.queue.path)
            self._wake.wait(self.next_wait())
            self._wake.clear()

    def wake(self):
        """Try the queue now: a message was put back, the settings corrected."""
        self.server_retry_at = 0.0
        self._wake.set()

    def stop(self):
        self._stopped.set()
        self._wake.set()
        # Not between sending a message and removing it from the queue.
        with self._sending:
            pass

    def next_wait(self) -> float:
        due = [self.server_retry_at] + [at for _n, at in self.deferred.values()]
        until = min(due) - time.monotonic()
        return min(self.interval, until) if until > 0 else self.interval

    def due(self, path: Path, now: float) -> bool:
        return self.deferred.get(path.name, (0, 0.0))[1] <= now

    def process(self) -> None:
        """One pass over the queue."""
        now = time.monotonic()
        if now < self.server_retry_at:
            return
        queued = self.queue.pending()
        names = {path.name for path in queued}
        self.deferred = {n: v for n, v in self.deferred.items() if n in names}
        pending = [path for path in queued if self.due(path, now)]
        if not pending:
            return
        try:
            mailer = self.make_mailer()
        except Exception as error:
            logger.exception("Mail settings of %s unreadable", self.queue.path)
            self.server_unavailable(describe(error))
            return
        for path in pending:
            if self._stopped.is_set() or not self.send(path, mailer):
                return

    def send(self, path: Path, mailer) -> bool:
        """Send one message; False when the server cannot take any now."""
        descriptor = claim(path)
        if descriptor is None:
            return True
        try:
            if legacy_lock_held(path):
                return True
            with os.fdopen(os.dup(descriptor), "rb") as message_file:
                envelope = read_envelope(message_file.read())
            with self._sending:
                try:
                    mailer.send(envelope.sender, envelope.recipients, envelope.message)
                except Exception as error:
                    close_quietly(mailer)
                    return self.failed(path, error)
                path.unlink(missing_ok=True)
        finally:
            os.close(descriptor)
        self.server_failures = 0
        self.deferred.pop(path.name, None)
        self.queue.record_delivery()
        logger.info("Mail to %s sent", ", ".join(envelope.recipients))
        return True

    def failed(self, path: Path, error: Exception) -> bool:
        description = describe(error)
        kind = classify(error)
        if kind == UNAVAILABLE:
            self.server_unavailable(description)
            return False
        self.queue.record_error(description)
        if kind == PERMANENT:
            logger.error("Mail %s refused, moved to failed/: %s", path, description)
            self.queue.fail(path, description)
            self.deferred.pop(path.name, None)
            return True
        failures = self.deferred.get(path.name, (0, 0.0))[0] + 1
        wait = delay_after(failures)
        self.deferred[path.name] = (failures, time.monotonic() + wait)
        logger.warning("Mail %s deferred %s s: %s", path, wait, description)
        return True

    def server_unavailable(self, description: str) -> None:
        self.server_failures += 1
        wait = delay_after(self.server_failures)
        self.server_retry_at = time.monotonic() + wait
        self.queue.record_error(description)
        logger.warning(
            "Mail server unavailable for %s, next try in %s s: %s",
            self.queue.path,
            wait,
            description,
        )


def close_quietly(mailer) -> None:
    """Forget the connection of a failed send, so the next one opens its own."""
    try:
        mailer.abort()
    except Exception:
        mailer.connection = None
