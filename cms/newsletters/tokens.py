"""Signed links: unsubscribing (never expires) and confirming a sign-up (expires with the retention period)."""

from django.core import signing

from portal.privacy.registry import retention_days

UNSUBSCRIBE_SALT = "newsletters.unsubscribe"
CONFIRM_SALT = "newsletters.confirm"


def unsubscribe_token(email: str, audience_key: str) -> str:
    return signing.dumps([email, audience_key], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[str, str] | None:
    try:
        email, audience_key = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(email, str) or not isinstance(audience_key, str):
        return None
    return email, audience_key


def confirm_token(email: str) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(email)


def read_confirm_token(token: str) -> str | None:
    try:
        return signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            token, max_age=retention_days("unconfirmed_signups") * 86400
        )
    except signing.BadSignature:  # SignatureExpired is one
        return None
