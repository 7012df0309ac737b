"""Business parks get a point for the map on purpose (manage.py place_zones): from their listed firms,
else from their commune in the national address base (recorded answers, no network)."""

import io
from decimal import Decimal

from django.core.management import call_command

from portal.members.services import zone_place
from tests.factories import OrganisationFactory, ZoneFactory

GEOCODE = "/adresse/search/"


def test_a_zone_stands_at_the_centre_of_its_listed_firms_never_of_an_unlisted_one(db, recorded):
    zone = ZoneFactory()
    OrganisationFactory(zone=zone, latitude=Decimal("47.1"), longitude=Decimal("2.3"))
    OrganisationFactory(zone=zone, latitude=Decimal("47.2"), longitude=Decimal("2.5"))
    OrganisationFactory(zone=zone, in_public_directory=False, latitude=Decimal("48"), longitude=Decimal("3"))

    assert zone_place(zone=zone) is True
    zone.refresh_from_db()
    assert (zone.latitude, zone.longitude) == (Decimal("47.150000"), Decimal("2.400000"))
    assert recorded.asked(GEOCODE) == []  # the firms were enough


def test_a_zone_without_placed_listed_firms_stands_at_its_communes_centre(db, recorded):
    recorded.answer(GEOCODE, "address_base_municipality.json")
    zone = ZoneFactory(commune="Saint-Aubin-sur-Arvière")
    OrganisationFactory(zone=zone, in_public_directory=False, latitude=Decimal("48"), longitude=Decimal("3"))

    out = io.StringIO()
    call_command("place_zones", stdout=out)

    zone.refresh_from_db()
    assert (zone.latitude, zone.longitude) == (Decimal("47.052087"), Decimal("2.462118"))
    assert recorded.asked(GEOCODE) == [{"q": "Saint-Aubin-sur-Arvière", "limit": "1", "type": "municipality"}]
    assert "1 of 1 zones without a point placed." in out.getvalue()


def test_a_point_set_by_hand_stays_and_the_base_down_leaves_the_zone_unplaced(db, recorded):
    recorded.answer(GEOCODE, status=503)
    placed = ZoneFactory(latitude=Decimal("47.01"), longitude=Decimal("2.01"))
    unplaced = ZoneFactory()

    assert zone_place(zone=placed) is False
    assert zone_place(zone=unplaced) is False

    placed.refresh_from_db()
    unplaced.refresh_from_db()
    assert (placed.latitude, placed.longitude) == (Decimal("47.010000"), Decimal("2.010000"))
    assert not unplaced.has_point


def test_the_demo_puts_every_park_and_every_listed_member_on_the_map(db):
    from portal.members.demo import load_members
    from portal.members.models import Organisation, Zone

    load_members()

    assert not Zone.objects.filter(latitude__isnull=True).exists()
    listed = Organisation.objects.filter(in_public_directory=True)
    assert listed.exists() and not listed.filter(latitude__isnull=True).exists()
    points = list(listed.values_list("latitude", "longitude"))
    assert len(set(points)) == len(points)  # no two markers on one spot


def test_an_administrator_places_a_park_by_hand_in_the_admin(client, administrator):
    from django.urls import reverse

    zone = ZoneFactory(name="Parc des Tanneries", slug="tanneries", commune="Arvière")
    client.force_login(administrator)
    response = client.post(
        reverse("zones:edit", args=[zone.pk]),
        {"name": zone.name, "slug": zone.slug, "commune": zone.commune, "commune_codes": "", "firms_established": 120,
         "firms_established_on": "", "description": "", "latitude": "47.0755", "longitude": "2.412"},
    )  # fmt: skip
    assert response.status_code == 302
    zone.refresh_from_db()
    assert (zone.latitude, zone.longitude) == (Decimal("47.075500"), Decimal("2.412000"))
