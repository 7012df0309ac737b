"""The public join form looks the firm up in the company register by its SIRET (#18): anyone may, for
one exact SIRET only (never a name, which would list the register), counted per address; the register
answers from recorded files on loopback, or is down."""

import pytest
from django.urls import reverse

from portal.clubs.models import JoinRequest

pytestmark = pytest.mark.django_db

WORKS = "99810001000029"
SEARCH = "/entreprises/search"


def test_a_visitor_finds_her_firm_by_siret(client, recorded):
    recorded.answer(SEARCH, "company_register_siret.json", q=WORKS)
    response = client.get(reverse("club:join_lookup"), {"q": "998 100 010 00029"})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    [firm] = response.json()["results"]
    assert (firm["name"], firm["siret"], firm["naf_code"]) == ("MENUISERIE DU VAL", WORKS, "16.23Z")
    assert not JoinRequest.objects.exists()  # a lookup stores nothing


@pytest.mark.parametrize(
    "query, message",
    [
        ("menuiserie", "Tapez le SIRET de votre entreprise : 14 chiffres."),
        ("1234", "Tapez le SIRET de votre entreprise : 14 chiffres."),
        ("99810001000028", "Ce SIRET n'est pas valide"),
    ],
)
def test_a_name_or_a_wrong_siret_is_refused_in_french_without_asking_the_register(client, recorded, query, message):
    response = client.get(reverse("club:join_lookup"), {"q": query})
    assert response.status_code == 400 and response.json()["error"].startswith(message)
    assert recorded.requests == []


def test_the_register_down_is_said_in_french(client, recorded):
    recorded.answer(SEARCH, status=502, body="Bad Gateway", content_type="text/plain")
    response = client.get(reverse("club:join_lookup"), {"q": WORKS})
    assert response.status_code == 503 and "ne répond pas pour le moment" in response.json()["error"]


def test_lookups_are_counted_per_address(client, recorded, settings):
    settings.PORTAL_FORM_RATES = {**settings.PORTAL_FORM_RATES, "join_register_lookup": "2/h"}
    recorded.answer(SEARCH, "company_register_siret.json", q=WORKS)
    answers = [client.get(reverse("club:join_lookup"), {"q": WORKS}).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert "Trop de demandes" in client.get(reverse("club:join_lookup"), {"q": WORKS}).json()["error"]
    assert client.post(reverse("club:join_lookup"), {"q": WORKS}).status_code == 405


def test_the_join_form_offers_the_lookup(client):
    page = client.get(reverse("club:join")).content.decode()
    assert 'data-url="/clubs/adherer/registre/"' in page and 'data-form="join-form"' in page
