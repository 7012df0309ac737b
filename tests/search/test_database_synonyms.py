"""The database backend (the demo, a first run without Elasticsearch) applies the administrators'
synonyms too (#24): a rule saved in the admin widens the next search, a rule deleted no longer does,
"a => b" works one way, and without rules the search is the same as before. Same expectations as the
Elasticsearch tests in test_synonyms.py; runs on the database the tests use (SQLite or PostgreSQL)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import services
from search.documents import PUBLIC, SearchDocument
from search.models import SynonymRule
from tests.search.support import DATABASE, use_backend

TITLES = {
    "1": "Atelier partagé de réparation",
    "2": "Collecte des déchets dangereux",
    "3": "Prime vélo pour les salariés",
    "4": "Une recyclerie de quartier",
    "5": "La ressourcerie du centre-ville",
    "6": "Formation à la conduite du chariot élévateur",
    "7": "Compost partagé des salariés",
}
DOCUMENTS = [
    SearchDocument(type="best_practice", id=key, title=title, url=f"/{key}/", visibility=[PUBLIC])
    for key, title in TITLES.items()
]


@pytest.fixture
def backend(db, settings):
    with use_backend(settings, DATABASE) as backend:
        backend.add_bulk(DOCUMENTS)
        yield backend


def found(backend, query):
    return sorted(hit.id for hit in backend.search(query, grants=[PUBLIC]).hits)


def save(rule, by, capture):
    with capture(execute=True):
        return services.synonym_save(rule=SynonymRule(rule=rule), by=by)


def test_a_rule_saved_applies_to_the_next_search_and_no_longer_once_deleted(
    backend, administrator, django_capture_on_commit_callbacks
):
    assert found(backend, "fablab") == []  # read once: the list is cached from here on

    rule = save("fablab, atelier partagé", administrator, django_capture_on_commit_callbacks)
    assert found(backend, "fablab") == ["1"]
    assert found(backend, "Fablab réparation") == ["1"]
    assert found(backend, "atelier partagé") == ["1"]

    with django_capture_on_commit_callbacks(execute=True):
        services.synonym_delete(rule=rule, by=administrator)
    assert found(backend, "fablab") == []


def test_the_rules_the_migration_kept_apply_with_accents_case_and_several_words(backend):
    assert found(backend, "BICYCLETTE") == ["3"]
    assert found(backend, "ordures") == ["2"]
    assert found(backend, "Détritus dangereux") == ["2"]
    assert found(backend, "fenwick") == ["6"]
    assert found(backend, "transpalette") == ["6"]
    assert found(backend, "Chariot Élévateur") == ["6"]
    assert found(backend, '"bicyclette"') == ["3"]


def test_a_short_plural_the_stemmer_leaves_still_meets_its_rule(backend):
    # "vélos" stays "velos" (only words of six letters and more are stemmed): it meets "velo, bicyclette".
    assert found(backend, "Vélos") == ["3"]
    assert found(backend, "bicyclettes") == ["3"]
    assert found(backend, "salariés -vélos") == ["7"]


def test_an_excluded_word_excludes_its_synonyms_too(backend):
    assert found(backend, "salariés") == ["3", "7"]
    assert found(backend, "salariés -bicyclette") == ["7"]


def test_a_one_way_rule_searches_the_right_side_only_when_the_left_one_is_typed(
    backend, administrator, django_capture_on_commit_callbacks
):
    save("ressourcerie => recyclerie", administrator, django_capture_on_commit_callbacks)
    assert found(backend, "ressourcerie") == ["4"]
    assert found(backend, "recyclerie") == ["4"]


def test_without_rules_a_search_finds_only_its_own_words(backend, administrator, django_capture_on_commit_callbacks):
    for rule in SynonymRule.objects.all():
        with django_capture_on_commit_callbacks(execute=True):
            services.synonym_delete(rule=rule, by=administrator)
    assert found(backend, "bicyclette") == []
    assert found(backend, "vélo") == ["3"]
    assert found(backend, "ordures") == []
    assert found(backend, "déchets") == ["2"]
    assert found(backend, "salariés -vélo") == ["7"]


def test_the_rules_are_read_once_then_from_the_cache(backend):
    found(backend, "compost")
    with CaptureQueriesContext(connection) as captured:
        assert found(backend, "bicyclette") == ["3"]
    assert not [query for query in captured.captured_queries if "search_synonymrule" in query["sql"]]
