"""The events as iCalendar: one event, the upcoming ones (/flux/agenda.ics), an axis's or a club's,
and a person's own calendar at its secret address.

Only live, public pages go out in the shared feeds: a feed is read by anyone, like the site itself.
The personal calendar holds the events its owner registered to (confirmed places only) and the
meetings of the workgroups she is an active member of: each meeting keeps its UID, and its SEQUENCE
grows when it is moved or renamed, so a subscribed calendar replaces its copy; a deleted meeting
leaves the feed, and the calendar with it at its next refresh.
"""

import datetime

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from cms import selectors as cms_selectors
from portal.members import selectors as member_selectors
from workgroups import selectors as workgroup_selectors
from workgroups.models import Axis

from . import selectors
from .models import RegistrationStatus

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"
# A meeting has a start only: a calendar shows it this long.
MEETING_LENGTH = datetime.timedelta(hours=2)


def _calendar_event(event, request) -> Event:
    entry = Event()
    entry.add("uid", f"event-{event.pk}@{request.get_host()}")
    entry.add("dtstamp", event.last_published_at or timezone.now())
    entry.add("dtstart", event.start)
    entry.add("dtend", event.end)
    entry.add("summary", event.title)
    entry.add("description", event.summary)
    entry.add("location", ", ".join(part for part in (event.place, event.address) if part))
    entry.add("url", request.build_absolute_uri(event.get_url(request)))
    if event.is_cancelled:  # the .ics of a cancelled date, opened again, removes it from a calendar
        entry.add("status", "CANCELLED")
    return entry


def _calendar_meeting(meeting, request) -> Event:
    """A workgroup's meeting. Its agenda stays on the room's page (members only): the entry carries
    the date, the place and the link, as an address that could leak shows no more than that."""
    address = reverse("workgroups:meeting", kwargs={"slug": meeting.workgroup.slug, "meeting_id": meeting.pk})
    url = request.build_absolute_uri(address)
    entry = Event()
    entry.add("uid", f"meeting-{meeting.pk}@{request.get_host()}")
    entry.add("sequence", meeting.sequence)
    entry.add("dtstamp", meeting.rescheduled_at or meeting.created_at)
    entry.add("last-modified", meeting.rescheduled_at or meeting.created_at)
    entry.add("dtstart", meeting.starts_at)
    entry.add("dtend", meeting.starts_at + MEETING_LENGTH)
    entry.add("summary", meeting.title)
    entry.add("description", f"{meeting.workgroup.name}\n{url}")
    if meeting.place:
        entry.add("location", meeting.place)
    entry.add("url", url)
    return entry


def _calendar(events, request, name: str, meetings=()) -> HttpResponse:
    # Among a subscriber's calendars, each says which cluster's it is.
    site_name = cms_selectors.site_identity(request=request).display_name(settings.WAGTAIL_SITE_NAME)
    calendar = Calendar()
    calendar.add("prodid", f"-//{site_name}//Agenda//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{name} · {site_name}")
    for event in events:
        calendar.add_component(_calendar_event(event, request))
    for meeting in meetings:
        calendar.add_component(_calendar_meeting(meeting, request))
    return HttpResponse(calendar.to_ical(), content_type=CALENDAR_CONTENT_TYPE)


def event_calendar(request, event) -> HttpResponse:
    """One event as a .ics file, to add it to one's own calendar."""
    response = _calendar([event], request, event.title)
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def upcoming_events_calendar(request) -> HttpResponse:
    """The calendar of upcoming events, to subscribe to."""
    return _calendar(selectors.upcoming_events().public(), request, _("Events of the cluster"))


def axis_calendar(request, slug: str) -> HttpResponse:
    """The upcoming public events of one thematic axis (under its page or tagged with it)."""
    axis = get_object_or_404(Axis, slug=slug)
    name = _("Events of the axis %(axis)s") % {"axis": axis.title}
    return _calendar(selectors.upcoming_events(axis=axis, within=getattr(axis, "page", None)), request, name)


def club_calendar(request, slug: str) -> HttpResponse:
    """The upcoming public events of one business club (under its page)."""
    page = cms_selectors.public_club_page(slug)
    if page is None:
        raise Http404
    name = _("Events of %(club)s") % {"club": page.club.name}
    return _calendar(selectors.upcoming_events(within=page), request, name)


def personal_calendar(request, token: str) -> HttpResponse:
    """A person's own calendar: the events they hold a confirmed place at and their workgroups'
    meetings. The address is the only key (calendar applications send no cookie): unknown or renewed,
    it answers 404."""
    person = member_selectors.person_by_calendar_token(token)
    if person is None:
        raise Http404
    registrations = selectors.registrations_of(person).filter(status=RegistrationStatus.CONFIRMED)
    events = [registration.event for registration in registrations.order_by("event__start")]
    meetings = workgroup_selectors.calendar_meetings(person)
    response = _calendar(events, request, _("My calendar on the portal"), meetings=meetings)
    response["Cache-Control"] = "private, no-store"
    return response
