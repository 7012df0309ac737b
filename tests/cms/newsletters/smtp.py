"""A real SMTP server on loopback (aiosmtpd) that records what it accepts, for tests and the benchmark."""

import asyncio
import email
import email.policy
import logging
import socket
import threading
import time

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """Keeps every accepted message; refuses the recipients listed in `refuse`; may be slowed down."""

    def __init__(self, *, keep: bool = True, delay: float = 0.0):
        self.keep = keep
        self.delay = delay
        self.refuse: set[str] = set()
        self.messages: list = []
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.count += 1
            if self.keep:
                self.messages.append(
                    (list(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=email.policy.default))
                )
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        """Forgets what was received and the refusals: the next test starts from nothing."""
        with self.lock:
            self.messages.clear()
            self.count = 0
            self.refuse = set()
            self.delay = 0.0

    def recipients(self) -> list[str]:
        with self.lock:
            return [address.lower() for rcpt_tos, _message in self.messages for address in rcpt_tos]

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.count < count and time.monotonic() < deadline:
            time.sleep(0.01)


# aiosmtpd logs every SMTP command at INFO level.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class SmtpServer:
    def __init__(self, handler: Recorder, port: int | None = None):
        self.handler = handler
        self.port = port or free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> "SmtpServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
