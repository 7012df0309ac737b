"""The public site's feeds: news as RSS and Atom, events as iCalendar (one event, or the upcoming ones).

Only live, public pages go out: a feed is read by anyone, like the site itself.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from . import selectors

FEED_SIZE = 20
CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


class NewsFeed(Feed):
    """RSS 2.0 of the latest news of the whole site."""

    def title(self):
        return _("News of the cluster")

    def description(self):
        return _("The latest news of the cluster, its thematic axes and its business clubs.")

    def link(self):
        return "/"

    def items(self):
        return selectors.latest_news().public()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_url()

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(9)))

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()


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
