"""A site's mail queue on disk: the maildir, its failed folder and its status.

``new/`` and ``cur/`` hold the messages waiting to be sent (zope.sendmail's
maildir), ``failed/`` the messages the server refused for good, each beside a
``.json`` file with the error, and ``status.json`` the last error and the last
delivery, so that every instance sharing the queue shows the same page.
"""

from dataclasses import dataclass
from datetime import datetime
from datetime import UTC
from email.header import decode_header
from email.header import make_header
from email.parser import BytesHeaderParser
from email.utils import formataddr
from email.utils import getaddresses
from pathlib import Path
from zope.sendmail.maildir import Maildir

import json
import os
import uuid


FAILED = "failed"
STATUS = "status.json"
HEADERS_SIZE = 64 * 1024


@dataclass
class Envelope:
    """The sender and recipients zope.sendmail writes before the message."""

    sender: str
    recipients: tuple[str, ...]
    message: bytes


def read_envelope(data: bytes) -> Envelope:
    """Split a queued file into its X-Zope-From/X-Zope-To lines and the message."""
    lines = data.split(b"\n", 2)
    if len(lines) < 3 or not lines[0].startswith(b"X-Zope-From: "):
        return Envelope("", (), data)
    sender = lines[0][len(b"X-Zope-From: ") :].decode().strip()
    recipients = lines[1][len(b"X-Zope-To: ") :].decode().strip()
    return Envelope(
        sender,
        tuple(
            formataddr((name, address))
            for name, address in getaddresses([recipients])
            if address
        ),
        lines[2],
    )


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def header_text(value) -> str:
    return str(make_header(decode_header(value))) if value else ""


@dataclass
class QueuedMessage:
    """What the queue page shows of a message."""

    name: str
    recipients: str
    subject: str
    queued_at: datetime
    error: str = ""
    failed_at: str = ""


def describe(path: Path, error: dict | None = None) -> QueuedMessage:
    with path.open("rb") as message_file:
        # The headers, without the attachments.
        data = message_file.read(HEADERS_SIZE)
    envelope = read_envelope(data)
    headers = BytesHeaderParser().parsebytes(envelope.message)
    error = error or {}
    return QueuedMessage(
        name=path.name,
        recipients=header_text(headers["To"]) or ", ".join(envelope.recipients),
        subject=header_text(headers["Subject"]),
        queued_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
        error=error.get("error", ""),
        failed_at=error.get("at", ""),
    )


def write_json(path: Path, data: dict) -> None:
    """Replace path at once: a reader never sees half a file."""
    draft = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    draft.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(draft, path)


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


class MailQueue:
    """The queue folder of one site."""

    def __init__(self, directory):
        self.path = Path(directory)
        self.maildir = Maildir(str(self.path), create=True)
        self.failed_path = self.path / FAILED
        self.failed_path.mkdir(exist_ok=True)

    def pending(self) -> list[Path]:
        """The messages waiting to be sent, oldest first."""
        try:
            return [Path(name) for name in self.maildir]
        except FileNotFoundError:
            # A message sent by another instance while the folder was read.
            return [Path(name) for name in self.maildir]

    def failed(self) -> list[Path]:
        return sorted(
            path
            for path in self.failed_path.iterdir()
            if not path.name.startswith(".") and path.suffix != ".json"
        )

    def failed_messages(self) -> list[QueuedMessage]:
        return [
            describe(path, read_json(path.with_name(path.name + ".json")))
            for path in self.failed()
        ]

    def pending_messages(self, limit: int) -> list[QueuedMessage]:
        """The oldest ``limit`` messages waiting."""
        messages = []
        for path in self.pending()[:limit]:
            try:
                messages.append(describe(path))
            except FileNotFoundError:
                continue
        return messages

    def status(self) -> dict:
        return read_json(self.path / STATUS)

    def record_error(self, error: str) -> None:
        status = self.status()
        status.update(last_error=error, last_error_at=now_iso())
        write_json(self.path / STATUS, status)

    def record_delivery(self) -> None:
        status = self.status()
        status["last_sent_at"] = now_iso()
        write_json(self.path / STATUS, status)

    def fail(self, path: Path, error: str) -> None:
        """Keep a refused message in failed/, with the server's answer."""
        target = self.failed_path / path.name
        write_json(
            self.failed_path / (path.name + ".json"), {"error": error, "at": now_iso()}
        )
        os.replace(path, target)

    def retry(self, name: str) -> bool:
        """Put a failed message back in the queue; False if it is not there."""
        if Path(name).name != name or name.startswith("."):
            return False
        source = self.failed_path / name
        if not source.is_file() or source.suffix == ".json":
            return False
        os.replace(source, self.path / "new" / name)
        (self.failed_path / (name + ".json")).unlink(missing_ok=True)
        return True
