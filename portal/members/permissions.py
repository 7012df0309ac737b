"""Who may do what in the members directory. Views, admin and services all ask here."""

from .models import Organisation, PersonRole


def person_of(user):
    if not user or not user.is_authenticated:
        return None
    return getattr(user, "person", None)


def is_administrator(user) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    person = person_of(user)
    return bool(person and person.role == PersonRole.ADMINISTRATOR)


def has_role(user, *roles: str) -> bool:
    if is_administrator(user):
        return True
    person = person_of(user)
    return bool(person and user.is_active and person.role in roles)


def can_edit_organisation(user, organisation: Organisation) -> bool:
    """Administrators edit any organisation; people edit only their own."""
    if is_administrator(user):
        return True
    person = person_of(user)
    return bool(person and user.is_active and person.organisation_id == organisation.pk)


def can_manage_memberships(user) -> bool:
    return is_administrator(user)


def can_invite_to(user, organisation: Organisation) -> bool:
    """Administrators invite anyone anywhere; a person invites colleagues to their own organisation."""
    return can_edit_organisation(user, organisation)


def can_grant_role(user, role: str) -> bool:
    return role == PersonRole.MEMBER or is_administrator(user)
