"""Personal links without an account: a signed token naming one row and its random nonce.

Used by the needs surveys' links and the campaigns' invitations. Each use has its own salt, so a token
of one kind never opens the other; the nonce is stored on the row, so a link cannot be forged from an
id, and changing the nonce withdraws the link.
"""

import datetime
import secrets

from django.core import signing


class LinkError(Exception):
    """Why a link cannot be used: "invalid" (tampered, unknown, another's), "expired", "answered"…"""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def new_nonce() -> str:
    return secrets.token_hex(8)


def link_token(pk: int, nonce: str, *, salt: str) -> str:
    return signing.dumps([pk, nonce], salt=salt, compress=True)


def link_row(token: str, queryset, *, salt: str, max_age: datetime.timedelta):
    """The row of `queryset` the token names (its nonce checked), or LinkError "expired"/"invalid"."""
    try:
        pk, nonce = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkError("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkError("invalid") from None
    row = queryset.filter(pk=pk).first() if isinstance(pk, int) else None
    if row is None or not row.nonce or not secrets.compare_digest(str(nonce), row.nonce):
        raise LinkError("invalid")
    return row
