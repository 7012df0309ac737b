"""Subscriptions (#21): a person's own calendar at a secret address that can be renewed, the
calendars and news feeds of an axis and of a club (public items only), the new best practices."""

import datetime
import re
import xml.etree.ElementTree as ET
import zoneinfo

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import PageViewRestriction

from cms.events.models import EventRegistration, RegistrationStatus
from cms.models import ClubPage
from knowledge.models import BestPracticeStatus, Visibility
from tests.cms.pages import add_event, add_news, add_page, axis_page
from tests.factories import AxisFactory, BestPracticeFactory, ClubFactory, PersonFactory, WorkgroupFactory
from workgroups import services as workgroup_services
from workgroups.models import Meeting, WorkgroupMembership, WorkgroupMembershipStatus, WorkgroupRole


def register(event, person, status=RegistrationStatus.CONFIRMED):
    number = EventRegistration.objects.count()
    return EventRegistration.objects.create(
        event=event, person=person, name=str(person), email=f"p{number}@exemple.test", status=status,
        cancel_token_hash=f"h{number}",
    )  # fmt: skip


def summaries(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return [str(entry["SUMMARY"]) for entry in Calendar.from_ical(response.content).walk("VEVENT")]


def rss_titles(response) -> list[str]:
    assert response.status_code == 200
    channel = ET.fromstring(response.content)  # noqa: S314 - our own feed
    return [item.findtext("title") for item in channel.iter("item")]


def make_address(client, person) -> str:
    client.force_login(person.user)
    page = client.post(reverse("members:calendar_address")).content.decode()
    (address,) = re.findall(r'value="(http[^"]+\.ics)"', page)
    client.logout()
    return address.replace("http://testserver", "")


def test_my_calendar_lists_my_confirmed_registrations_at_a_renewable_secret_address(client, agenda):
    me, someone = PersonFactory(), PersonFactory()
    breakfast = add_event(agenda, days=3, title="Petit-déjeuner du club")
    workshop = add_event(agenda, days=5, title="Atelier mobilité")
    register(breakfast, me)
    register(workshop, me, status=RegistrationStatus.WAITING)
    register(workshop, someone)

    address = make_address(client, me)
    assert summaries(client.get(address)) == ["Petit-déjeuner du club"]  # no cookie: the address is the key
    assert client.get(address)["Cache-Control"] == "private, no-store"

    renewed = make_address(client, me)
    assert renewed != address
    assert client.get(address).status_code == 404  # the old address is dead at once
    assert summaries(client.get(renewed)) == ["Petit-déjeuner du club"]
    assert client.get("/flux/agenda-personnel/inconnu.ics").status_code == 404

    client.force_login(me.user)
    page = client.get(reverse("members:calendar_address")).content.decode()
    assert "Renouveler l'adresse" in page and renewed not in page  # shown once only


def test_an_axis_feeds_hold_its_public_events_and_news_only(client, home, agenda, news_index):
    axis, other = AxisFactory(title="Mobilité"), AxisFactory()
    page = axis_page(home, axis)
    add_event(agenda, days=2, title="Atelier covoiturage", axis=axis)
    add_event(page, days=4, title="Visite du parking vélo")
    add_event(agenda, days=3, title="Autre axe", axis=other)
    members_only = add_event(agenda, days=6, title="Réunion réservée", axis=axis)
    PageViewRestriction.objects.create(page=members_only, restriction_type=PageViewRestriction.LOGIN)
    add_news(news_index, title="Nouvelle ligne de bus", axis=axis)
    add_news(news_index, title="Sans rapport", axis=other)

    assert summaries(client.get(f"/flux/axes/{axis.slug}/agenda.ics")) == [
        "Atelier covoiturage",
        "Visite du parking vélo",
    ]
    assert rss_titles(client.get(f"/flux/axes/{axis.slug}/actualites.rss")) == ["Nouvelle ligne de bus"]
    assert client.get("/flux/axes/inconnu/agenda.ics").status_code == 404
    html = client.get(page.url).content.decode()
    assert f"/flux/axes/{axis.slug}/agenda.ics" in html and f"/flux/axes/{axis.slug}/actualites.rss" in html


def test_a_club_feeds_hold_its_public_events_and_news_only(client, home, agenda):
    club = ClubFactory(name="Club des Tanneries", slug="tanneries")
    page = add_page(home, ClubPage, title=club.name, slug="tanneries", club=club)
    add_event(page, days=2, title="Petit-déjeuner des Tanneries")
    private = add_event(page, days=3, title="Conseil d'administration")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    add_event(agenda, days=2, title="Ailleurs")
    add_news(page, title="Le club accueille dix entreprises")

    assert summaries(client.get("/flux/clubs/tanneries/agenda.ics")) == ["Petit-déjeuner des Tanneries"]
    assert rss_titles(client.get("/flux/clubs/tanneries/actualites.rss")) == ["Le club accueille dix entreprises"]
    ClubFactory(slug="sans-page")
    assert client.get("/flux/clubs/sans-page/agenda.ics").status_code == 404
    assert "/flux/clubs/tanneries/agenda.ics" in client.get(page.url).content.decode()


def test_the_best_practices_feed_holds_the_public_published_ones(client, db):
    BestPracticeFactory(title="Compostage partagé", status=BestPracticeStatus.PUBLISHED, visibility=Visibility.PUBLIC)
    BestPracticeFactory(title="Réservée", status=BestPracticeStatus.PUBLISHED, visibility=Visibility.MEMBERS)
    BestPracticeFactory(title="Brouillon", status=BestPracticeStatus.DRAFT, visibility=Visibility.PUBLIC)
    client.force_login(PersonFactory().user)  # a member's session changes nothing: the feed is public
    assert rss_titles(client.get("/flux/bonnes-pratiques.rss")) == ["Compostage partagé"]


# --- My groups' meetings in my calendar -------------------------------------------------------------


def vevents(response) -> dict:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return {str(entry["SUMMARY"]): entry for entry in Calendar.from_ical(response.content).walk("VEVENT")}


def in_paris(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))


def test_my_calendar_holds_the_meetings_of_my_groups_only(client, db):
    me, coordinator = PersonFactory(), PersonFactory()
    mine = WorkgroupFactory(name="Commission RSE")
    WorkgroupMembership.objects.create(workgroup=mine, person=coordinator, role=WorkgroupRole.COORDINATOR)
    WorkgroupMembership.objects.create(workgroup=mine, person=me)
    asked = WorkgroupFactory()  # my request to join waits for approval: not yet my group
    WorkgroupMembership.objects.create(workgroup=asked, person=me, status=WorkgroupMembershipStatus.PENDING)
    left = WorkgroupFactory()
    WorkgroupMembership.objects.create(workgroup=left, person=me)
    soon = timezone.now() + datetime.timedelta(days=7)
    Meeting.objects.create(workgroup=mine, title="Réunion de rentrée", starts_at=soon, place="Salle du club")
    Meeting.objects.create(workgroup=asked, title="Réunion en attente", starts_at=soon)
    Meeting.objects.create(workgroup=left, title="Réunion quittée", starts_at=soon)
    Meeting.objects.create(workgroup=WorkgroupFactory(), title="Réunion d'un autre groupe", starts_at=soon)
    address = make_address(client, me)
    client.force_login(me.user)
    assert "les réunions de vos groupes de travail" in client.get(reverse("members:calendar_address")).content.decode()
    client.logout()

    workgroup_services.workgroup_leave(workgroup=left, by=me.user)
    entries = vevents(client.get(address))
    assert list(entries) == ["Réunion de rentrée"]
    assert str(entries["Réunion de rentrée"]["LOCATION"]) == "Salle du club"
    assert "Commission RSE" in str(entries["Réunion de rentrée"]["DESCRIPTION"])

    # Removed from the group by its coordinator: its meetings leave my calendar too.
    membership = WorkgroupMembership.objects.get(workgroup=mine, person=me)
    workgroup_services.membership_remove(instance=membership, by=coordinator.user)
    assert vevents(client.get(address)) == {}


def test_a_moved_meeting_keeps_its_uid_with_a_higher_sequence_and_a_deleted_one_leaves(client, db):
    me, coordinator = PersonFactory(), PersonFactory()
    group = WorkgroupFactory()
    WorkgroupMembership.objects.create(workgroup=group, person=coordinator, role=WorkgroupRole.COORDINATOR)
    WorkgroupMembership.objects.create(workgroup=group, person=me)
    next_year = timezone.now().year + 1
    meeting = workgroup_services.meeting_create(
        workgroup=group, by=coordinator.user, title="Bilan", starts_at=in_paris(next_year, 7, 2, 14)
    )
    other = workgroup_services.meeting_create(
        workgroup=group, by=coordinator.user, title="Atelier", starts_at=in_paris(next_year, 1, 15, 9, 30)
    )
    address = make_address(client, me)

    before = vevents(client.get(address))
    # Summer time in Paris is UTC+2, winter time UTC+1: the calendar shows the hour that was typed.
    assert before["Bilan"].decoded("DTSTART") == in_paris(next_year, 7, 2, 14)
    assert before["Bilan"].decoded("DTSTART").astimezone(datetime.UTC).hour == 12
    assert before["Atelier"].decoded("DTSTART").astimezone(datetime.UTC).hour == 8
    assert before["Bilan"].decoded("DTEND") > before["Bilan"].decoded("DTSTART")
    assert int(before["Bilan"]["SEQUENCE"]) == 0

    workgroup_services.meeting_update(meeting=meeting, by=coordinator.user, starts_at=in_paris(next_year, 7, 3, 10))
    workgroup_services.meeting_write_minutes(meeting=meeting, by=coordinator.user, text="Rien encore.")
    after = vevents(client.get(address))
    assert str(after["Bilan"]["UID"]) == str(before["Bilan"]["UID"])  # the same entry, moved
    assert after["Bilan"].decoded("DTSTART") == in_paris(next_year, 7, 3, 10)
    assert int(after["Bilan"]["SEQUENCE"]) == 1  # the minutes change nothing of the date
    assert str(after["Bilan"]["UID"]) != str(after["Atelier"]["UID"])

    workgroup_services.meeting_delete(meeting=other, by=coordinator.user)
    assert list(vevents(client.get(address))) == ["Bilan"]
