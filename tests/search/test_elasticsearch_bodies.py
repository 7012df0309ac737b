"""The Elasticsearch index definition and query bodies, checked as data (no server needed), and the
analysis checked on a real index when one runs."""

import os

import pytest

from portal.members.indexing import MEMBERS
from search.backends.elasticsearch import ElasticsearchBackend
from search.documents import PUBLIC
from tests.search.support import elasticsearch_config, use_backend
from workgroups.indexing import workgroup_grant

GRANTS = [PUBLIC, MEMBERS, workgroup_grant(4)]


@pytest.fixture
def backend():
    # The client connects lazily: building bodies needs no server.
    return ElasticsearchBackend({"URL": "http://127.0.0.1:9", "INDEX_PREFIX": "ptce-bodies"})


def walk(node, path=()):
    """Every (path, key, value) of a nested body."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for position, value in enumerate(node):
            yield from walk(value, (*path, position))


def all_bodies(backend):
    yield "search", backend.search_body("déchets", grants=GRANTS)
    yield (
        "search with filters",
        backend.search_body(
            '"déchets verts" -plastique', grants=GRANTS, filters={"type": "message", "axis": "1. Axe", "year": "2024"}
        ),
    )
    yield "search with Lucene syntax", backend.search_body("title:(a AND b", grants=GRANTS, page=3)
    yield "autocomplete", backend.autocomplete_body("déch", grants=GRANTS)
    yield "more like this", backend.more_like_this_body("best_practice", "3", grants=GRANTS)
    yield "visibility check", backend.visible_document_body("best_practice", "3", grants=GRANTS)


def test_the_french_analyser_elides_lowercases_removes_stop_words_folds_and_stems(backend):
    analysis = backend.index_body()["settings"]["analysis"]
    french = analysis["analyzer"]["ptce_french"]
    filters = {name: analysis["filter"][name] for name in french["filter"] if name in analysis["filter"]}

    assert french["tokenizer"] == "standard"
    assert [filters.get(name, {}).get("type", name) for name in french["filter"]] == [
        "elision",
        "lowercase",
        "stop",
        "asciifolding",
        "stop",
        "stemmer",
    ]
    # The search analyser is the same with the French synonyms last (search time only).
    search = analysis["analyzer"]["ptce_french_search"]
    assert search["filter"] == [*french["filter"], "ptce_french_synonyms"]
    assert search["char_filter"] == french["char_filter"] == ["ptce_word_apostrophe"]
    assert analysis["filter"]["ptce_french_synonyms"]["type"] == "synonym_graph"
    assert analysis["filter"]["ptce_folded_stop"]["stopwords"] == ["a"]
    elision = filters["ptce_french_elision"]
    assert elision["articles_case"] is True and {"l", "d", "qu", "j", "jusqu"} <= set(elision["articles"])
    assert filters["ptce_french_stop"]["stopwords"] == "_french_"
    assert filters["ptce_french_stemmer"]["language"] == "light_french"


def test_text_fields_use_the_french_analyser_and_titles_have_an_autocomplete_subfield(backend):
    body = backend.index_body()
    properties = body["mappings"]["properties"]

    assert body["mappings"]["dynamic"] == "strict"
    for field in ("title", "summary", "body", "tags"):
        assert properties[field]["analyzer"] == "ptce_french", field
        assert properties[field]["search_analyzer"] == "ptce_french_search", field
        copied = properties[field]["copy_to"]
        assert "all_text" in copied, field
        # "Did you mean…" looks in the words as written of the title, summary and tags, not the body.
        assert ("spelling" in copied) == (field != "body"), field
    assert properties["spelling"]["analyzer"] == "ptce_spelling"
    # The snippets' fields keep their offsets: the highlighter reads them instead of analysing again.
    assert properties["summary"]["index_options"] == properties["body"]["index_options"] == "offsets"
    autocomplete = properties["title"]["fields"]["autocomplete"]
    assert autocomplete["analyzer"] == "ptce_autocomplete"
    assert autocomplete["search_analyzer"] == "ptce_autocomplete_search"
    ngram = body["settings"]["analysis"]["filter"]["ptce_autocomplete_ngram"]
    assert ngram["type"] == "edge_ngram" and ngram["min_gram"] == 1
    for field in ("type", "visibility"):
        assert properties[field]["type"] == "keyword", field
    # The apps' facets: keywords under `facets`, whatever their names (search/ names none).
    assert properties["facets"] == {"type": "object", "dynamic": True}
    assert body["mappings"]["dynamic_templates"] == [
        {"facets": {"path_match": "facets.*", "mapping": {"type": "keyword", "ignore_above": 200}}}
    ]
    assert properties["tags"]["fields"]["raw"]["type"] == "keyword"
    assert properties["year"]["type"] == "integer"


def test_every_query_body_filters_on_the_grants_inside_its_bool_query(backend):
    for name, body in all_bodies(backend):
        filters = body["query"]["bool"]["filter"]
        assert {"terms": {"visibility": GRANTS}} in filters, name


def test_no_query_body_uses_query_string_and_user_text_goes_through_simple_query_string(backend):
    for name, body in all_bodies(backend):
        keys = {key for _path, key, _value in walk(body)}
        assert "query_string" not in keys, name
    must = backend.search_body("title:(a AND b", grants=GRANTS)["query"]["bool"]["must"]
    assert must[0]["simple_query_string"]["query"] == "title:(a AND b"
    assert must[0]["simple_query_string"]["fields"] == ["title^3", "summary^2", "tags^2", "body"]
    assert must[0]["simple_query_string"]["default_operator"] == "and"


def test_facets_are_terms_aggregations_computed_on_the_permission_filtered_query(backend):
    body = backend.search_body("déchets", grants=GRANTS, filters={"type": "message"})

    assert set(body["aggs"]) == {"type", "axis", "organisation_kind", "tags", "zone", "year"}
    assert body["aggs"]["tags"]["aggs"]["values"]["terms"]["field"] == "tags.raw"
    assert body["aggs"]["axis"]["aggs"]["values"]["terms"]["field"] == "facets.axis"
    # Each facet honours the other facets' filters but not its own, the hits honour all of them; a
    # facet no other filter concerns counts the query's hits directly (no match_all pass).
    assert body["aggs"]["type"] == {"terms": {"field": "type", "size": 20}}
    assert body["aggs"]["axis"]["filter"] == {"bool": {"filter": [{"term": {"type": "message"}}]}}
    assert body["post_filter"] == {"bool": {"filter": [{"term": {"type": "message"}}]}}
    # Aggregations run on the query's hits, so the visibility filter of the query bounds their counts.
    assert "visibility" not in str(body["aggs"]) and "visibility" not in str(body["post_filter"])


def test_highlights_are_html_escaped_with_mark_elements(backend):
    highlight = backend.search_body("déchets", grants=GRANTS)["highlight"]

    assert highlight["encoder"] == "html"
    assert highlight["pre_tags"] == ["<mark>"] and highlight["post_tags"] == ["</mark>"]
    assert set(highlight["fields"]) == {"title", "summary", "body"}


def test_pages_are_asked_with_from_and_size(backend):
    body = backend.search_body("déchets", grants=GRANTS, page=3, page_size=20)

    assert (body["from"], body["size"], body["track_total_hits"]) == (40, 20, True)


@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="needs the Elasticsearch of ./run test")
def test_the_real_analyser_folds_and_stems_french_words(db, settings):
    from tests.search.support import elasticsearch_config

    with use_backend(settings, elasticsearch_config()) as real:
        index = real._write_indices()[0]

        def tokens(text):
            response = real.client.indices.analyze(index=index, analyzer="ptce_french", text=text)
            return [token["token"] for token in response["tokens"]]

        assert tokens("Déchets") == tokens("déchet") == tokens("DECHET") == ["dechet"]
        assert tokens("l'Économie et les déchets") == tokens("economie") + tokens("dechets")


@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="needs the Elasticsearch of ./run test")
def test_a_rebuild_keeps_searches_answering_and_loses_no_update_made_meanwhile(db, settings):
    from search.documents import SearchDocument
    from tests.search.support import elasticsearch_config

    def doc(doc_id, title):
        return SearchDocument(type="best_practice", id=doc_id, title=title, url=f"/{doc_id}/", visibility=[PUBLIC])

    def titles(backend):
        backend.refresh()
        return sorted(hit.title for hit in backend.search("vrac", grants=[PUBLIC]).hits)

    with use_backend(settings, elasticsearch_config()) as real:
        real.add(doc(1, "Épicerie vrac, ancienne version"))
        old_indices = set(real.versioned_indices())
        seen_during = []

        def batches():
            yield [doc(1, "Épicerie vrac, version reconstruite")]
            # Mid-rebuild: readers still get the old index, and an update drained now reaches both.
            seen_during.append(titles(real))
            real.add(doc(2, "Vrac au marché, ajouté pendant la reconstruction"))
            yield [doc(3, "Vrac en entreprise")]

        result = real.rebuild(batches())

        assert seen_during == [["Épicerie vrac, ancienne version"]]
        assert titles(real) == [
            "Vrac au marché, ajouté pendant la reconstruction",
            "Vrac en entreprise",
            "Épicerie vrac, version reconstruite",
        ]
        indices = real.versioned_indices()
        assert list(indices) == [result["index"]] and indices[result["index"]] == {real.alias}
        assert set(result["removed"]) == old_indices


def test_plain_words_get_the_tolerant_query_and_search_syntax_the_strict_one(backend):
    plain = backend.search_body("chutes de bois massif", grants=GRANTS)["query"]["bool"]
    relevance = plain["must"][0]["function_score"]
    tolerant = relevance["query"]["bool"]["must"][0]["match"]["all_text"]
    assert tolerant["fuzziness"] == "AUTO:5,8" and tolerant["prefix_length"] == 1
    assert tolerant["minimum_should_match"] == "2<-1 3<67%"
    assert {"terms": {"visibility": GRANTS}} in plain["filter"]
    # The types' weights come from the apps' registrations (best practices up, messages down).
    weights = {f["filter"]["term"]["type"]: f["weight"] for f in relevance["functions"]}
    assert weights["best_practice"] > 1 > weights["message"]

    for query in ('"chutes de bois"', "bois -carton", "bois | carton", "chut*"):
        body = backend.search_body(query, grants=GRANTS)
        assert body["query"]["bool"]["must"][0]["simple_query_string"]["default_operator"] == "and", query
        assert "rescore" not in body, query


def test_the_phrase_boost_rescores_the_best_hits_with_the_same_window_on_every_page(backend):
    first, sixth = (backend.search_body("chutes de bois", grants=GRANTS, page=page) for page in (1, 6))
    # Scored only on the first pass's best hits, not on every hit: the positions are read for those.
    assert "multi_match" not in str(first["query"])
    assert first["rescore"] == sixth["rescore"] and first["rescore"]["window_size"] == 100
    rescore = first["rescore"]["query"]["rescore_query"]["function_score"]
    phrase = rescore["query"]["multi_match"]
    assert (phrase["type"], phrase["fields"], phrase["slop"]) == ("phrase", ["title^3", "summary"], 2)
    # The types' weights multiply the phrase boost as they multiply the rest of the score.
    assert rescore["functions"] == first["query"]["bool"]["must"][0]["function_score"]["functions"]


@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="needs Elasticsearch")
def test_synonyms_typos_and_long_questions_find_the_document(settings):
    from search.documents import SearchDocument

    with use_backend(settings, elasticsearch_config()) as es:
        es.add_bulk(
            [
                SearchDocument(type="resource_sheet", id="1", title="Chariot élévateur disponible le samedi", url="/1/",
                               visibility=[PUBLIC]),
                SearchDocument(type="resource_sheet", id="2", title="Collecte des déchets dangereux", url="/2/",
                               visibility=[PUBLIC]),
                SearchDocument(type="organisation", id="3", title="Association Repair'Café Arvière", url="/3/",
                               visibility=[PUBLIC]),
                SearchDocument(type="organisation", id="4", title="BioSenseurs SAS", url="/4/", visibility=[PUBLIC]),
            ]
        )  # fmt: skip
        es.refresh()

        def first(query):
            hits = es.search(query, grants=[PUBLIC]).hits
            return hits[0].id if hits else None

        assert first("fenwick") == "1"  # a synonym
        assert first("ordures") == "2"  # a synonym, plural
        assert first("bioseneurs") == "4"  # a typo in a long word
        assert first("repair cafe") == "3"  # an apostrophe between two words
        assert first("je cherche un chariot élévateur pour samedi matin") == "1"  # not every word needed
        assert first("bio") is None  # short words are not fuzzed: no flood
