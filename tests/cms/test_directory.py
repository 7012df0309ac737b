"""The public directory as a visitor browses it."""

from django.urls import reverse

from portal.members.models import MembershipStatus, OrganisationKind
from tests.factories import AxisFactory, MembershipFactory, OrganisationFactory, ZoneFactory


def listed(name, **fields):
    organisation = OrganisationFactory(name=name, **fields)
    MembershipFactory(organisation=organisation)
    return organisation


def names_on(response) -> set[str]:
    return {organisation.name for organisation in response.context["page"].object_list}


def test_only_opted_in_active_members_are_listed(client, db):
    listed("Visible")
    listed("Discrète", in_public_directory=False)
    MembershipFactory(organisation=OrganisationFactory(name="En attente"), status=MembershipStatus.PENDING)
    response = client.get(reverse("cms:directory"))
    assert names_on(response) == {"Visible"}
    hidden = OrganisationFactory(name="Cachée", in_public_directory=False)
    MembershipFactory(organisation=hidden)
    assert client.get(reverse("cms:directory_entry", args=[hidden.slug])).status_code == 404


def test_filters_by_kind_zone_and_axis(client, db):
    zone = ZoneFactory(slug="tanneries")
    axis = AxisFactory(slug="alimentation")
    scop = listed("SCOP du Parc", kind=OrganisationKind.COOPERATIVE, zone=zone)
    listed("Garage du Parc", kind=OrganisationKind.CLASSIC_FIRM, zone=zone)
    asso = listed("Asso du centre", kind=OrganisationKind.ASSOCIATION, siret="")
    axis.organisations.add(scop, asso)

    assert names_on(client.get(reverse("cms:directory"), {"type": "sse"})) == {"SCOP du Parc", "Asso du centre"}
    assert names_on(client.get(reverse("cms:directory"), {"type": "classic_firm"})) == {"Garage du Parc"}
    assert names_on(client.get(reverse("cms:directory"), {"zone": "tanneries"})) == {"SCOP du Parc", "Garage du Parc"}
    assert names_on(client.get(reverse("cms:directory"), {"axe": "alimentation", "zone": "tanneries"})) == {
        "SCOP du Parc"
    }


def test_unknown_filter_values_are_ignored_not_errors(client, db):
    listed("Visible")
    response = client.get(
        reverse("cms:directory"), {"type": "<script>", "zone": "nope", "axe": "x" * 5000, "page": "abc"}
    )
    assert response.status_code == 200 and names_on(response) == {"Visible"}


def test_empty_state_and_pagination(client, db):
    empty = client.get(reverse("cms:directory"), {"q": "introuvable"})
    assert "Aucune organisation ne correspond" in empty.content.decode()
    for index in range(30):
        listed(f"Membre {index:02d}")
    first = client.get(reverse("cms:directory"))
    second = client.get(reverse("cms:directory"), {"page": 2})
    assert len(names_on(first)) == 24 and len(names_on(second)) == 6
    assert names_on(first).isdisjoint(names_on(second))
    assert "page=2" in first.content.decode()


def test_entry_page_shows_kind_and_axes(client, db):
    axis = AxisFactory(title="Mobilité et accessibilité")
    organisation = listed("Coopérative de Mobilité", kind=OrganisationKind.COOPERATIVE)
    axis.organisations.add(organisation)
    page = client.get(reverse("cms:directory_entry", args=[organisation.slug])).content.decode()
    assert "Coopérative de Mobilité" in page and "Mobilité et accessibilité" in page and "Économie sociale" in page
