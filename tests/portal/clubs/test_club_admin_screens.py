"""Admin screens of the clubs' life: each lists what the organisers and administrators need."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from portal.clubs import services as club_services
from portal.clubs.models import Club, ClubStageChange, FirmImport, GrowthTarget, ProspectContact
from tests.factories import ClubFactory, OrganisationFactory, ZoneFactory

from .conftest import animate


@pytest.mark.parametrize("viewset", ["clubs", "club-board", "club-history", "growth-targets", "prospect-contacts",
                                     "firm-imports", "surveys"])  # fmt: skip
def test_administrator_opens_every_list(client, administrator, viewset):
    club = ClubFactory()
    club_services.club_record_creation(club=club)
    GrowthTarget.objects.create(zone=club.zone, year=2026, target_members=80)
    ProspectContact.objects.create(organisation=OrganisationFactory(zone=club.zone), status="called")
    FirmImport.objects.create(zone=club.zone, filename="parc.csv", content=b"")
    club_services.survey_open(title="Besoins", club=club, closes_on=datetime.date.today(), by=administrator)
    client.force_login(administrator)
    assert client.get(reverse(f"{viewset}:index")).status_code == 200


def test_club_created_in_the_admin_starts_its_history(client, administrator):
    zone, other = ZoneFactory(), ZoneFactory()
    client.force_login(administrator)
    response = client.post(
        reverse("clubs:add"),
        {"name": "Club du Port", "slug": "club-du-port", "zone": zone.pk, "other_zones": [other.pk]},
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    club = Club.objects.get(slug="club-du-port")
    assert list(club.other_zones.all()) == [other]
    assert ClubStageChange.objects.filter(club=club, stage="emergence").count() == 1


def test_an_animator_sees_the_growth_targets_of_their_zones_but_does_not_change_them(client, organiser):
    mine, other = ClubFactory(), ClubFactory()
    GrowthTarget.objects.create(zone=mine.zone, year=2026, target_members=80)
    GrowthTarget.objects.create(zone=other.zone, year=2026, target_members=65)
    client.force_login(animate(organiser, mine))
    response = client.get(reverse("growth-targets:index"))
    assert response.status_code == 200
    assert [target.zone for target in response.context["object_list"]] == [mine.zone]
    assert client.get(reverse("growth-targets:add")).status_code in (302, 403)


def test_an_administrator_sets_a_club_s_own_target_in_the_admin_never_a_zone_s_and_a_club_s_at_once(
    client, administrator
):
    club = ClubFactory()
    client.force_login(administrator)
    both = client.post(
        reverse("growth-targets:add"), {"zone": club.zone.pk, "club": club.pk, "year": 2027, "target_members": 40}
    )
    assert both.status_code == 200
    assert "remplissez l’un des deux" in both.content.decode()
    assert not GrowthTarget.objects.exists()
    response = client.post(reverse("growth-targets:add"), {"club": club.pk, "year": 2027, "target_members": 40})
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert GrowthTarget.objects.get(club=club, year=2027).target_members == 40
    listed = client.get(reverse("growth-targets:index"))
    assert escape(club.name) in listed.content.decode()


def test_a_survey_opened_in_the_admin_gets_its_links_and_keeps_its_club(client, administrator):
    from portal.clubs.models import Survey

    club = ClubFactory()
    OrganisationFactory(zone=club.zone)
    OrganisationFactory(zone=club.zone)
    client.force_login(administrator)
    closes_on = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    response = client.post(reverse("surveys:add"), {"title": "Besoins", "club": club.pk, "closes_on": closes_on})
    assert response.status_code == 302, response.content.decode()[-1500:]
    survey = Survey.objects.get()
    assert survey.invitations.count() == 2
    other = ClubFactory()
    response = client.post(reverse("surveys:edit", args=[survey.pk]),
                           {"title": "Besoins 2026", "club": other.pk, "closes_on": closes_on})  # fmt: skip
    assert response.status_code == 200
    survey.refresh_from_db()
    assert survey.club == club and survey.title == "Besoins"
