""" "Did you mean…": when a search finds nothing or little and a close spelling finds more, the
results page proposes it, on both backends (Elasticsearch: a phrase suggester on the words as
written; database: difflib over the visible titles, summaries and tags), never from a document the
searcher may not see."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portal.members.indexing import MEMBERS
from search import api
from search.documents import PUBLIC
from tests.search.test_backend_contract import doc, index

URL = reverse("search:results")


def search(text, grants=(PUBLIC,)):
    """search.query as a visitor (or with the grants given) would run it."""
    return api.query(text, user=_Grants(grants))


class _Grants:
    """A searcher whose grants are given: search.api asks the apps' contributions for a real user."""

    def __init__(self, grants):
        self.grants = list(grants)


@pytest.fixture
def as_grants(monkeypatch):
    monkeypatch.setattr(api, "grants_for", lambda user: user.grants)


@pytest.fixture
def library(any_backend):
    index(
        any_backend,
        doc(1, "Plateforme de compost partagée", summary="Le compost des restaurants de la zone."),
        doc(2, "Compost en pied d'immeuble"),
        doc(3, "Tri des déchets d'atelier", tags=["recyclage"]),
        doc(4, "Réparer plutôt que jeter", body="Un atelier vélo pour les salariés."),
        doc(5, "Tarifs photovoltaïques négociés", visibility=[MEMBERS]),
    )
    return any_backend


def test_a_misspelt_word_that_finds_nothing_proposes_the_word_of_the_documents(library, as_grants):
    results = search("kompost")

    assert results.total == 0
    assert results.suggestion == "compost"
    assert results.suggestion_total == 2


def test_the_proposal_keeps_the_words_spelt_right(library, as_grants):
    results = search("plateforme kompost")

    assert results.suggestion == "plateforme compost"
    assert results.suggestion_total == 1


def test_a_query_that_finds_enough_proposes_nothing(library, as_grants):
    results = search("compost")

    assert results.total == 2
    assert results.suggestion == ""


def test_a_word_nothing_resembles_proposes_nothing(library, as_grants):
    results = search("zygomatique")

    assert results.total == 0 and results.suggestion == ""


def test_a_word_of_a_document_the_searcher_may_not_see_is_never_proposed(library, as_grants):
    assert search("hotovoltaïques").suggestion == ""
    assert search("hotovoltaïques", grants=(PUBLIC, MEMBERS)).suggestion == "photovoltaïques"


def test_quotes_and_exclusions_are_searched_as_typed_without_proposal(library, as_grants):
    assert search('"kompost"').suggestion == ""
    assert search("kompost -jardin").suggestion == ""


@pytest.fixture
def client():
    language = translation.get_language()
    yield Client(headers={"accept-language": "en"})
    translation.activate(language)


def test_the_results_page_links_to_the_close_spelling_with_its_count(client, library):
    page = client.get(URL, {"q": "kompost"}).content.decode()

    assert "No result for “kompost”." in page
    assert 'Did you mean <a href="?q=compost" rel="nofollow">compost</a>? (2 results)' in page
    assert "2 results for “compost”" in client.get(URL, {"q": "compost"}).content.decode()
