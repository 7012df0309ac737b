"""What every search backend promises, run against each one available (database always, Elasticsearch
under ./run test): French matching, ranking, highlighting, facets, permissions, deletion, paging,
suggestions, similar documents, rebuilds, and queries that cannot break it."""

import datetime

import pytest

from portal.members.indexing import MEMBERS
from search.documents import PUBLIC, SearchDocument
from workgroups.indexing import workgroup_grant

AXIS_FOOD = "1. Alimentation durable"
AXIS_WASTE = "2. Économie circulaire"


def doc(doc_id, title, *, body="", summary="", type="best_practice", visibility=(PUBLIC,), **fields):
    fields.setdefault("created", datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC))
    # The facets the apps register (workgroups: axis; members: organisation_kind, zone).
    facets = {name: fields.pop(name) for name in ("axis", "organisation_kind", "zone") if name in fields}
    return SearchDocument(
        type=type,
        id=doc_id,
        title=title,
        summary=summary,
        body=body,
        url=f"/{type}/{doc_id}/",
        visibility=list(visibility),
        facets=facets,
        **fields,
    )


def index(backend, *documents):
    backend.add_bulk(documents)
    backend.refresh()


def found(backend, query, grants=(PUBLIC,), **kwargs) -> list[str]:
    return [hit.id for hit in backend.search(query, grants=list(grants), **kwargs).hits]


# --- French analysis ----------------------------------------------------------------------------


def test_dechets_finds_dechet_and_Dechet_whatever_the_accents_case_and_plural(any_backend):
    index(
        any_backend,
        doc(1, "Collecte des dechet de chantier"),
        doc(2, "Le Déchet organique, une ressource"),
        doc(3, "Atelier vélo", body="Nous réparons au lieu de jeter : moins de DÉCHETS."),
        doc(4, "Covoiturage entre entreprises"),
    )

    assert sorted(found(any_backend, "déchets")) == ["1", "2", "3"]
    assert sorted(found(any_backend, "DECHET")) == ["1", "2", "3"]


def test_an_elided_article_does_not_hide_the_word(any_backend):
    index(any_backend, doc(1, "L'économie circulaire sur la zone"), doc(2, "Restauration collective"))

    assert found(any_backend, "économie") == ["1"]
    assert found(any_backend, "l'economie") == ["1"]


def test_every_word_typed_must_match(any_backend):
    index(any_backend, doc(1, "Compostage collectif"), doc(2, "Compostage en entreprise", body="cantine"))

    assert found(any_backend, "compostage cantine") == ["2"]


def test_a_title_match_ranks_above_a_body_match(any_backend):
    index(
        any_backend,
        doc(1, "Mutualiser les achats", body="Un groupement d'achat pour le papier et le compost."),
        doc(2, "Compost partagé entre voisins", body="Un bac pour toute la zone."),
    )

    assert found(any_backend, "compost") == ["2", "1"]


# --- Highlighting -------------------------------------------------------------------------------


def test_the_snippet_marks_the_matched_words_and_escapes_everything_else(any_backend):
    index(
        any_backend,
        doc(
            1,
            "Tri des déchets <b>verts</b>",
            body="Avant : <script>alert('x')</script> & beaucoup de déchets verts partaient en décharge.",
        ),
    )

    hit = any_backend.search("déchets", grants=[PUBLIC]).hits[0]

    assert "<mark>déchets</mark>" in hit.snippet
    # Escaped (or, on PostgreSQL, whose headline parser drops tag-like text, left out): never markup.
    assert "<script>" not in hit.snippet and "&amp; beaucoup" in hit.snippet
    assert "<mark>déchets</mark>" in hit.title_html and "<b>" not in hit.title_html
    assert hit.title == "Tri des déchets <b>verts</b>"


# --- Facets and filters -------------------------------------------------------------------------


@pytest.fixture
def catalogue(any_backend):
    index(
        any_backend,
        doc(1, "Jardin partagé", axis=AXIS_FOOD, organisation_kind="sse", tags=["jardin", "alimentation"], year=2023),
        doc(2, "Jardin et compost", axis=AXIS_WASTE, organisation_kind="classic_firm", tags=["compost"], year=2024),
        doc(3, "Jardin d'entreprise", axis=AXIS_FOOD, organisation_kind="sse", tags=["jardin"], year=2024),
        doc(
            4,
            "Jardin: compte rendu de la réunion",
            type="message",
            axis=AXIS_FOOD,
            year=2024,
            visibility=[workgroup_grant(7)],
        ),
        doc(5, "Covoiturage", axis=AXIS_WASTE, organisation_kind="sse", tags=["mobilité"], year=2024),
    )
    return any_backend


def test_facets_count_the_matching_documents_by_field(catalogue):
    results = catalogue.search("jardin", grants=[PUBLIC, workgroup_grant(7)])

    assert results.total == 4
    assert results.facets["type"] == [("best_practice", 3), ("message", 1)]
    assert results.facets["axis"] == [(AXIS_FOOD, 3), (AXIS_WASTE, 1)]
    assert results.facets["organisation_kind"] == [("sse", 2), ("classic_firm", 1)]
    assert results.facets["tags"] == [("jardin", 2), ("alimentation", 1), ("compost", 1)]
    assert results.facets["year"] == [("2024", 3), ("2023", 1)]
    assert results.facets["zone"] == []


def test_a_filter_narrows_the_hits_and_the_other_facets_but_keeps_its_own_alternatives(catalogue):
    results = catalogue.search("jardin", grants=[PUBLIC, workgroup_grant(7)], filters={"type": "message"})

    assert [hit.id for hit in results.hits] == ["4"]
    assert results.total == 1
    # The type facet still offers the other type, to switch to it.
    assert results.facets["type"] == [("best_practice", 3), ("message", 1)]
    assert results.facets["axis"] == [(AXIS_FOOD, 1)]


def test_filters_combine(catalogue):
    results = catalogue.search("jardin", grants=[PUBLIC], filters={"axis": AXIS_FOOD, "year": "2024"})

    assert [hit.id for hit in results.hits] == ["3"]
    assert results.facets["year"] == [("2023", 1), ("2024", 1)]


def test_a_tag_filter_keeps_the_documents_with_that_tag(catalogue):
    assert sorted(found(catalogue, "jardin", filters={"tags": "jardin"})) == ["1", "3"]


def test_an_unknown_filter_is_refused_rather_than_ignored(catalogue):
    with pytest.raises(ValueError, match="Unknown search filter"):
        catalogue.search("jardin", grants=[PUBLIC], filters={"visibility": "members"})


# --- Permissions --------------------------------------------------------------------------------


@pytest.fixture
def restricted(any_backend):
    index(
        any_backend,
        doc(1, "Recyclage du carton, guide public", tags=["carton"], axis=AXIS_WASTE),
        doc(2, "Recyclage du carton, tarifs négociés", tags=["tarifs"], axis=AXIS_FOOD, visibility=[MEMBERS]),
        doc(
            3,
            "Recyclage du carton : on relance le fournisseur",
            type="message",
            visibility=[workgroup_grant(12)],
            tags=["secret"],
            year=2025,
        ),
    )
    return any_backend


def test_a_visitor_never_sees_members_only_documents_nor_their_facet_counts(restricted):
    results = restricted.search("carton", grants=[PUBLIC])

    assert [hit.id for hit in results.hits] == ["1"]
    assert results.total == 1
    assert results.facets["type"] == [("best_practice", 1)]
    assert results.facets["tags"] == [("carton", 1)]
    assert results.facets["axis"] == [(AXIS_WASTE, 1)]
    assert results.facets["year"] == []


def test_a_member_sees_members_only_documents_but_not_other_workgroups_messages(restricted):
    results = restricted.search("carton", grants=[PUBLIC, MEMBERS, workgroup_grant(3)])

    assert sorted(hit.id for hit in results.hits) == ["1", "2"]
    assert ("message", 1) not in results.facets["type"]
    assert "secret" not in dict(results.facets["tags"])


def test_a_workgroup_member_finds_the_workgroup_messages(restricted):
    assert sorted(found(restricted, "carton", grants=[PUBLIC, MEMBERS, workgroup_grant(12)])) == ["1", "2", "3"]


def test_suggestions_respect_the_grants(restricted):
    visitor = [s.title for s in restricted.autocomplete("recyc", grants=[PUBLIC])]
    member = [s.id for s in restricted.autocomplete("recyc", grants=[PUBLIC, MEMBERS, workgroup_grant(12)])]

    assert visitor == ["Recyclage du carton, guide public"]
    assert sorted(member) == ["1", "2", "3"]


def test_similar_documents_respect_the_grants(restricted):
    visitor = restricted.more_like_this("best_practice", "1", grants=[PUBLIC])
    member = restricted.more_like_this("best_practice", "1", grants=[PUBLIC, MEMBERS, workgroup_grant(12)])

    assert visitor == []
    assert sorted(s.id for s in member) == ["2", "3"]
    # A document the searcher may not see lends nothing, not even its words.
    assert restricted.more_like_this("message", "3", grants=[PUBLIC, MEMBERS]) == []


def test_no_grant_finds_nothing(restricted):
    assert restricted.search("carton", grants=[]).total == 0


# --- Changes ------------------------------------------------------------------------------------


def test_a_deleted_document_is_no_longer_found(any_backend):
    index(any_backend, doc(1, "Mutualisation des bennes"), doc(2, "Bennes partagées"))

    any_backend.delete("best_practice", "1")
    any_backend.delete("best_practice", "404")  # not there: no error
    any_backend.refresh()

    assert found(any_backend, "bennes") == ["2"]
    assert any_backend.autocomplete("mutua", grants=[PUBLIC]) == []


def test_adding_a_document_again_replaces_it(any_backend):
    index(any_backend, doc(1, "Navette inter-entreprises", tags=["mobilité"]))
    index(any_backend, doc(1, "Navette électrique", tags=["énergie"], visibility=[MEMBERS]))

    assert found(any_backend, "navette") == []
    results = any_backend.search("navette", grants=[PUBLIC, MEMBERS])
    assert [hit.title for hit in results.hits] == ["Navette électrique"]
    assert results.facets["tags"] == [("énergie", 1)]
    assert any_backend.count() == 1


def test_results_come_page_by_page(any_backend):
    index(
        any_backend,
        *(
            doc(n, f"Atelier réemploi n°{n}", created=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
            for n in range(1, 26)
        ),
    )

    first = any_backend.search("réemploi", grants=[PUBLIC], page=1, page_size=10)
    last = any_backend.search("réemploi", grants=[PUBLIC], page=3, page_size=10)

    assert first.total == last.total == 25
    assert len(first.hits) == 10 and len(last.hits) == 5
    assert first.num_pages == 3 and first.has_next and not last.has_next
    assert not {hit.id for hit in first.hits} & {hit.id for hit in last.hits}


# --- Suggestions and similar documents ----------------------------------------------------------


def test_suggestions_complete_the_words_being_typed(any_backend):
    index(
        any_backend,
        doc(1, "Compostage collectif en pied d'immeuble"),
        doc(2, "L'Économie de fonctionnalité"),
        doc(3, "Covoiturage"),
    )

    assert [s.title for s in any_backend.autocomplete("compo", grants=[PUBLIC])] == [
        "Compostage collectif en pied d'immeuble"
    ]
    assert [s.id for s in any_backend.autocomplete("econo", grants=[PUBLIC])] == ["2"]
    assert [s.id for s in any_backend.autocomplete("compostage coll", grants=[PUBLIC])] == ["1"]
    assert [s.url for s in any_backend.autocomplete("covoit", grants=[PUBLIC])] == ["/best_practice/3/"]


def test_suggestions_are_one_per_title_of_a_type_with_the_count_behind_it_grouped_by_type(any_backend):
    index(
        any_backend,
        *(doc(n, "Chutes de bois massif", type="resource_sheet") for n in (1, 2, 3, 4)),
        doc(5, "Chutes de bois massif", type="best_practice"),
        doc(6, "Chutes de carton", type="resource_sheet"),
        doc(7, "Chutes de bois réemployées en mobilier", type="best_practice"),
        doc(8, "Chutes de bois massif", type="resource_sheet", visibility=("members",)),
    )

    suggestions = any_backend.autocomplete("chutes de b", grants=[PUBLIC])

    assert sorted((s.type, s.title, s.count) for s in suggestions) == [
        ("best_practice", "Chutes de bois massif", 1),
        ("best_practice", "Chutes de bois réemployées en mobilier", 1),
        ("resource_sheet", "Chutes de bois massif", 4),
    ]
    types = [s.type for s in suggestions]
    assert types in (sorted(types), sorted(types, reverse=True)), "each type's suggestions together"
    sheet = next(s for s in suggestions if s.type == "resource_sheet")
    assert sheet.id in {"1", "2", "3", "4"} and sheet.url == f"/resource_sheet/{sheet.id}/"
    assert [s.count for s in any_backend.autocomplete("chutes de carton", grants=[PUBLIC])] == [1]


def test_similar_documents_share_words_with_the_given_one(any_backend):
    index(
        any_backend,
        doc(1, "Compostage des biodéchets de la cantine", body="Compost, biodéchets, cantine, restauration."),
        doc(2, "Biodéchets de restauration collective", body="Un composteur pour les biodéchets de la cantine."),
        doc(3, "Covoiturage", body="Des trajets partagés entre salariés."),
    )

    assert [s.id for s in any_backend.more_like_this("best_practice", "1", grants=[PUBLIC])] == ["2"]


# --- Rebuild ------------------------------------------------------------------------------------


def test_a_rebuild_replaces_the_whole_index(any_backend):
    index(any_backend, doc(1, "Ancienne fiche sur le vrac"), doc(2, "Fiche vrac à garder"))

    result = any_backend.rebuild(iter([[doc(2, "Fiche vrac à garder")], [doc(3, "Nouvelle fiche vrac")]]))
    any_backend.refresh()

    assert result["count"] == 2
    assert sorted(found(any_backend, "vrac")) == ["2", "3"]
    assert any_backend.count() == 2


# --- Queries that must not break anything -------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        '"déchets verts',
        "title:(déchets AND verts",
        "déchets~2 AND NOT",
        '+-&&||!(){}[]^"~*?:\\/',
        "*",
        "déchet* OR vert*",
        "-déchets",
        "le la les de",
        "x" * 1000,
    ],
)
def test_odd_queries_give_results_or_nothing_but_never_an_error(any_backend, query):
    index(any_backend, doc(1, "Tri des déchets verts"))

    results = any_backend.search(query, grants=[PUBLIC])

    assert results.total == len(results.hits)


def test_an_unmatched_quote_still_finds_the_words(any_backend):
    index(any_backend, doc(1, "Tri des déchets verts"), doc(2, "Espaces verts"))

    assert found(any_backend, '"déchets verts') == ["1"]
