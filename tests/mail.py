"""A real SMTP server on loopback that keeps every message it receives."""

from aiosmtpd.controller import Controller
from email.message import EmailMessage
from email.policy import default
from imio.commune.cluster.processes import free_port

import email
import threading
import time


class Inbox:
    """aiosmtpd handler: the messages received, in order."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"] or "")]

    def wait_for(self, address: str, containing: str, timeout: float = 20):
        """The first message to ``address`` whose text contains ``containing``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.to(address):
                if containing in text_of(message):
                    return message
            time.sleep(0.2)
        received = [str(m["Subject"]) for m in self.to(address)]
        raise AssertionError(
            f"no e-mail to {address} with {containing!r}; received: {received}"
        )


def text_of(message: EmailMessage) -> str:
    """Subject and plain text body of a message."""
    body = message.get_body(preferencelist=("plain", "html"))
    content = body.get_content() if body is not None else ""
    return f"{message['Subject']}\n{content}"


class SMTPServer:
    """aiosmtpd listening on a free port of 127.0.0.1."""

    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> "SMTPServer":
        # A stopped aiosmtpd controller does not start again: a new one, same port.
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
