"""What the events hold about a person (registrations), for the privacy app (portal/privacy/registry.py)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.privacy import registry
from portal.privacy.services import pseudonym

from .models import EventRegistration, RegistrationStatus


def _registrations(person):
    mine = Q(person=person)
    if person.user.email:
        mine |= Q(email__iexact=person.user.email)
    return EventRegistration.objects.filter(mine).select_related("event")


def export_registrations(person) -> list[dict]:
    return [
        {
            _("Event"): registration.event.title,
            _("Start"): registration.event.start,
            _("Name"): registration.name,
            _("Organisation"): registration.organisation_name,
            _("E-mail"): registration.email,
            _("Status"): registration.get_status_display(),
            _("Registered"): registration.created_at,
        }
        for registration in _registrations(person).order_by("created_at")
    ]


def erase(person) -> None:
    """Registrations to coming events are cancelled (their places go to the waiting list); all are anonymised."""
    from . import services

    now = timezone.now()
    registrations = list(_registrations(person))
    freed_events = {}
    for registration in registrations:
        if registration.status != RegistrationStatus.CANCELLED and registration.event.start > now:
            registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, now
            freed_events[registration.event_id] = registration.event
        registration.person = None
        registration.name = pseudonym()
        registration.organisation_name = ""
        registration.email = f"effacee-{registration.pk}@anonyme.invalid"
        registration.save(update_fields=["status", "cancelled_at", "person", "name", "organisation_name", "email"])
    for event in freed_events.values():
        services.registration_promote_waiting(event=event)


def purge_visitor_registrations(cutoff) -> int:
    """Visitors' registrations (no account) are deleted once the event ended longer ago than the retention period."""
    return EventRegistration.objects.filter(person__isnull=True, event__end__lt=cutoff).delete()[0]


def register() -> None:
    registry.register_section(
        "event_registrations", label=gettext_lazy("Registrations to events"), export=export_registrations, erase=erase,
        order=40,
    )  # fmt: skip
    registry.register_processing(
        "event_registrations",
        title=gettext_lazy("Registrations to events"),
        purpose=gettext_lazy("Managing the places, the waiting list and the attendance sheets of the events."),
        legal_basis=gettext_lazy("Performance of the registration requested by the person"),
        data=[gettext_lazy("name"), gettext_lazy("organisation"), gettext_lazy("e-mail")],
        retention=gettext_lazy("for visitors without an account, counted from the end of the event"),
        retention_setting="visitor_registrations",
        order=40,
    )
    registry.register_purge(
        "visitor_registrations", label=gettext_lazy("Visitors' event registrations"),
        retention_setting="visitor_registrations", purge=purge_visitor_registrations,
    )  # fmt: skip
