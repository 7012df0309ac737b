"""The map of the business parks (the directory on a map) as a visitor opens it: only firms that agreed
to be listed, in the page and in its map data alike; the same filters as the list; no tile server in
the tests, so no tile is ever asked for."""

import json
from decimal import Decimal

from django.urls import reverse

from cms.models import ClubPage, HomePage
from portal.members.models import MembershipStatus, OrganisationKind
from portal.members.services import unique_slug
from portal.settings.base import map_tiles_source
from tests.cms.pages import add_page
from tests.factories import ClubFactory, MembershipFactory, OrganisationFactory, ZoneFactory

MAP = reverse("cms:directory_map")


def listed(name, **fields):
    organisation = OrganisationFactory(name=name, **fields)
    MembershipFactory(organisation=organisation)
    return organisation


def map_data(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="directory-map-data" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def test_an_unlisted_firm_is_neither_in_the_map_page_nor_in_its_data(client, db):
    zone = ZoneFactory(name="Parc des Tanneries", latitude=Decimal("47.0755"), longitude=Decimal("2.412"))
    listed("SCOP Visible", zone=zone, latitude=Decimal("47.076111"), longitude=Decimal("2.413111"))
    listed("Garage Discret", zone=zone, in_public_directory=False,
           latitude=Decimal("47.071234"), longitude=Decimal("2.404321"))  # fmt: skip
    MembershipFactory(
        organisation=OrganisationFactory(name="Imprimerie En Attente", zone=zone, latitude=Decimal("47.079876")),
        status=MembershipStatus.PENDING,
    )
    OrganisationFactory(name="Prospect Pas Membre", zone=zone, latitude=Decimal("47.088888"))

    response = client.get(MAP)

    html = response.content.decode()
    assert response.status_code == 200 and "SCOP Visible" in html
    for secret in ("Garage Discret", "47.071234", "2.404321", "Imprimerie En Attente", "47.079876", "Prospect Pas"):
        assert secret not in html
    data = map_data(response)
    assert [firm["name"] for firm in data["organisations"]] == ["SCOP Visible"]
    (park,) = data["zones"]
    assert park["count"] == 1 and [member["name"] for member in park["members"]] == ["SCOP Visible"]


def test_markers_carry_links_to_the_firm_and_to_the_zones_club_page(client, db):
    zone = ZoneFactory(name="Vergers", slug="vergers", latitude=Decimal("47.123"), longitude=Decimal("2.34"))
    firm = listed("Pharmacie des Vergers", zone=zone, latitude=Decimal("47.124"), longitude=Decimal("2.341"))
    club = ClubFactory(zone=zone, name="Club des Vergers")
    add_page(HomePage.objects.get(), ClubPage, title="Club des Vergers", slug="club-des-vergers", club=club)
    add_page(HomePage.objects.get(), ClubPage, title="Brouillon", slug="brouillon", club=ClubFactory(zone=zone),
             publish=False)  # fmt: skip

    response = client.get(MAP)

    data = map_data(response)
    (park,) = data["zones"]
    assert park["clubs"] == [{"name": "Club des Vergers", "url": "/club-des-vergers/"}]
    assert park["url"] == reverse("cms:directory") + "?zone=vergers"
    assert (park["lat"], park["lng"]) == (47.123, 2.34)
    (marker,) = data["organisations"]
    assert marker["url"] == reverse("cms:directory_entry", args=[firm.slug])
    assert (marker["lat"], marker["lng"]) == (47.124, 2.341)
    assert data["tiles"] is None  # no tile server in the tests: nothing asked outside
    html = response.content.decode()
    assert 'href="/club-des-vergers/"' in html  # the list under the map links to it as well
    assert "Brouillon" not in html


def test_the_map_follows_the_lists_filters_and_the_switch_keeps_them(client, db):
    zone = ZoneFactory(slug="tanneries", latitude=Decimal("47.07"), longitude=Decimal("2.41"))
    ZoneFactory(slug="autre", latitude=Decimal("47.2"), longitude=Decimal("2.2"))
    listed("SCOP du Parc", kind=OrganisationKind.COOPERATIVE, zone=zone, latitude=Decimal("47.071"))
    listed("Garage du Parc", kind=OrganisationKind.CLASSIC_FIRM, zone=zone, latitude=Decimal("47.072"))

    response = client.get(MAP, {"type": "sse", "zone": "tanneries", "q": "", "axe": "nope"})

    data = map_data(response)
    assert [firm["name"] for firm in data["organisations"]] == ["SCOP du Parc"]
    assert [park["url"] for park in data["zones"]] == [reverse("cms:directory") + "?zone=tanneries"]
    html = response.content.decode()
    assert f'href="{reverse("cms:directory")}?type=sse&amp;zone=tanneries"' in html
    listing = client.get(reverse("cms:directory"), {"type": "sse", "zone": "tanneries"}).content.decode()
    assert f'href="{MAP}?type=sse&amp;zone=tanneries"' in listing


def test_nothing_placed_yet_says_so_and_the_list_stays(client, db):
    ZoneFactory(name="Zone sans point")
    listed("Association Sans Adresse", kind=OrganisationKind.ASSOCIATION, siret="")

    html = client.get(MAP).content.decode()

    assert "directory-map-data" not in html and 'id="directory-map"' not in html
    assert "Aucun parc d'activités ni organisation n'est encore placé sur la carte" in html
    assert "Zone sans point" in html and "Association Sans Adresse" in html


def test_the_tile_server_is_allowed_in_images_only_when_one_is_set(client, db, settings):
    assert "tile" not in client.get(MAP)["Content-Security-Policy"]
    assert map_tiles_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == ["https://*.tile.example.org"]
    assert map_tiles_source("https://tuiles.example.fr/osm/{z}/{x}/{y}.png") == ["https://tuiles.example.fr"]
    assert map_tiles_source("") == [] and map_tiles_source("javascript:alert(1)") == []

    settings.PORTAL_MAP_TILES_URL = "https://tuiles.example.fr/osm/{z}/{x}/{y}.png"
    settings.PORTAL_MAP_ATTRIBUTION = "© contributeurs OpenStreetMap"
    ZoneFactory(latitude=Decimal("47"), longitude=Decimal("2"))
    assert map_data(client.get(MAP))["tiles"] == {
        "url": "https://tuiles.example.fr/osm/{z}/{x}/{y}.png",
        "attribution": "© contributeurs OpenStreetMap",
    }


def test_no_organisation_takes_the_maps_address(db):
    from portal.members.models import Organisation

    assert unique_slug(Organisation, "Carte") == "carte-2"
