"""Writes of the API tokens."""

import secrets

from django.db import transaction
from django.utils import timezone

from portal.members.models import Person

from .models import ApiToken
from .selectors import TOKEN_PREFIX, token_digest

PREFIX_SHOWN = 12
# Writing the last use at most once a minute keeps a busy script from writing at every request.
LAST_USED_PRECISION_SECONDS = 60


@transaction.atomic
def token_create(*, person: Person, name: str) -> tuple[ApiToken, str]:
    """A new token for `person`; returns it with its secret, which is shown once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        person=person, name=name.strip(), prefix=secret[:PREFIX_SHOWN], token_hash=token_digest(secret)
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_touch(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= LAST_USED_PRECISION_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@transaction.atomic
def tokens_erase(*, person: Person) -> int:
    deleted, _ = ApiToken.objects.filter(person=person).delete()
    return deleted
