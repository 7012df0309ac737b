"""The outside services' clients against recorded answers on loopback, and with the service down."""

import socket
import time
from decimal import Decimal

import pytest
from django.utils import translation

from portal.outside import address_base, company_register
from portal.outside.http import ServiceDown, get_json

WORKS = "99810001000029"  # an establishment of MENUISERIE DU VAL, not its head office
HEAD_OFFICE = "99810001000011"
SEARCH = "/entreprises/search"
GEOCODE = "/adresse/search/"


def test_a_siret_finds_that_establishment_with_its_own_address_and_point(recorded):
    recorded.answer(SEARCH, "company_register_siret.json", q=WORKS)
    [firm] = company_register.lookup("998 100 010 00029")
    assert recorded.asked(SEARCH) == [{"q": WORKS, "page": "1", "per_page": "10"}]
    assert firm.siret == WORKS and firm.name == "MENUISERIE DU VAL" and not firm.head_office
    # Its address came in one string: street, postcode and city are told apart.
    assert (firm.address, firm.postcode, firm.city) == ("ZA DES TANNERIES 3 RUE DES TANNEURS", "18100", "ARVIERE")
    assert firm.naf_code == "16.23Z" and firm.headcount_band == "10-19" and firm.ess is False
    assert (firm.latitude, firm.longitude) == (Decimal("47.221947"), Decimal("2.068312"))
    with translation.override("fr"):
        assert firm.headcount_label == "10 à 19 salariés"


def test_the_head_office_siret_gives_its_street_written_out(recorded):
    recorded.answer(SEARCH, "company_register_siret.json")
    [firm] = company_register.lookup(HEAD_OFFICE)
    assert firm.head_office and firm.address == "14 AVENUE DE LA REPUBLIQUE" and firm.city == "BOURGES"
    assert firm.headcount_band == "3-5"  # the establishment's band, not the whole firm's


def test_a_name_lists_the_head_offices_of_open_firms_with_their_ess_flag(recorded):
    recorded.answer(SEARCH, "company_register_name.json", q="repair")
    firms = company_register.lookup("  repair ")
    assert recorded.asked(SEARCH)[0]["etat_administratif"] == "A"
    assert [firm.name for firm in firms] == ["ASSOCIATION REPAIR CAFE ARVIERE", "SCOP REPARATION ELECTROMENAGER DU VAL"]
    association, scop = firms
    assert association.is_association and association.ess and association.headcount_band == ""
    assert scop.ess and not scop.is_association and scop.headcount_band == "20-49"
    assert scop.address == "22 ROUTE DE VIERZON" and scop.postcode == "18120"
    assert scop.as_dict()["latitude"] == "47.198114"


def test_nothing_found_and_too_short_queries_are_empty_lists(recorded):
    recorded.answer(SEARCH, "company_register_empty.json")
    assert company_register.lookup("zzzzzz") == []
    assert company_register.lookup("ab") == []  # not even asked: the register refuses it
    assert len(recorded.asked(SEARCH)) == 1


def test_a_404_is_an_empty_answer(recorded):
    recorded.answer(SEARCH, status=404, body={"erreur": "not found"})
    assert company_register.lookup(WORKS) == []


def test_an_address_is_geocoded_above_the_minimum_score(recorded):
    recorded.answer(GEOCODE, "address_base_found.json")
    point = address_base.geocode("3 rue des Tanneurs", "18100", "Arvière")
    assert recorded.asked(GEOCODE) == [{"q": "3 rue des Tanneurs 18100 Arvière", "limit": "1", "postcode": "18100"}]
    assert (point.latitude, point.longitude) == (Decimal("47.222381"), Decimal("2.067958"))
    assert point.citycode == "18999" and point.score > address_base.MIN_SCORE


def test_a_guess_below_the_minimum_score_gives_no_point(recorded):
    recorded.answer(GEOCODE, "address_base_guess.json")
    assert address_base.geocode("Lieu-dit Inconnu", "18100", "Arvière") is None


# --- The service down: each failure becomes one French message ----------------------------------


def _message(call) -> ServiceDown:
    with translation.override("fr"), pytest.raises(ServiceDown) as caught:
        call()
    return caught.value


def test_a_refused_connection_says_the_register_does_not_answer(settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.COMPANY_REGISTER_URL = f"http://127.0.0.1:{port}"
    down = _message(lambda: company_register.lookup(WORKS))
    assert down.reason == "refused"
    assert str(down) == (
        "Le registre des entreprises (Recherche d'entreprises) ne répond pas pour le moment : réessayez dans "
        "quelques minutes, ou remplissez le formulaire à la main."
    )


def test_an_answer_slower_than_the_timeout_is_given_up(recorded, settings):
    settings.OUTSIDE_SERVICES_TIMEOUT = 0.3
    recorded.answer(SEARCH, "company_register_siret.json", delay=5)
    started = time.monotonic()
    down = _message(lambda: company_register.lookup(WORKS))
    assert down.reason == "timeout" and time.monotonic() - started < 2
    assert "ne répond pas" in str(down)


def test_a_server_error_or_a_busy_service_is_said_in_french(recorded):
    recorded.answer(GEOCODE, status=500, body="<html>Internal Server Error</html>", content_type="text/html")
    down = _message(lambda: address_base.geocode("3 rue des Tanneurs", "18100"))
    assert down.reason == "error" and str(down).startswith("La base adresse nationale ne répond pas")
    recorded.answer(SEARCH, status=429, body={"erreur": "Trop de requêtes"})
    down = _message(lambda: company_register.lookup(WORKS))
    assert down.reason == "busy" and "trop de demandes" in str(down)


def test_an_answer_that_is_not_json_is_a_service_down(recorded):
    recorded.answer(SEARCH, body="<html>maintenance</html>", content_type="text/html")
    assert _message(lambda: company_register.lookup(WORKS)).reason == "not_json"
    recorded.answer(SEARCH, body="[1, 2]")  # JSON, but not the object the API answers
    assert _message(lambda: company_register.lookup(WORKS)).reason == "not_json"


def test_an_answer_over_the_size_cap_is_refused(recorded, settings):
    settings.OUTSIDE_SERVICES_MAX_BYTES = 1000
    recorded.answer(SEARCH, "company_register_siret.json")  # about 3 kB
    assert _message(lambda: get_json(recorded.base_url + SEARCH, service="Test")).reason == "too_big"
