"""Recurring events: a monthly series with a date skipped, its occurrences on the agenda and in the
feeds, a cancelled date whose registrations move (or are cancelled) with e-mails, a moved date, and
a change of the series that leaves alone the dates that have registrations unless asked."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.events import services
from cms.events.models import EventPage, EventRegistration, EventSeriesPage, EventSeriesSkippedDate, RegistrationStatus
from portal.members import services as member_services
from portal.members.models import PersonRole
from tests.factories import UserFactory

YEAR = timezone.localdate().year + 1


@pytest.fixture
def organiser(db):
    user = UserFactory(email="organisatrice@example.org")
    member_services.person_create(user=user, role=PersonRole.ADMINISTRATOR)
    return user


def breakfast_series(agenda, **fields) -> EventSeriesPage:
    """The first Thursday of each month from January to June, April skipped (Easter holidays)."""
    series = EventSeriesPage(
        title="Petit-déjeuner du pôle",
        slug="petit-dejeuner",
        kind="breakfast",
        weekday=3,
        week_of_month=1,
        first_date=datetime.date(YEAR, 1, 1),
        until=datetime.date(YEAR, 6, 30),
        start_time=datetime.time(8, 0),
        end_time=datetime.time(10, 0),
        place="Maison des coopératives",
        capacity=2,
        summary="Un petit-déjeuner d'entreprises chaque mois.",
        **fields,
    )
    series.skipped_dates = [EventSeriesSkippedDate(date=datetime.date(YEAR, 4, 1), reason="Vacances")]
    agenda.add_child(instance=series)
    series.save_revision().publish()  # publishing the series creates its dates
    return EventSeriesPage.objects.get(pk=series.pk)


def dates(series) -> list[datetime.date]:
    return [
        timezone.localtime(start).date()
        for start in EventPage.objects.filter(series=series).order_by("start").values_list("start", flat=True)
    ]


def occurrence(series, month) -> EventPage:
    return EventPage.objects.get(series=series, occurrence_date__month=month)


def register(event, index):
    return services.registration_create(event=event, name=f"Invitée {index}", email=f"invitee{index}@example.org")


def test_a_monthly_series_creates_each_first_thursday_but_the_skipped_one(agenda, client):
    series = breakfast_series(agenda)
    found = dates(series)
    assert len(found) == 5
    assert datetime.date(YEAR, 4, 1) not in found
    assert all(day.weekday() == 3 and day.day <= 7 for day in found)
    first = occurrence(series, 1)
    assert first.live and first.title.startswith("Petit-déjeuner du pôle — ")
    assert timezone.localtime(first.start).time() == datetime.time(8, 0)

    # The agenda, the series' page and the iCal feed show the dates.
    assert first.title in client.get(agenda.url).content.decode()
    assert f'href="{occurrence(series, 6).url}"' in client.get(series.url).content.decode()
    ical = client.get(reverse("events_ical")).content.decode()
    assert ical.count("Petit-d") >= 5

    # Each date has its own registrations.
    register(first, 1)
    assert EventRegistration.objects.filter(event=occurrence(series, 2)).count() == 0


def test_a_cancelled_date_moves_its_registrations_to_the_next_one_with_e_mails(
    agenda,
    organiser,
    client,
    smtp,
    django_capture_on_commit_callbacks,
):
    series = breakfast_series(agenda)
    february, march = occurrence(series, 2), occurrence(series, 3)
    register(march, 9)  # one place left in March
    for index in range(3):
        register(february, index)  # two confirmed, one waiting
    smtp.messages.clear()
    smtp.count = 0

    with django_capture_on_commit_callbacks(execute=True):
        result = services.occurrence_cancel(event=february, by=organiser, move_to=march)

    assert len(result["moved"]) == 3
    statuses = dict(EventRegistration.objects.filter(event=march).values_list("email", "status"))
    assert statuses == {
        "invitee9@example.org": RegistrationStatus.CONFIRMED,
        "invitee0@example.org": RegistrationStatus.CONFIRMED,  # the first confirmed keeps a place
        "invitee1@example.org": RegistrationStatus.WAITING,
        "invitee2@example.org": RegistrationStatus.WAITING,
    }
    assert set(EventRegistration.objects.filter(event=february).values_list("status", flat=True)) == {"cancelled"}
    smtp.wait_for(3)
    assert sorted(smtp.recipients()) == ["invitee0@example.org", "invitee1@example.org", "invitee2@example.org"]
    body = smtp.messages[0][1].get_body(preferencelist=("plain",)).get_content()
    assert february.title in body and march.title in body and "/annuler/" in body

    # The cancelled date leaves the agenda and the feed; its page says so and takes no registration.
    assert february.title not in client.get(agenda.url).content.decode()
    assert february.title not in client.get(reverse("events_ical")).content.decode()
    page = client.get(february.url)
    assert "annulée" in page.content.decode().lower() or "cancelled" in page.content.decode().lower()
    assert not EventPage.objects.get(pk=february.pk).accepts_registrations
    single = client.get(february.url + february.reverse_subpage("calendar")).content.decode()
    assert "STATUS:CANCELLED" in single
    # The series' page still lists the date, marked as called off (not "annulé le" followed by nothing).
    listing = client.get(series.url).content.decode()
    assert "<strong>annulé</strong>" in listing and "annulé le" not in listing


def test_a_cancelled_date_without_a_next_one_cancels_its_registrations_with_e_mails(
    agenda,
    organiser,
    smtp,
    django_capture_on_commit_callbacks,
):
    series = breakfast_series(agenda)
    may = occurrence(series, 5)
    register(may, 1)
    smtp.messages.clear()
    smtp.count = 0
    with django_capture_on_commit_callbacks(execute=True):
        services.occurrence_cancel(event=may, by=organiser)
    smtp.wait_for(1)
    assert smtp.recipients() == ["invitee1@example.org"]
    assert EventRegistration.objects.get(event=may).status == RegistrationStatus.CANCELLED


def test_a_moved_date_keeps_its_registrations_and_tells_them(
    agenda,
    organiser,
    smtp,
    django_capture_on_commit_callbacks,
):
    series = breakfast_series(agenda)
    june = occurrence(series, 6)
    register(june, 1)
    new_start = june.start + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        services.occurrence_move(event=june, start=new_start, end=new_start + datetime.timedelta(hours=2), by=organiser)
    june.refresh_from_db()
    assert june.start == new_start and june.moved_from is not None
    assert EventRegistration.objects.get(event=june).status == RegistrationStatus.CONFIRMED
    smtp.wait_for(1)
    assert smtp.recipients() == ["invitee1@example.org"]

    # A new publication of the series leaves the moved date where it was put.
    series.save_revision().publish()
    assert EventPage.objects.get(pk=june.pk).start == new_start


def test_editing_the_series_leaves_registered_dates_alone_unless_asked(
    agenda,
    smtp,
    django_capture_on_commit_callbacks,
):
    series = breakfast_series(agenda)
    march = occurrence(series, 3)
    register(march, 1)
    series.start_time, series.end_time = datetime.time(8, 30), datetime.time(10, 30)
    series.until = datetime.date(YEAR, 3, 31)  # the series now ends in March
    series.save_revision().publish()

    # Without registrations, the dates follow (the later ones go); March keeps its time.
    assert [day.month for day in dates(series)] == [1, 2, 3]
    assert timezone.localtime(occurrence(series, 1).start).time() == datetime.time(8, 30)
    assert timezone.localtime(EventPage.objects.get(pk=march.pk).start).time() == datetime.time(8, 0)
    assert not EventPage.objects.filter(series=series, occurrence_date__month__gt=3).exists()

    # Asked, the registered date follows too and its registrant is told.
    smtp.messages.clear()
    smtp.count = 0
    series.reschedule_registered = True
    with django_capture_on_commit_callbacks(execute=True):
        series.save_revision().publish()
    assert timezone.localtime(EventPage.objects.get(pk=march.pk).start).time() == datetime.time(8, 30)
    smtp.wait_for(1)
    assert smtp.recipients() == ["invitee1@example.org"]


def test_an_administrator_sets_up_a_series_in_the_wagtail_form_and_publishing_creates_its_dates(
    agenda, organiser, client
):
    from django.urls import reverse
    from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

    client.force_login(organiser)
    url = reverse("wagtailadmin_pages:add", args=("events", "eventseriespage", agenda.pk))
    page = client.get(url)
    assert page.status_code == 200
    data = querydict_from_html(page.content.decode(), form_id="page-edit-form")
    data.update(
        {
            "title": "Petit-déjeuner mensuel",
            "slug": "petit-dejeuner-mensuel",
            "kind": "breakfast",
            "frequency": "monthly",
            "interval": "1",
            "week_of_month": "1",
            "weekday": "3",
            "first_date": f"{YEAR}-01-01",
            "until": f"{YEAR}-03-31",
            "start_time": "08:00",
            "end_time": "10:00",
            "place": "Maison des coopératives",
            "summary": "Chaque premier jeudi.",
            "action-publish": "1",
        }
    )
    data.update(nested_form_data({"body": streamfield([])}))
    skipped = {"date": f"{YEAR}-02-04", "reason": "Vacances", "ORDER": "1", "id": "", "DELETE": ""}
    formset = {"TOTAL_FORMS": "1", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000", "0": skipped}
    data.update(nested_form_data({"skipped_dates": formset}))
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    series = EventSeriesPage.objects.get(slug="petit-dejeuner-mensuel")
    assert series.live
    assert dates(series) == [datetime.date(YEAR, 1, 7), datetime.date(YEAR, 3, 4)]
