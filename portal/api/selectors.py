"""Reads of the API tokens."""

import hashlib

from django.db.models import QuerySet

from portal.members.models import Person

from .models import ApiToken

TOKEN_PREFIX = "ptce_"  # noqa: S105 - the public prefix, not a secret


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def tokens_of(person: Person) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(person=person).order_by("revoked_at", "-created_at", "-pk")


def token_of(person: Person, pk) -> ApiToken | None:
    return tokens_of(person).filter(pk=pk).first()


def active_token(secret: str) -> ApiToken | None:
    """The unrevoked token with this secret whose account is still active, or None (the caller answers 401)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    return (
        ApiToken.objects.select_related("person__user", "person__organisation")
        .filter(token_hash=token_digest(secret), revoked_at__isnull=True, person__user__is_active=True)
        .first()
    )
