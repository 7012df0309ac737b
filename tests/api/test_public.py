"""The public endpoints: what an anonymous visitor sees on the site, paged by cursor, errors in one shape."""

import pytest

from knowledge.models import Visibility
from tests.cms.pages import add_event, add_news
from tests.factories import AxisFactory, BestPracticeFactory, MembershipFactory, OrganisationFactory, ZoneFactory

pytestmark = pytest.mark.django_db


def test_the_next_events_come_soonest_first_and_past_ones_are_left_out(client, agenda):
    later = add_event(agenda, days=10, title="Plus tard")
    sooner = add_event(agenda, days=2, title="Bientôt")
    add_event(agenda, days=-3, title="Passé")
    add_event(agenda, days=4, title="Brouillon", publish=False)

    answer = client.get("/api/v1/events")

    assert answer.status_code == 200
    assert [item["title"] for item in answer.json()["results"]] == [sooner.title, later.title]
    assert answer.json()["results"][0]["url"].startswith("http")
    assert answer.json()["next_cursor"] is None


def test_the_cursor_walks_every_event_once_even_when_one_is_added_meanwhile(client, agenda):
    for day in range(1, 6):
        add_event(agenda, days=day, title=f"Jour {day}")
    first = client.get("/api/v1/events", {"limit": 2}).json()
    add_event(agenda, days=0, hours=1, title="Ajouté avant le début")  # sorts before the page already read
    second = client.get("/api/v1/events", {"limit": 2, "cursor": first["next_cursor"]}).json()
    third = client.get("/api/v1/events", {"limit": 2, "cursor": second["next_cursor"]}).json()

    titles = [item["title"] for page in (first, second, third) for item in page["results"]]
    assert titles == [f"Jour {day}" for day in range(1, 6)]
    assert third["next_cursor"] is None


def test_a_forged_cursor_answers_400_in_french(client, agenda):
    answer = client.get("/api/v1/events", {"cursor": "abc:def"})

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "bad_cursor"
    assert "curseur" in answer.json()["error"]["message"]


def test_a_limit_out_of_range_answers_422_naming_the_parameter(client):
    answer = client.get("/api/v1/zones", {"limit": 1000})

    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"limit"}
    assert "grande" in error["fields"]["limit"]


def test_an_unknown_address_answers_the_api_404_shape(client):
    answer = client.get("/api/v1/nulle-part")

    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


def test_news_latest_first(client, news_index):
    add_news(news_index, days_ago=5, title="Ancienne")
    add_news(news_index, days_ago=1, title="Récente")

    titles = [item["title"] for item in client.get("/api/v1/news").json()["results"]]

    assert titles == ["Récente", "Ancienne"]


def test_only_public_best_practices_are_listed(client):
    BestPracticeFactory(title="Pour tous", visibility=Visibility.PUBLIC)
    BestPracticeFactory(title="Pour les membres", visibility=Visibility.MEMBERS)

    titles = [item["title"] for item in client.get("/api/v1/best-practices").json()["results"]]

    assert titles == ["Pour tous"]


def test_the_directory_lists_only_listed_member_organisations(client):
    listed = OrganisationFactory(name="Visible", in_public_directory=True)
    MembershipFactory(organisation=listed)
    hidden = OrganisationFactory(name="Discrète", in_public_directory=False)
    MembershipFactory(organisation=hidden)

    names = [item["name"] for item in client.get("/api/v1/organisations").json()["results"]]

    assert "Visible" in names
    assert "Discrète" not in names


def test_axes_clubs_and_zones_are_listed(client):
    AxisFactory(title="Économie circulaire")
    zone = ZoneFactory(name="Vallée")

    assert [item["title"] for item in client.get("/api/v1/axes").json()["results"]] == ["Économie circulaire"]
    assert zone.slug in [item["slug"] for item in client.get("/api/v1/zones").json()["results"]]
    assert client.get("/api/v1/clubs").status_code == 200


def test_the_openapi_document_has_examples_and_the_token_scheme(client):
    document = client.get("/api/v1/openapi.json").json()

    assert "/api/v1/events" in document["paths"]
    assert document["components"]["schemas"]["Event"]["examples"]
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_docs_page_loads_swagger_from_the_portal_not_a_cdn(client):
    answer = client.get("/api/v1/docs")

    assert answer.status_code == 200
    html = answer.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "script-src 'self'" in answer["Content-Security-Policy"]


def test_the_docs_page_says_its_language_has_a_main_landmark_and_no_link_inside_a_button(client):
    # What axe-core found on /api/v1/docs (tests/e2e/test_journey_release_two.py): no lang, no main
    # landmark, deep links nested in the operations' buttons, and Swagger's pale colours.
    html = client.get("/api/v1/docs").content.decode()

    assert '<html lang="en">' in html
    assert '<main id="swagger-ui">' in html
    assert "swagger-ui-a11y.css" in html
    assert '"deepLinking": false' in html
