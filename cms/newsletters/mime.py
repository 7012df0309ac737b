"""The newsletter's MIME message, written once per sending and filled in per recipient.

Python's email package takes about 2 ms to build and serialise one multipart message here, more
than the SMTP exchange itself. Every recipient of an issue gets the same message but for the To
header and their unsubscribe link, so the headers and parts are prepared once and each message
costs two string replacements and a quoted-printable encoding (binascii, in C).

`NewsletterEmail` is a Django EmailMultiAlternatives whose `message()` returns these bytes: Django's
e-mail backends (SMTP, console, locmem) send it like any other message.
"""

import binascii
import secrets
from email.header import Header
from email.utils import formataddr, formatdate, make_msgid

from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME

from .rendering import UNSUBSCRIBE_PLACEHOLDER


def _header_value(value: str) -> str:
    value = " ".join(value.split())  # no line break may reach a header
    return value if value.isascii() else Header(value, "utf-8").encode()


def _qp(text: str) -> bytes:
    return binascii.b2a_qp(text.encode("utf-8"), istext=True)


class PreparedMessage:
    def __init__(self, *, subject: str, from_email: str, html: str, text: str, list_id: str):
        self.boundary = f"=_ptce_{secrets.token_hex(12)}"
        self.common = (
            f"From: {sanitize_address(from_email, 'utf-8')}\n"
            f"Subject: {_header_value(subject)}\n"
            "MIME-Version: 1.0\n"
            f"List-Id: {list_id}\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n"
            f'Content-Type: multipart/alternative; boundary="{self.boundary}"\n'
        )
        self.html, self.text = html.replace("\r\n", "\n"), text.replace("\r\n", "\n")

    def build(self, *, to: str, name: str, link: str) -> bytes:
        to = "".join(to.split())
        name = " ".join(name.split())
        to_header = formataddr((name, to), charset="utf-8") if name else to
        head = (
            f"To: {to_header}\n"
            f"Date: {formatdate(localtime=True)}\n"
            f"Message-ID: {make_msgid(domain=DNS_NAME)}\n"
            f"List-Unsubscribe: <{link}>\n" + self.common
        )
        part = '--{b}\nContent-Type: text/{kind}; charset="utf-8"\nContent-Transfer-Encoding: quoted-printable\n\n'
        data = b"".join(
            [
                head.encode("ascii"),
                b"\n",
                part.format(b=self.boundary, kind="plain").encode("ascii"),
                _qp(self.text.replace(UNSUBSCRIBE_PLACEHOLDER, link)),
                b"\n",
                part.format(b=self.boundary, kind="html").encode("ascii"),
                _qp(self.html.replace(UNSUBSCRIBE_PLACEHOLDER, link)),
                f"\n--{self.boundary}--\n".encode("ascii"),
            ]
        )
        return data.replace(b"\n", b"\r\n")


class _RawMessage:
    """What Django's backends need from `EmailMessage.message()`: the bytes, and a charset."""

    def __init__(self, data: bytes):
        self.data = data

    def as_bytes(self, unixfrom=False, linesep="\n"):
        return self.data if linesep == "\r\n" else self.data.replace(b"\r\n", linesep.encode())

    def as_string(self, unixfrom=False, linesep="\n"):
        return self.as_bytes(linesep=linesep).decode("utf-8")

    def get_charset(self):
        return None


class NewsletterEmail(EmailMultiAlternatives):
    def __init__(self, *, raw: bytes, **kwargs):
        super().__init__(**kwargs)
        self.raw = raw

    def message(self, *args, **kwargs):
        return _RawMessage(self.raw)
