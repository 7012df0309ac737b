"""The events of a participatory process (its breakfast, workshops, assises) with their attendance,
as a section of the process's page (workgroups.processes: that app never imports this one)."""

from django.db.models import Count, Q
from django.template.loader import render_to_string

from .models import EventPage, RegistrationStatus


def events_of_process(process, user) -> dict:
    confirmed = Q(registrations__status=RegistrationStatus.CONFIRMED)
    events = (
        EventPage.objects.live()
        .filter(process=process)
        .annotate(
            registered=Count("registrations", filter=confirmed, distinct=True),
            came=Count("registrations", filter=confirmed & Q(registrations__attended=True), distinct=True),
        )
        .order_by("start")
    )
    return render_to_string("events/includes/process_events.html", {"events": list(events)})


def register() -> None:
    from workgroups.processes import register_section

    register_section("events", events_of_process)
