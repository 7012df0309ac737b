"""The events as iCalendar: one event, or the upcoming ones (/flux/agenda.ics).

Only live, public pages go out: a feed is read by anyone, like the site itself.
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from . import selectors

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


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


def _calendar(events, request, name: str) -> HttpResponse:
    calendar = Calendar()
    calendar.add("prodid", "-//PTCE Portal//Agenda//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_calendar_event(event, request))
    return HttpResponse(calendar.to_ical(), content_type=CALENDAR_CONTENT_TYPE)


def event_calendar(request, event) -> HttpResponse:
    """One event as a .ics file, to add it to one's own calendar."""
    response = _calendar([event], request, event.title)
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def upcoming_events_calendar(request) -> HttpResponse:
    """The calendar of upcoming events, to subscribe to."""
    return _calendar(selectors.upcoming_events().public(), request, _("Events of the cluster"))
