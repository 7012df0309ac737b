"""Sessions planned and run from the organisers' screens on the site (#19): a club's organiser plans
a session of their club, edits it, opens and closes its registrations; nothing of another club's."""

import datetime

import pytest
from django.urls import reverse

from knowledge.exchange.models import ExchangeSession, Registration, SessionStatus
from portal.members import services as member_services
from portal.members.models import Role
from portal.members.scopes import ScopeKind
from tests.factories import ClubFactory, PersonFactory

from .conftest import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clubs(db):
    return ClubFactory(name="Club des Tanneries"), ClubFactory(name="Club des Vergers")


@pytest.fixture
def club_organiser(administrator, clubs):
    person = PersonFactory()
    member_services.role_grant(
        person=person, role=Role.EXCHANGE_ORGANISER, scope_kind=ScopeKind.CLUB, scope_id=clubs[0].pk, by=administrator
    )
    return type(person.user).objects.get(pk=person.user_id)


def _fields(club, **extra):
    return {
        "title": "Bourse d'échanges des Tanneries",
        "date": (datetime.date.today() + datetime.timedelta(days=20)).isoformat(),
        "venue": "Atelier Dubois, salle 2",
        "club": club.pk if club else "",
        "rounds": 2,
        "round_minutes": 5,
        "registrations_open": "on",
        **extra,
    }


def test_a_club_organiser_plans_a_session_of_their_club_from_the_site(client, club_organiser, clubs):
    client.force_login(club_organiser)
    page = client.get(reverse("exchange:sessions"))
    assert reverse("exchange:session_create") in page.content.decode()
    form = client.get(reverse("exchange:session_create"))
    offered = [club.pk for club in form.context["form"].fields["club"].queryset]
    assert offered == [clubs[0].pk]  # neither the other club nor the cluster

    response = client.post(reverse("exchange:session_create"), _fields(clubs[0]))

    session = ExchangeSession.objects.get()
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    assert session.club == clubs[0] and session.venue == "Atelier Dubois, salle 2" and session.registrations_open


def test_a_session_of_another_club_is_refused_in_french_and_nothing_is_stored(client, club_organiser, clubs):
    client.force_login(club_organiser)
    response = client.post(reverse("exchange:session_create"), _fields(clubs[1], rounds=9))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "club" in errors and "rounds" in errors
    assert "Sélectionnez un choix valide" in str(errors["club"])
    assert not ExchangeSession.objects.exists()


def test_the_organiser_edits_the_session_but_never_below_the_rounds_played(client, club_organiser, clubs):
    session = SessionFactory(club=clubs[0], status=SessionStatus.RUNNING, current_round=2, rounds=3)
    client.force_login(club_organiser)
    response = client.post(
        reverse("exchange:session_edit", args=[session.pk]), _fields(clubs[0], rounds=1, title="Nouveau titre")
    )
    assert response.status_code == 200
    assert "2 rounds sont déjà joués" in response.content.decode()
    session.refresh_from_db()
    assert session.title != "Nouveau titre"

    client.post(reverse("exchange:session_edit", args=[session.pk]), _fields(clubs[0], rounds=4, round_minutes=7))
    session.refresh_from_db()
    assert (session.rounds, session.round_minutes) == (4, 7)


def test_another_club_s_session_cannot_be_edited(client, club_organiser, clubs):
    session = SessionFactory(club=clubs[1])
    client.force_login(club_organiser)
    assert client.get(reverse("exchange:session_edit", args=[session.pk])).status_code == 403


def test_closed_registrations_stop_members_but_not_the_organisers(client, club_organiser, clubs, member, organisation):
    session = SessionFactory(club=clubs[0])
    client.force_login(club_organiser)
    client.post(reverse("exchange:registrations", args=[session.pk]), {"open": "0"})
    session.refresh_from_db()
    assert not session.registrations_open

    client.force_login(member)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Les inscriptions sont closes." in page
    response = client.post(reverse("exchange:register", args=[session.pk]), follow=True)
    assert "Les inscriptions à cette session sont closes." in response.content.decode()
    assert not Registration.objects.filter(session=session).exists()

    client.force_login(club_organiser)
    client.post(reverse("exchange:register", args=[session.pk]), {"organisations": [organisation.pk]})
    assert Registration.objects.filter(session=session, organisation=organisation).exists()
