"""A Bourse d'échanges on the public agenda (#19): its organiser puts it there from the session's page;
firms register there as organisations (name, SIRET optional, contact), which feeds the session's
registrations; a firm without an account gets its own link by e-mail. Bad input, robots and
closed registrations store nothing, in French."""

import datetime
import html
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cms.events import selectors, services
from cms.events.models import EventKind, EventPage, EventRegistration
from cms.models import ClubPage
from knowledge.exchange.models import ExchangeSession, ParticipationLink, Registration
from portal.members.models import Organisation, Role
from tests.cms.pages import add_page
from tests.factories import ClubFactory, OrganisationFactory, PersonFactory
from tests.knowledge.exchange.conftest import SessionFactory

SIRET = "73282932000074"  # a valid SIRET (Luhn)


@pytest.fixture
def club(db):
    return ClubFactory(name="Club des Tanneries")


@pytest.fixture
def organiser(club, grant):
    return grant(PersonFactory(), Role.EXCHANGE_ORGANISER, club).user


@pytest.fixture
def published(agenda, club, organiser):
    session = SessionFactory(club=club, title="Bourse des Tanneries", venue="Atelier Dubois")
    page = services.exchange_session_publish(session=session, by=organiser)
    return session, page


def firm_fields(**extra):
    return {
        "name": "Menuiserie Lenoir",
        "siret": "",
        "contact_name": "Jeanne Lenoir",
        "contact_email": "jeanne@lenoir.example.org",
        **extra,
    }


def test_the_organiser_puts_the_session_on_the_agenda_from_its_page(client, agenda, club, organiser):
    session = SessionFactory(club=club, title="Bourse des Tanneries", venue="Atelier Dubois")
    client.force_login(organiser)
    page = client.get(session.get_absolute_url()).content.decode()
    assert reverse("exchange_session_publish", args=[session.pk]) in page

    response = client.post(reverse("exchange_session_publish", args=[session.pk]), follow=True)

    event = EventPage.objects.get(exchange_session=session)
    assert event.live and event.kind == EventKind.EXCHANGE_SESSION and event.place == "Atelier Dubois"
    assert event.start.date() == session.date
    assert "La session est à l&#x27;agenda" in response.content.decode()
    assert event in selectors.upcoming_events()  # the agenda lists it
    assert "Bourse des Tanneries" in client.get(agenda.url).content.decode()

    client.post(reverse("exchange_session_publish", args=[session.pk]))  # again: the same event, updated
    assert EventPage.objects.filter(exchange_session=session).count() == 1


def test_the_session_goes_to_its_club_page_s_calendar_when_there_is_one(home, agenda, club, organiser):
    club_page = add_page(home, ClubPage, title="Club des Tanneries", club=club)
    club_agenda = add_page(club_page, type(agenda), title="Agenda du club")
    session = SessionFactory(club=club)
    event = services.exchange_session_publish(session=session, by=organiser)
    assert event.get_parent().specific == club_agenda


def test_another_club_s_organiser_cannot_put_it_on_the_agenda(client, agenda, organiser):
    session = SessionFactory(club=ClubFactory())
    client.force_login(organiser)
    assert client.post(reverse("exchange_session_publish", args=[session.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.exchange_session_publish(session=session, by=organiser)
    assert not EventPage.objects.filter(exchange_session=session).exists()


def test_a_firm_without_an_account_registers_and_gets_its_own_link(
    client, published, mailoutbox, django_capture_on_commit_callbacks
):
    session, event = published
    page = client.get(event.url).content.decode()
    assert "Inscrire mon entreprise" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(event.url, firm_fields(), follow=True)

    assert response.status_code == 200
    assert "Menuiserie Lenoir est inscrite" in response.content.decode()
    registration = Registration.objects.select_related("organisation").get(session=session)
    firm = registration.organisation
    assert firm.name == "Menuiserie Lenoir" and firm.siret == "" and firm.zone == session.club.zone
    assert (registration.contact_name, registration.contact_email) == ("Jeanne Lenoir", "jeanne@lenoir.example.org")
    assert not EventRegistration.objects.exists()  # a firm's registration, not a person's
    assert [m.to for m in mailoutbox] == [["jeanne@lenoir.example.org"]]
    link = re.search(r"https?://\S+/bourse/entreprise/[\w-]+/", mailoutbox[0].body).group(0)
    assert ParticipationLink.objects.filter(registration=registration).exists()
    assert "Menuiserie Lenoir" in client.get(link).content.decode()


def test_the_same_firm_twice_is_registered_once(client, published, mailoutbox, django_capture_on_commit_callbacks):
    session, event = published
    with django_capture_on_commit_callbacks(execute=True):
        client.post(event.url, firm_fields())
        client.post(event.url, firm_fields(name="menuiserie  LENOIR"))
    assert Registration.objects.filter(session=session).count() == 1
    assert Organisation.objects.filter(name__iexact="Menuiserie Lenoir").count() == 1
    assert len(mailoutbox) == 1


def test_a_known_siret_registers_that_firm_but_its_link_is_left_to_the_organisers(
    client, published, mailoutbox, django_capture_on_commit_callbacks
):
    session, event = published
    known = OrganisationFactory(name="Lenoir SAS", siret=SIRET)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(event.url, firm_fields(siret="732 829 320 00074"))
    registration = Registration.objects.get(session=session)
    assert registration.organisation == known
    assert not mailoutbox and not ParticipationLink.objects.exists()


def test_bad_input_is_refused_in_french_and_nothing_is_stored(client, published):
    session, event = published
    response = client.post(event.url, firm_fields(siret="12345678901234", contact_email="pas-une-adresse", name=""))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Champ requis." in text
    assert "Saisissez une adresse de courriel valide." in text
    assert "SIRET n&#x27;est pas valide" in text
    assert not Registration.objects.exists() and not Organisation.objects.filter(siret="12345678901234").exists()


def test_a_robot_filling_the_hidden_field_stores_nothing(client, published):
    session, event = published
    response = client.post(event.url, firm_fields(website="http://spam.example"))
    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_too_many_registrations_from_one_address_are_refused(client, published, settings):
    settings.PORTAL_FORM_RATES = {**settings.PORTAL_FORM_RATES, "event_registration": "2/h"}
    session, event = published
    for index in range(2):
        client.post(event.url, firm_fields(name=f"Entreprise {index}", contact_email=f"c{index}@example.org"))
    response = client.post(event.url, firm_fields(name="Entreprise 3"))
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert Registration.objects.filter(session=session).count() == 2


def test_closed_registrations_show_on_the_page_and_refuse_the_form(client, published, organiser):
    session, event = published
    client.force_login(organiser)
    client.post(reverse("exchange:registrations", args=[session.pk]), {"open": "0"})
    client.logout()
    assert "Inscrire mon entreprise" not in client.get(event.url).content.decode()
    response = client.post(event.url, firm_fields())
    assert not Registration.objects.exists()
    assert response.status_code == 200


def test_a_past_session_takes_no_registration(client, agenda, club, organiser):
    session = SessionFactory(club=club, date=datetime.date.today() + datetime.timedelta(days=3))
    event = services.exchange_session_publish(session=session, by=organiser)
    type(session).objects.filter(pk=session.pk).update(date=datetime.date.today() - datetime.timedelta(days=1))
    client.post(event.url, firm_fields())
    assert not Registration.objects.exists()


def session_form(session, **changes):
    return {
        "title": session.title,
        "date": session.date.isoformat(),
        "venue": session.venue,
        "club": session.club_id,
        "rounds": session.rounds,
        "round_minutes": session.round_minutes,
        "registrations_open": "on",
        **changes,
    }


def test_moving_the_session_from_its_screen_moves_its_agenda_entry(client, published, organiser):
    session, event = published
    first_start = event.start
    new_day = session.date + datetime.timedelta(days=7)
    client.force_login(organiser)

    client.post(
        reverse("exchange:session_edit", args=[session.pk]),
        session_form(session, date=new_day.isoformat(), venue="Salle des fêtes", title="Bourse de printemps"),
    )

    event.refresh_from_db()
    assert (event.start.date(), event.place, event.title) == (new_day, "Salle des fêtes", "Bourse de printemps")
    assert event.moved_from == first_start and EventPage.objects.filter(exchange_session=session).count() == 1
    client.logout()
    page = client.get(event.url).content.decode()
    assert "Nouvelle date" in page and "Bourse de printemps" in page


def test_a_session_not_on_the_agenda_stays_off_it_when_edited(client, agenda, club, organiser):
    session = SessionFactory(club=club)
    client.force_login(organiser)
    client.post(reverse("exchange:session_edit", args=[session.pk]), session_form(session, venue="Ailleurs"))
    session.refresh_from_db()
    assert session.venue == "Ailleurs" and not EventPage.objects.filter(exchange_session=session).exists()


def test_cancelling_the_session_cancels_its_agenda_entry_and_tells_the_registered_firms(
    client, published, organiser, mailoutbox, django_capture_on_commit_callbacks
):
    session, event = published
    Registration.objects.create(
        session=session, organisation=OrganisationFactory(name="Menuiserie Lenoir"), contact_email="jeanne@lenoir.test"
    )
    Registration.objects.create(session=session, organisation=OrganisationFactory(name="Sans adresse", email=""))
    client.force_login(organiser)
    assert "Annuler la session" in client.get(session.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exchange:session_cancel", args=[session.pk]), follow=True)

    assert "La session est annulée" in response.content.decode()
    assert [m.to for m in mailoutbox] == [["jeanne@lenoir.test"]]  # the firm without an address is left out
    assert mailoutbox[0].subject.startswith("Annulée : la Bourse d'échanges du")
    assert "Menuiserie Lenoir" in mailoutbox[0].body and "n'aura pas lieu" in mailoutbox[0].body
    assert Registration.objects.filter(session=session).count() == 2  # the firms stay registered
    session.refresh_from_db()
    event.refresh_from_db()
    assert session.is_cancelled and not session.registrations_open and event.is_cancelled
    client.logout()
    page = client.get(event.url).content.decode()
    assert "Cette date est annulée" in page and "Inscrire mon entreprise" not in page
    client.post(event.url, firm_fields())
    assert Registration.objects.filter(session=session).count() == 2  # the agenda's form registered no one
    # Nothing reopens it: neither its registrations nor an edit.
    client.force_login(organiser)
    response = client.post(reverse("exchange:registrations", args=[session.pk]), {"open": "1"}, follow=True)
    assert "Cette session est annulée" in response.content.decode()
    session.refresh_from_db()
    assert not session.registrations_open


def test_a_started_session_cannot_be_cancelled_and_another_club_s_organiser_cannot(client, published, organiser, grant):
    session, event = published
    outsider = grant(PersonFactory(), Role.EXCHANGE_ORGANISER, ClubFactory()).user
    client.force_login(outsider)
    assert client.post(reverse("exchange:session_cancel", args=[session.pk])).status_code == 403
    type(session).objects.filter(pk=session.pk).update(status="running")
    client.force_login(organiser)
    response = client.post(reverse("exchange:session_cancel", args=[session.pk]), follow=True)
    assert "La session a commencé" in response.content.decode()
    session.refresh_from_db()
    event.refresh_from_db()
    assert not session.is_cancelled and not event.is_cancelled


def _new_session_fields(club, **changes):
    day = datetime.date.today() + datetime.timedelta(days=30)
    return {
        "title": "Bourse d'automne",
        "date": day.isoformat(),
        "venue": "Atelier Dubois",
        "club": club.pk,
        "rounds": 2,
        "round_minutes": 15,
        "registrations_open": "on",
        **changes,
    }


def test_a_session_planned_on_the_site_is_on_the_agenda_at_once_and_firms_register_there(
    client, agenda, club, organiser
):
    client.force_login(organiser)
    form = client.get(reverse("exchange:session_create")).content.decode()
    assert re.search(r'<input[^>]*name="on_agenda"[^>]*checked', form)

    response = client.post(reverse("exchange:session_create"), _new_session_fields(club, on_agenda="on"), follow=True)

    session = ExchangeSession.objects.get(title="Bourse d'automne")
    event = EventPage.objects.get(exchange_session=session)
    assert event.live and event.kind == EventKind.EXCHANGE_SESSION and event.start.date() == session.date
    assert "La session est programmée et à l'agenda" in html.unescape(response.content.decode())
    client.logout()
    client.post(event.url, firm_fields())
    assert Registration.objects.get(session=session).organisation.name == "Menuiserie Lenoir"


def test_a_session_planned_off_the_agenda_stays_off_it_and_the_edit_form_does_not_ask_again(
    client, agenda, club, organiser
):
    client.force_login(organiser)
    client.post(reverse("exchange:session_create"), _new_session_fields(club))

    session = ExchangeSession.objects.get(title="Bourse d'automne")
    assert not EventPage.objects.filter(exchange_session=session).exists()
    assert 'name="on_agenda"' not in client.get(reverse("exchange:session_edit", args=[session.pk])).content.decode()


def test_without_an_events_calendar_nothing_is_planned_and_the_organiser_is_told_in_french(client, club, organiser):
    client.force_login(organiser)
    response = client.post(reverse("exchange:session_create"), _new_session_fields(club, on_agenda="on"))

    assert response.status_code == 200
    assert "Le site n'a pas encore d'agenda" in html.unescape(response.content.decode())
    assert not ExchangeSession.objects.filter(title="Bourse d'automne").exists()
    assert not EventPage.objects.exists()
