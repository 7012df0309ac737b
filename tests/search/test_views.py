"""The search page and its suggestions as people use them.

Pages are asked for in English (the msgids), so the assertions do not depend on the French catalogue.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from knowledge.indexing import best_practice_document
from portal.members.models import OrganisationKind
from tests.factories import AxisFactory, BestPracticeFactory, OrganisationFactory, PersonFactory
from tests.search.support import elasticsearch_config, use_backend

URL = reverse("search:results")


@pytest.fixture
def client():
    language = translation.get_language()
    yield Client(headers={"accept-language": "en"})
    translation.activate(language)


@pytest.fixture
def member_client(client, db):
    member = Client(headers={"accept-language": "en"})
    member.force_login(PersonFactory().user)
    return member


@pytest.fixture
def library(search_backend):
    axis = AxisFactory(title="Économie circulaire")
    association = OrganisationFactory(name="Recyclerie du Val", kind=OrganisationKind.ASSOCIATION)
    firm = OrganisationFactory(name="Garage Martin", kind=OrganisationKind.CLASSIC_FIRM)
    records = [
        BestPracticeFactory(
            title="Tri des déchets <verts>",
            summary="Les déchets verts de la zone sont compostés sur place.",
            axis=axis,
            organisation=association,
            tags=["compost"],
        ),
        BestPracticeFactory(title="Réduire les déchets de l'atelier", axis=axis, organisation=firm),
        BestPracticeFactory(title="Déchets: tarifs négociés", visibility="members", organisation=firm),
    ]
    search_backend.add_bulk(best_practice_document(record) for record in records)
    search_backend.refresh()
    return records


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_without_words_invites_to_type_some(client, search_backend):
    page = text(client.get(URL))

    assert "Type one or more words above to search the portal." in page
    assert 'id="search-q"' in page and 'id="header-search-q"' in page


def test_results_show_highlighted_escaped_titles_counts_and_facets(client, library):
    page = text(client.get(URL, {"q": "déchets"}))

    assert "2 results for “déchets”" in page
    assert "Tri des <mark>déchets</mark> &lt;verts&gt;" in page
    assert "<verts>" not in page
    assert "<mark>" in page.split("hit-snippet")[1]
    assert 'Best practices <span class="count">(2)</span>' in page
    assert "Social economy</a> (1)" in page and "Classic firm</a> (1)" in page
    assert "tarifs négociés" not in page


def test_a_member_also_finds_the_members_only_records(member_client, library):
    page = text(member_client.get(URL, {"q": "déchets"}))

    assert "3 results for “déchets”" in page
    assert "tarifs négociés" in page


def test_a_facet_link_narrows_the_results_and_can_be_removed(client, library):
    page = text(client.get(URL, {"q": "déchets", "organisation_kind": "sse"}))

    assert "1 result for “déchets”" in page
    assert "Réduire les" not in page
    assert "<strong>Social economy</strong> (1)" in page
    assert 'href="?q=d%C3%A9chets">remove</a>' in page


def test_no_result_gives_help(client, library):
    page = text(client.get(URL, {"q": "photovoltaïque", "year": "2019"}))

    assert "No result for “photovoltaïque”." in page
    assert "Check the spelling" in page
    assert "Search again without the filters" in page
    assert "sign in to search them" in page


def test_results_come_page_by_page(client, search_backend):
    records = [BestPracticeFactory(title=f"Atelier réemploi n°{n}") for n in range(25)]
    search_backend.add_bulk(best_practice_document(record) for record in records)
    search_backend.refresh()

    first = text(client.get(URL, {"q": "réemploi"}))
    second = text(client.get(URL, {"q": "réemploi", "page": "2"}))

    assert "25 results" in first and "Page 1 of 2" in first
    assert 'href="?q=r%C3%A9emploi&amp;page=2" rel="next"' in first
    assert second.count('class="hit hit-best_practice"') == 5 and 'rel="prev"' in second
    beyond = text(client.get(URL, {"q": "réemploi", "page": "999999"}))
    assert "Page 2 of 2" in beyond and beyond.count('class="hit hit-best_practice"') == 5


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("déchets " + "x" * 10_000, "Your search was too long: only its first 200 characters were used."),
        ('+-&&||!(){}[]^"~*?:\\/', "Type words to search for: operators and punctuation alone find nothing."),
        ('"déchets verts', "1 result for “&quot;déchets verts”"),
        ("title:(déchets AND", "title:(déchets AND”"),
        ("déchets\x00\x1b", "2 results for “déchets”"),
        ("   ", "Type one or more words above"),
    ],
)
def test_bad_queries_get_results_or_a_clear_message(client, library, query, message):
    assert message in text(client.get(URL, {"q": query, "page": "x", "year": "nineteen"}))


def test_when_the_search_server_is_down_the_page_says_so(client, db, settings):
    with use_backend(settings, elasticsearch_config("http://127.0.0.1:9")):
        page = text(client.get(URL, {"q": "déchets"}))

    assert "The search is unavailable at the moment. Please try again in a few minutes." in page


def test_suggestions_are_json_and_hide_members_only_titles_from_visitors(client, member_client, library):
    url = reverse("search:autocomplete")

    visitor = client.get(url, {"q": "déch"})
    member = member_client.get(url, {"q": "déch"})

    assert visitor["Content-Type"] == "application/json"
    assert sorted(s["title"] for s in visitor.json()["suggestions"]) == [
        "Réduire les déchets de l'atelier",
        "Tri des déchets <verts>",
    ]
    assert sorted(s["title"] for s in member.json()["suggestions"]) == [
        "Déchets: tarifs négociés",
        "Réduire les déchets de l'atelier",
        "Tri des déchets <verts>",
    ]
    assert member.json()["suggestions"][0]["type_label"] == "Best practices"
    assert client.get(url, {"q": "d"}).json() == {"suggestions": []}
    assert client.get(url, {"q": "x" * 10_000}).json() == {"suggestions": []}
