"""The administrators' synonyms (#24): a rule saved in the admin is normalised, refused with a French
message when it cannot work, and applies to the next search on Elasticsearch without a rebuild; a
rule saved while the search server is down waits in the outbox and applies once it answers."""

import os

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from search import indexing, services
from search.documents import PUBLIC, SearchDocument
from search.models import IndexOutbox, SynonymRule
from search.synonyms import FRENCH_SYNONYMS, normalise_rule
from tests.factories import PersonFactory
from tests.search.support import elasticsearch_config, use_backend

needs_elasticsearch = pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="needs Elasticsearch")
UNREACHABLE = elasticsearch_config("http://127.0.0.1:9")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Déchet,  Ordure ,détritus", "déchet, ordure, détritus"),
        ("covoit=>covoiturage", "covoit => covoiturage"),
        ("fab-lab, atelier partagé, fab-lab", "fab-lab, atelier partagé"),
        ("l'atelier, ressourcerie", "l'atelier, ressourcerie"),
    ],
)
def test_a_rule_is_kept_as_elasticsearch_reads_it(typed, kept):
    assert normalise_rule(typed) == kept


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "required"),
        ("déchet", "single"),
        ("déchet,, ordure", "empty"),
        ("a => b => c", "arrows"),
        ("vélo => vélo", "itself"),
        ("déchet; ordure, rebut", "characters"),
        ("déchet # commentaire, ordure", "characters"),
        ("x" * 61 + ", ordure", "long"),
    ],
)
def test_a_rule_that_cannot_work_is_refused(typed, code):
    with pytest.raises(ValidationError) as refused:
        normalise_rule(typed)
    assert refused.value.code == code


def test_the_migration_gave_the_list_every_search_used_so_far(db):
    # What an upgraded portal searched with before this release (search/synonyms.py): unchanged.
    assert sorted(SynonymRule.objects.values_list("rule", flat=True)) == sorted(FRENCH_SYNONYMS)


def test_only_an_administrator_changes_the_synonyms(db, administrator):
    member = PersonFactory().user
    with pytest.raises(PermissionDenied):
        services.synonym_save(rule=SynonymRule(rule="fablab, atelier"), by=member)
    assert not SynonymRule.objects.filter(rule="fablab, atelier").exists()

    rule = services.synonym_save(rule=SynonymRule(rule="FabLab , Atelier"), by=administrator)
    assert rule.rule == "fablab, atelier"
    with pytest.raises(PermissionDenied):
        services.synonym_delete(rule=rule, by=member)
    assert SynonymRule.objects.filter(pk=rule.pk).exists()


def test_a_rule_already_there_or_unreadable_changes_nothing(db, administrator):
    services.synonym_save(rule=SynonymRule(rule="fablab, atelier"), by=administrator)
    queued = IndexOutbox.objects.count()
    for typed in ("Fablab, ATELIER", "fablab"):
        with pytest.raises(ValidationError) as refused:
            services.synonym_save(rule=SynonymRule(rule=typed), by=administrator)
        assert "rule" in refused.value.message_dict
    assert SynonymRule.objects.filter(rule__startswith="fablab").count() == 1
    assert IndexOutbox.objects.count() == queued


def test_the_admin_screen_lists_adds_and_refuses_in_french(client, administrator):
    client.force_login(administrator)
    SynonymRule.objects.create(rule="gaspi, gaspillage alimentaire", note="Vu dans les recherches")
    listed = client.get(reverse("search-synonyms:index"))
    assert "gaspi, gaspillage alimentaire" in listed.content.decode()

    refused = client.post(reverse("search-synonyms:add"), {"rule": "fablab; atelier", "note": ""})
    assert refused.status_code == 200
    assert "ne peut contenir que des lettres" in refused.content.decode()
    assert not SynonymRule.objects.filter(rule__contains="fablab").exists()

    client.post(reverse("search-synonyms:add"), {"rule": "FabLab, atelier partagé", "note": "Demande du club"})
    assert SynonymRule.objects.get(note="Demande du club").rule == "fablab, atelier partagé"


def test_people_who_are_not_administrators_never_reach_the_screen(client, db):
    coordinator = PersonFactory().user
    client.force_login(coordinator)
    response = client.post(reverse("search-synonyms:add"), {"rule": "fablab, atelier", "note": ""})
    assert response.status_code in (302, 403)
    assert not SynonymRule.objects.filter(rule="fablab, atelier").exists()


DOCUMENTS = [
    SearchDocument(type="best_practice", id=str(n), title=title, url=f"/{n}/", visibility=[PUBLIC])
    for n, title in ((1, "Atelier partagé de réparation"), (2, "Collecte des déchets dangereux"))
]


def found(backend, query):
    return [hit.id for hit in backend.search(query, grants=[PUBLIC]).hits]


@needs_elasticsearch
def test_a_rule_saved_applies_to_the_next_search_without_a_rebuild(
    administrator, settings, django_capture_on_commit_callbacks
):
    with use_backend(settings, elasticsearch_config()) as backend:
        backend.add_bulk(DOCUMENTS)
        backend.refresh()
        indices = set(backend.versioned_indices())
        assert found(backend, "fablab") == []

        with django_capture_on_commit_callbacks(execute=True):
            rule = services.synonym_save(rule=SynonymRule(rule="fablab, atelier partagé"), by=administrator)
        assert not IndexOutbox.objects.exists()
        assert found(backend, "fablab") == ["1"]
        assert set(backend.versioned_indices()) == indices  # the same index: nothing rebuilt

        with django_capture_on_commit_callbacks(execute=True):
            services.synonym_delete(rule=rule, by=administrator)
        assert found(backend, "fablab") == []


@needs_elasticsearch
def test_a_rule_saved_while_the_search_server_is_down_applies_once_it_answers(
    administrator, settings, django_capture_on_commit_callbacks
):
    with use_backend(settings, UNREACHABLE), django_capture_on_commit_callbacks(execute=True):
        services.synonym_save(rule=SynonymRule(rule="fablab, atelier partagé"), by=administrator)
    assert SynonymRule.objects.filter(rule="fablab, atelier partagé").exists()
    waiting = IndexOutbox.objects.get(doc_type=indexing.SYNONYMS)
    assert waiting.attempts == 1 and "Connection refused" in waiting.last_error

    with use_backend(settings, elasticsearch_config()) as backend:
        backend.add_bulk(DOCUMENTS)
        backend.refresh()
        assert indexing.drain(retry_now=True) == {"done": 1, "failed": 0, "remaining": 0}
        assert found(backend, "fablab") == ["1"]
        # The defaults the migration kept still apply beside it.
        assert found(backend, "ordures") == ["2"]
