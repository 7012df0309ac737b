"""Probes of the events' rules: who sees an event's registrations, records who came, downloads the
attendance sheet and opens the follow-up room (the events of an axis's page, of a club's page)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cms.events.models import EventKind, EventPage, EventRegistration, RegistrationStatus
from tests.cms.pages import add_event
from tests.factories import PersonFactory

from ..kit import allowed, client_for, probe
from .cms import scope_site


def _coming_event(world, kind, inside, key):
    """An event next week under the scope's agenda, one per probe (a probe cancels or moves it)."""
    key = f"coming-{kind}-{inside}-{key}"
    if key not in world.extra:
        entry = scope_site(world, kind, inside)
        world.extra[key] = add_event(entry["agenda"], days=7, capacity=10, title=f"Date {key}")
    return EventPage.objects.get(pk=world.extra[key].pk)


def _date_cancelled(user, event):
    client_for(user).post(event.url + event.reverse_subpage("cancel_date"), {"move_to": ""})
    cancelled = EventPage.objects.get(pk=event.pk).cancelled_at is not None
    EventPage.objects.filter(pk=event.pk).update(cancelled_at=None)
    return cancelled


def _date_moved(user, event):
    start = timezone.localtime(event.start + datetime.timedelta(days=1))
    end = start + datetime.timedelta(hours=2)
    client_for(user).post(
        event.url + event.reverse_subpage("move"),
        {"start": start.strftime("%Y-%m-%dT%H:%M"), "end": end.strftime("%Y-%m-%dT%H:%M")},
    )
    moved = EventPage.objects.get(pk=event.pk).moved_from is not None
    EventPage.objects.filter(pk=event.pk).update(moved_from=None, start=event.start, end=event.end)
    return moved


def _badges_printed(user, event):
    response = client_for(user).get(event.url + event.reverse_subpage("badges"))
    return allowed(response) and response.get("Content-Type") == "application/pdf"


def _checked_in(user, event):
    registration = event.registrations.get()
    EventRegistration.objects.filter(pk=registration.pk).update(attended=None)
    client_for(user).post(event.url + event.reverse_subpage("check_in"), {"code": registration.badge_code})
    registration.refresh_from_db()
    return registration.attended is True


def _feedback_summary_read(user, event):
    response = client_for(user).get(event.url + event.reverse_subpage("feedback_summary"))
    return allowed(response) and escape(event.title) in response.content.decode()


def _event(world, kind, inside, *, event_kind=EventKind.WORKSHOP):
    """A workshop held two days ago under the scope's agenda, with one member registered."""
    key = f"event-{kind}-{inside}-{event_kind}"
    if key not in world.extra:
        entry = scope_site(world, kind, inside)
        name = "Atelier" if event_kind == EventKind.WORKSHOP else "Bourse"  # two kinds under one agenda
        event = add_event(entry["agenda"], days=-2, kind=event_kind, capacity=10, title=f"{name} {entry['scope']}")
        person = PersonFactory()
        EventRegistration.objects.create(
            event=event, person=person, name=f"Inscrite {key}", email=f"inscrite-{event.pk}@exemple.test",
            status=RegistrationStatus.CONFIRMED, cancel_token_hash=f"matrix-{event.pk}",
        )  # fmt: skip
        world.extra[key] = event
    return world.extra[key]


def build_shared(world):
    """The events most of this module's cells play on, built once for the class (kit.Shared): each cell
    built its inside and outside events again, a Wagtail page with its revision each, a third of the
    matrix's time on events."""
    for kind in ("axis", "club"):
        for inside in (True, False):
            _event(world, kind, inside)
            for key in ("cancel", "move"):
                _coming_event(world, kind, inside, key)
    for inside in (True, False):
        _event(world, "club", inside, event_kind=EventKind.EXCHANGE_SESSION)


def _registrations_shown(user, event):
    response = client_for(user).get(event.url + event.reverse_subpage("presence"))
    registration = event.registrations.get()
    return allowed(response) and registration.name in response.content.decode()


def _attendance_recorded(user, event):
    registration = event.registrations.get()
    EventRegistration.objects.filter(pk=registration.pk).update(attended=None)
    client_for(user).post(event.url + event.reverse_subpage("presence"), {"present": [registration.pk]})
    registration.refresh_from_db()
    return registration.attended is True


def _sheet_downloaded(user, event):
    response = client_for(user).get(event.url + event.reverse_subpage("attendance", args=["csv"]))
    return allowed(response) and event.registrations.get().email in response.content.decode()


def _followup_opened(user, event):
    client_for(user).post(event.url + event.reverse_subpage("followup"))
    return EventPage.objects.get(pk=event.pk).followup_workgroup_id is not None


def _add_event_form(user, agenda, model="eventpage"):
    return allowed(client_for(user).get(reverse("wagtailadmin_pages:add", args=["events", model, agenda.pk])))


@probe("events.page.add_axis_event")
def add_axis_event(world, user, inside):
    return _add_event_form(user, scope_site(world, "axis", inside)["agenda"])


@probe("events.page.add_club_event")
def add_club_event(world, user, inside):
    return _add_event_form(user, scope_site(world, "club", inside)["agenda"])


@probe("events.page.add_axis_series")
def add_axis_series(world, user, inside):
    return _add_event_form(user, scope_site(world, "axis", inside)["agenda"], "eventseriespage")


@probe("events.page.add_club_series")
def add_club_series(world, user, inside):
    return _add_event_form(user, scope_site(world, "club", inside)["agenda"], "eventseriespage")


@probe("events.registrations.axis_event")
def registrations_axis_event(world, user, inside):
    return _registrations_shown(user, _event(world, "axis", inside))


@probe("events.registrations.club_event")
def registrations_club_event(world, user, inside):
    return _registrations_shown(user, _event(world, "club", inside))


@probe("events.registrations.exchange_session")
def registrations_exchange_session(world, user, inside):
    return _registrations_shown(user, _event(world, "club", inside, event_kind=EventKind.EXCHANGE_SESSION))


@probe("events.attendance.axis_event")
def attendance_axis_event(world, user, inside):
    return _attendance_recorded(user, _event(world, "axis", inside))


@probe("events.attendance.club_event")
def attendance_club_event(world, user, inside):
    return _attendance_recorded(user, _event(world, "club", inside))


@probe("events.export.axis_event")
def export_axis_event(world, user, inside):
    return _sheet_downloaded(user, _event(world, "axis", inside))


@probe("events.export.club_event")
def export_club_event(world, user, inside):
    return _sheet_downloaded(user, _event(world, "club", inside))


@probe("events.followup.axis_event")
def followup_axis_event(world, user, inside):
    return _followup_opened(user, _event(world, "axis", inside))


@probe("events.followup.club_event")
def followup_club_event(world, user, inside):
    return _followup_opened(user, _event(world, "club", inside))


@probe("events.date.cancel_axis_event")
def cancel_axis_date(world, user, inside):
    return _date_cancelled(user, _coming_event(world, "axis", inside, "cancel"))


@probe("events.date.cancel_club_event")
def cancel_club_date(world, user, inside):
    return _date_cancelled(user, _coming_event(world, "club", inside, "cancel"))


@probe("events.date.move_axis_event")
def move_axis_date(world, user, inside):
    return _date_moved(user, _coming_event(world, "axis", inside, "move"))


@probe("events.date.move_club_event")
def move_club_date(world, user, inside):
    return _date_moved(user, _coming_event(world, "club", inside, "move"))


@probe("events.badges.axis_event")
def badges_axis_event(world, user, inside):
    return _badges_printed(user, _event(world, "axis", inside))


@probe("events.badges.club_event")
def badges_club_event(world, user, inside):
    return _badges_printed(user, _event(world, "club", inside))


@probe("events.check_in.axis_event")
def check_in_axis_event(world, user, inside):
    return _checked_in(user, _event(world, "axis", inside))


@probe("events.check_in.club_event")
def check_in_club_event(world, user, inside):
    return _checked_in(user, _event(world, "club", inside))


@probe("events.feedback_summary.axis_event")
def feedback_summary_axis_event(world, user, inside):
    return _feedback_summary_read(user, _event(world, "axis", inside))


@probe("events.feedback_summary.club_event")
def feedback_summary_club_event(world, user, inside):
    return _feedback_summary_read(user, _event(world, "club", inside))


# --- Subscriptions (#21) --------------------------------------------------------------------------


def _personal_calendar_address(user, *, renewed: bool) -> str | None:
    """The actor's own calendar address (None for anonymous), or the one a renewal replaced."""
    from portal.members import services as member_services
    from portal.members.permissions import person_of

    person = person_of(user)
    if person is None:
        return None
    first = member_services.calendar_address_renew(person=person, by=user)
    token = member_services.calendar_address_renew(person=person, by=user) if renewed else first
    return reverse("personal_calendar_ics", args=[first if renewed else token])


@probe("events.personal_calendar.own_address")
def personal_calendar_own_address(world, user, inside):
    address = _personal_calendar_address(user, renewed=False)
    return address is not None and allowed(client_for(None).get(address))


@probe("events.personal_calendar.renewed_address")
def personal_calendar_renewed_address(world, user, inside):
    address = _personal_calendar_address(user, renewed=True)
    return address is not None and allowed(client_for(user).get(address))


def _members_only_event_in_feed(world, user, kind, inside) -> bool:
    from wagtail.models import PageViewRestriction

    entry = scope_site(world, kind, inside)
    key = f"members-only-event-{kind}-{inside}"
    if key not in world.extra:
        event = add_event(entry["agenda"], days=3, title=f"Réservée aux membres {entry['scope']}")
        PageViewRestriction.objects.create(page=event, restriction_type=PageViewRestriction.LOGIN)
        world.extra[key] = event
    slug = entry["scope"].slug
    response = client_for(user).get(reverse(f"{kind}_ical", args=[slug]))
    if response.status_code != 200:
        return False
    # Parsed, not searched as bytes: iCalendar folds long lines.
    from icalendar import Calendar

    titles = [str(entry["SUMMARY"]) for entry in Calendar.from_ical(response.content).walk("VEVENT")]
    return world.extra[key].title in titles


@probe("events.feeds.axis_members_only_event")
def feeds_axis_members_only_event(world, user, inside):
    return _members_only_event_in_feed(world, user, "axis", inside)


@probe("events.feeds.club_members_only_event")
def feeds_club_members_only_event(world, user, inside):
    return _members_only_event_in_feed(world, user, "club", inside)
