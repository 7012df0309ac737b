"""Reads of the privacy records. Other apps ask here whether someone agreed to a purpose."""

from django.db.models import QuerySet

from portal.members.models import Person

from .models import Consent, ExportAccess, Purpose


def has_consent(person: Person | None, purpose: str) -> bool:
    if person is None:
        return False
    return Consent.objects.filter(person=person, purpose=purpose, withdrawn_at__isnull=True).exists()


def people_with_consent(purpose: str) -> QuerySet[Person]:
    """Active people whose consent to `purpose` is current."""
    return Person.objects.filter(
        user__is_active=True, consents__purpose=purpose, consents__withdrawn_at__isnull=True
    ).distinct()


def consent_states(person: Person) -> list[dict]:
    """One entry per purpose: the current consent, if any, and the last one withdrawn."""
    records = list(Consent.objects.filter(person=person))
    states = []
    for purpose in Purpose:
        current = next((c for c in records if c.purpose == purpose and c.withdrawn_at is None), None)
        withdrawn = next((c for c in records if c.purpose == purpose and c.withdrawn_at is not None), None)
        states.append({"purpose": purpose, "label": purpose.label, "current": current, "last_withdrawn": withdrawn})
    return states


def consent_history(person: Person) -> QuerySet[Consent]:
    return Consent.objects.filter(person=person).order_by("given_at", "pk")


def export_accesses() -> QuerySet[ExportAccess]:
    return ExportAccess.objects.select_related("user")
