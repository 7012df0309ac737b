"""The events as iCalendar: one event to add to one's calendar, and the calendar of upcoming events."""

from icalendar import Calendar

from tests.cms.pages import add_event


def test_an_event_as_an_icalendar_file(client, agenda):
    event = add_event(agenda, title="Atelier ; circuits courts, saison 2", place="Cuisine centrale", address="Arvière")
    response = client.get(event.url + "calendrier/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    (entry,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Atelier ; circuits courts, saison 2"  # escaped on the way, intact back
    assert entry.decoded("DTSTART") == event.start and entry.decoded("DTEND") == event.end
    assert str(entry["LOCATION"]) == "Cuisine centrale, Arvière"
    assert event.url + "calendrier/" in client.get(event.url).content.decode()  # "add to my calendar"


def test_the_calendar_of_upcoming_events(client, agenda):
    add_event(agenda, days=-5, title="Rencontre passée")
    add_event(agenda, days=3, title="Petit-déjeuner")
    add_event(agenda, days=9, title="After-work")
    add_event(agenda, days=4, title="Brouillon", publish=False)
    calendar = Calendar.from_ical(client.get("/flux/agenda.ics").content)
    assert [str(entry["SUMMARY"]) for entry in calendar.walk("VEVENT")] == ["Petit-déjeuner", "After-work"]
