"""Filling an organisation from the company register, and placing it on the map from the address base.

The register and the address base answer from recorded files on loopback (tests/portal/outside), or
are down; no test reaches the network."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.members import services
from portal.members.models import OrganisationKind, Role, Zone
from portal.members.scopes import ScopeKind
from tests.factories import ClubFactory, OrganisationFactory, PersonFactory, UserFactory

WORKS = "99810001000029"
SEARCH = "/entreprises/search"
GEOCODE = "/adresse/search/"


@pytest.fixture
def lookup_url():
    return reverse("members:register_lookup")


def test_a_member_finds_a_firm_by_siret_in_the_words_of_the_form(client, member, recorded, lookup_url):
    recorded.answer(SEARCH, "company_register_siret.json", q=WORKS)
    client.force_login(member)
    response = client.get(lookup_url, {"q": "998 100 010 00029"})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    [firm] = response.json()["results"]
    assert firm["name"] == "MENUISERIE DU VAL" and firm["siret"] == WORKS
    assert (firm["address"], firm["postcode"], firm["commune"]) == (
        "ZA DES TANNERIES 3 RUE DES TANNEURS", "18100", "ARVIERE"
    )  # fmt: skip
    assert firm["naf_code"] == "16.23Z" and firm["headcount_band"] == "10-19"
    assert firm["headcount_label"] == "10 à 19 salariés"
    assert firm["kind"] == OrganisationKind.CLASSIC_FIRM and firm["kind_label"] == "Entreprise classique"
    assert (firm["latitude"], firm["longitude"]) == ("47.221947", "2.068312")
    # Asked again, the answer is the one kept for a day: the register is not asked twice.
    assert client.get(lookup_url, {"q": WORKS}).json()["results"] == [firm]
    assert len(recorded.asked(SEARCH)) == 1


def test_a_name_lists_the_firms_with_their_kind_from_the_legal_category(client, member, recorded, lookup_url):
    recorded.answer(SEARCH, "company_register_name.json", q="repair")
    client.force_login(member)
    association, scop = client.get(lookup_url, {"q": "repair"}).json()["results"]
    assert association["kind"] == OrganisationKind.ASSOCIATION and association["ess"] is True
    assert association["headcount_band"] == "" and association["naf_code"] == "94.99Z"
    assert scop["kind"] == OrganisationKind.COOPERATIVE and scop["headcount_label"] == "20 à 49 salariés"


@pytest.mark.parametrize(
    "query, message",
    [
        ("ab", "Tapez un SIRET (14 chiffres) ou au moins trois lettres du nom."),
        ("x" * 101, "Tapez un SIRET (14 chiffres) ou au moins trois lettres du nom."),
        ("99810001000028", "Ce SIRET n'est pas valide"),
    ],
)
def test_a_query_the_register_cannot_search_is_a_400_in_french(client, member, recorded, lookup_url, query, message):
    client.force_login(member)
    response = client.get(lookup_url, {"q": query})
    assert response.status_code == 400 and response.json()["error"].startswith(message)
    assert recorded.requests == []


def test_the_register_down_is_a_503_with_its_reason_and_is_asked_again_later(client, member, recorded, lookup_url):
    recorded.answer(SEARCH, status=502, body="Bad Gateway", content_type="text/plain")
    client.force_login(member)
    response = client.get(lookup_url, {"q": WORKS})
    assert response.status_code == 503
    assert response.json()["error"] == (
        "Le registre des entreprises (Recherche d'entreprises) ne répond pas pour le moment : réessayez dans "
        "quelques minutes, ou remplissez le formulaire à la main."
    )
    recorded.answer(SEARCH, "company_register_siret.json")  # back up: the failure was not kept
    assert client.get(lookup_url, {"q": WORKS}).json()["results"][0]["siret"] == WORKS


def test_only_people_who_may_fill_an_organisation_search_the_register(db, client, recorded, lookup_url):
    recorded.answer(SEARCH, "company_register_siret.json")
    response = client.get(lookup_url, {"q": WORKS})
    assert response.status_code == 403 and "Connectez-vous" in response.json()["error"]
    loner = PersonFactory(organisation=None).user  # an account of no organisation and no role
    client.force_login(loner)
    assert client.get(lookup_url, {"q": WORKS}).status_code == 403
    animator = PersonFactory(organisation=None)
    services.role_grant(
        person=animator, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=ClubFactory().pk,
        by=UserFactory(is_superuser=True),
    )  # fmt: skip
    client.force_login(animator.user)
    assert client.get(lookup_url, {"q": WORKS}).status_code == 200
    assert recorded.asked(SEARCH) == [{"q": WORKS, "page": "1", "per_page": "10"}]


# --- The organisation form and its point on the map ---------------------------------------------


def test_the_edit_form_offers_the_register_search_and_keeps_the_registers_point(
    client, member, organisation, recorded, django_capture_on_commit_callbacks
):
    client.force_login(member)
    url = reverse("members:organisation_edit", args=[organisation.slug])
    page = client.get(url).content.decode()
    assert 'id="register-lookup"' in page and "members/register-lookup.js" in page
    assert 'type="hidden" name="latitude"' in page and reverse("members:register_lookup") in page
    data = {
        "name": "MENUISERIE DU VAL", "kind": OrganisationKind.CLASSIC_FIRM, "siret": WORKS,
        "naf_code": "16.23Z", "headcount_band": "10-19", "address": "ZA DES TANNERIES 3 RUE DES TANNEURS",
        "postcode": "18100", "commune": "ARVIERE", "latitude": "47.221947", "longitude": "2.068312",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.siret == WORKS and organisation.headcount_band == "10-19"
    assert (organisation.latitude, organisation.longitude) == (Decimal("47.221947"), Decimal("2.068312"))
    assert recorded.asked(GEOCODE) == []  # placed by the register: the address base was not asked


def test_a_moved_address_loses_its_old_point_and_is_placed_after_the_save(
    administrator, recorded, django_capture_on_commit_callbacks
):
    recorded.answer(GEOCODE, "address_base_found.json")
    organisation = OrganisationFactory(address="1 rue Ancienne", postcode="18000", commune="Bourges",
                                       latitude=Decimal("47.08"), longitude=Decimal("2.39"))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.organisation_update(
            organisation=organisation, by=administrator, address="3 rue des Tanneurs", postcode="18100",
            commune="Arvière", latitude=organisation.latitude, longitude=organisation.longitude,
        )  # fmt: skip
        organisation.refresh_from_db()
        assert organisation.latitude is None  # the old point marked the old address
        assert recorded.asked(GEOCODE) == []  # nothing asked inside the write
    for callback in callbacks:
        callback()
    organisation.refresh_from_db()
    assert recorded.asked(GEOCODE)[0]["q"] == "3 rue des Tanneurs 18100 Arvière"
    assert (organisation.latitude, organisation.longitude) == (Decimal("47.222381"), Decimal("2.067958"))


def test_the_address_base_down_never_loses_the_write(administrator, recorded, django_capture_on_commit_callbacks):
    recorded.answer(GEOCODE, status=503, body="")
    with django_capture_on_commit_callbacks(execute=True):
        organisation = services.organisation_create(
            by=administrator, name="Garage du Pont", kind=OrganisationKind.CLASSIC_FIRM,
            siret="99810003600016", address="3 rue des Tanneurs", postcode="18100", commune="Arvière",
        )  # fmt: skip
    organisation.refresh_from_db()
    assert organisation.name == "Garage du Pont" and organisation.latitude is None
    assert len(recorded.asked(GEOCODE)) == 1


def test_an_unchanged_address_or_a_vague_guess_is_not_placed(
    administrator, recorded, django_capture_on_commit_callbacks
):
    recorded.answer(GEOCODE, "address_base_guess.json")
    organisation = OrganisationFactory(address="Lieu-dit Inconnu", postcode="18100", commune="Arvière")
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_update(organisation=organisation, by=administrator, phone="02 48 00 00 00")
    assert recorded.asked(GEOCODE) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_update(organisation=organisation, by=administrator, address="Lieu-dit Inconnu 2")
    organisation.refresh_from_db()
    assert len(recorded.asked(GEOCODE)) == 1 and organisation.latitude is None  # score 0.31: no point


def test_a_late_answer_for_an_address_changed_meanwhile_is_not_written(administrator, recorded):
    recorded.answer(GEOCODE, "address_base_found.json")
    organisation = OrganisationFactory(address="5 rue Neuve", postcode="18100", commune="Arvière")
    placed = services.organisation_geocode(
        organisation_id=organisation.pk, address=("3 rue des Tanneurs", "18100", "Arvière")
    )
    organisation.refresh_from_db()
    assert placed is False and organisation.latitude is None


def test_a_zone_names_its_communes_by_insee_code(db):
    zone = Zone(name="Parc", slug="parc", commune="Arvière", commune_codes=" 18033, 2a004 ,18999,")
    zone.full_clean()
    assert zone.commune_code_list == ["18033", "2A004", "18999"]
    zone.commune_codes = "18033, 18100 Arvière"
    with pytest.raises(ValidationError) as error:
        zone.full_clean()
    assert "n'est pas un code commune INSEE" in str(error.value)
