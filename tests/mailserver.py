"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the tests about
what a person finds in their inbox."""

import email
import email.policy
import socket
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Inbox:
    """What the server received, as the messages a mail program would show."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []  # each as it came over the wire
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self.raw.append(envelope.content)
            self._arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        """The first `count` messages, waiting for them to arrive; fails the test if they don't."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{len(self.messages)} e-mails arrived in {timeout} s, not {count}"
                    )
                self._arrived.wait(left)
            return self.messages[:count]


class MailServer:
    """aiosmtpd in a thread of its own on a free loopback port; `config` points the app at it."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        # aiosmtpd checks it is up by connecting to the port it was given, so not port 0.
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=_free_port())

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    @property
    def port(self) -> int:
        return self._controller.port

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    @property
    def config(self) -> dict:
        return {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": self.port,
            "MAIL_USE_TLS": False,
            "MAIL_USE_SSL": False,
            # TESTING suppresses Flask-Mail's sending unless told otherwise.
            "MAIL_SUPPRESS_SEND": False,
        }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
