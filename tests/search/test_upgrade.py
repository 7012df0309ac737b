"""Upgrading a deployed portal to the apps' facets keeps the search answering the same.

Database backend: migration search 0003 copies the old axis, kind of organisation and zone columns into
facet rows and the shown axis and organisation into the subtitle, so searches and filters work right
after `migrate`, before any rebuild. Elasticsearch: an index made with the old mapping is found out
by the first drain, which rebuilds it before sending anything.
"""

import os

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from search import indexing
from search.documents import PUBLIC
from search.models import IndexOutbox, SearchEntry
from tests.factories import MembershipFactory, OrganisationFactory, ZoneFactory
from tests.search.support import DATABASE, elasticsearch_config, use_backend

BEFORE, AFTER = [("search", "0002_french_text_search")], [("search", "0003_facets_in_rows")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest_migration():
    """The tests after this one (in this process) find every table of search/ again."""
    yield
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes("search"))


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_entries_facets_and_what_results_show(settings, back_to_the_latest_migration):
    old = migrate(BEFORE)
    Entry, Grant = old.get_model("search", "SearchEntry"), old.get_model("search", "SearchEntryGrant")
    practice = Entry.objects.create(
        doc_type="best_practice",
        object_id="1",
        title="Compost partagé",
        url="/bonnes-pratiques/1/",
        axis="2. Économie circulaire",
        organisation="Recyclerie du Val",
        organisation_kind="sse",
        zone="Les Tanneries",
        title_terms=" compost partage ",
    )
    directory = Entry.objects.create(
        doc_type="organisation",
        object_id="2",
        title="Recyclerie du Val",
        url="/annuaire/recyclerie/",
        organisation="Recyclerie du Val",
        organisation_kind="sse",
        title_terms=" recycler val ",
    )
    for entry in (practice, directory):
        Grant.objects.create(entry=entry, grant=PUBLIC)

    new = migrate(AFTER)
    Entry, Facet = new.get_model("search", "SearchEntry"), new.get_model("search", "SearchEntryFacet")
    facets = sorted(Facet.objects.values_list("entry__object_id", "field", "value"))
    assert facets == [
        ("1", "axis", "2. Économie circulaire"),
        ("1", "organisation_kind", "sse"),
        ("1", "zone", "Les Tanneries"),
        ("2", "organisation_kind", "sse"),
    ]
    # What the results page showed beside the type: the axis, and the organisation unless it is the title.
    assert dict(Entry.objects.values_list("object_id", "subtitle")) == {
        "1": "2. Économie circulaire · Recyclerie du Val",
        "2": "",
    }

    # The search answers with its facets and filters at once, without a rebuild.
    with use_backend(settings, DATABASE) as backend:
        if backend.postgres:  # the text vectors the old backend computed when it stored the entries
            backend._update_vectors(SearchEntry.objects.all())
        results = backend.search("compost", grants=[PUBLIC], filters={"zone": "Les Tanneries"})
        assert [(hit.id, hit.subtitle) for hit in results.hits] == [("1", "2. Économie circulaire · Recyclerie du Val")]
        assert results.facets["axis"] == [("2. Économie circulaire", 1)]
        assert backend.search("recyclerie", grants=[PUBLIC]).facets["organisation_kind"] == [("sse", 1)]

    # And back, for a downgrade.
    old = migrate(BEFORE)
    Entry = old.get_model("search", "SearchEntry")
    assert Entry.objects.get(object_id="1").zone == "Les Tanneries"
    migrate(AFTER)


@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="needs the Elasticsearch of ./run test")
def test_an_index_with_the_old_mapping_is_rebuilt_by_the_next_drain(db, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        zone = ZoneFactory(name="Les Tanneries")
        listed = OrganisationFactory(name="Scop Les Menuisiers", description="Menuiserie.", zone=zone)
        MembershipFactory(organisation=listed)
    IndexOutbox.objects.all().delete()

    with use_backend(settings, elasticsearch_config()) as backend:
        # What the previous portal made: domain columns at the top level, strict, no mapping version.
        old = f"{backend.index_prefix}-1"
        backend.client.indices.create(
            index=old,
            mappings={
                "dynamic": "strict",
                "properties": {
                    **{name: {"type": "keyword"} for name in ("type", "object_id", "axis", "zone", "visibility")},
                    "title": {"type": "text"},
                    "url": {"type": "keyword", "index": False},
                },
            },
            aliases={backend.alias: {}},
        )
        backend.client.index(
            index=old,
            id="organisation:0",
            document={"type": "organisation", "object_id": "0", "title": "Old", "url": "/", "visibility": [PUBLIC]},
            refresh=True,
        )
        assert backend.index_outdated()

        indexing.schedule_reindex("organisation", listed.pk)
        report = indexing.drain()

        assert report == {"done": 1, "failed": 0, "remaining": 0}
        assert not backend.index_outdated()
        assert old not in backend.versioned_indices()
        backend.refresh()
        results = backend.search("menuiserie", grants=[PUBLIC], filters={"zone": "Les Tanneries"})
        assert [hit.title for hit in results.hits] == ["Scop Les Menuisiers"]
        assert results.facets["organisation_kind"] == [(listed.sector, 1)]
