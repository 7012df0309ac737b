"""The production backend on an Elasticsearch 8 cluster, described with elasticsearch.dsl.

Readers query the alias `<prefix>`; behind it sits one versioned index `<prefix>-<timestamp>`.
`rebuild` fills a new versioned index (reachable meanwhile as `<prefix>-rebuilding`, so that
updates drained during the rebuild reach it too), then moves the alias in one atomic request and
deletes the old indices: searches never see a missing or half-filled index.

Every query body has the searcher's grants as a `terms` filter on `visibility` in its bool filter
(search, facets, autocomplete, more-like-this), and user text only ever goes through
`simple_query_string`, whose syntax cannot fail: Lucene syntax, unmatched quotes or lone operators
are searched as well as they can be, never rejected with an error.
"""

import concurrent.futures
import contextlib
import datetime
import html
import json
import logging
import re
from collections.abc import Iterable

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError
from elasticsearch.dsl import (
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    MetaField,
    Object,
    Search,
    Text,
    analyzer,
    token_filter,
)
from elasticsearch.dsl import char_filter as analysis_char_filter
from elasticsearch.dsl.query import (
    Bool,
    FunctionScore,
    Ids,
    Match,
    MoreLikeThis,
    MultiMatch,
    Query,
    SimpleQueryString,
    Term,
    Terms,
)
from elasticsearch.helpers import BulkIndexError, bulk

from .. import registry
from ..documents import TAGS, TYPE, YEAR, SearchDocument, SearchHit, SearchResults, Suggestion, grouped_by_type
from ..synonyms import FRENCH_SYNONYMS
from .base import SearchBackend, SearchUnavailable

logger = logging.getLogger(__name__)

FACET_SIZE = 20
SNIPPET_SIZE = 220
BULK_CHUNK = 500

# --- Analysis -----------------------------------------------------------------------------------

french_elision = token_filter(
    "ptce_french_elision",
    type="elision",
    articles_case=True,
    articles=["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
)
french_stop = token_filter("ptce_french_stop", type="stop", stopwords="_french_")
french_stemmer = token_filter("ptce_french_stemmer", type="stemmer", language="light_french")
autocomplete_ngram = token_filter("ptce_autocomplete_ngram", type="edge_ngram", min_gram=1, max_gram=20)

# An apostrophe that is not an elided article separates two words ("Repair'Café", "Mobil'Emploi"):
# made a space, so that "repair cafe" finds them; "l'énergie" keeps its apostrophe for the elision.
word_apostrophe = analysis_char_filter(
    "ptce_word_apostrophe",
    type="pattern_replace",
    pattern="(?i)(?<!\\b(?:[lmtnsjdc]|qu|jusqu|quoiqu|lorsqu|puisqu))['\u2019](?=\\w)",
    replacement=" ",
)
# "a" without its accent ("aide a domicile"): the _french_ list only has "à".
folded_stop = token_filter("ptce_folded_stop", type="stop", stopwords=["a"])
# Search-time only (see search/synonyms.py): documents are indexed without them. The indices are
# created with this filter reading the backend's synonyms set instead (ElasticsearchBackend.
# index_body), which the administrators' changes update without a rebuild.
SYNONYMS_FILTER = "ptce_french_synonyms"
french_synonyms = token_filter(
    SYNONYMS_FILTER, type="synonym_graph", synonyms=FRENCH_SYNONYMS, lenient=True, expand=True
)

# Stop words are removed before accents are folded: the _french_ list is written with accents.
french = analyzer(
    "ptce_french",
    tokenizer="standard",
    char_filter=[word_apostrophe],
    filter=[french_elision, "lowercase", french_stop, "asciifolding", folded_stop, french_stemmer],
)
french_search = analyzer(
    "ptce_french_search",
    tokenizer="standard",
    char_filter=[word_apostrophe],
    filter=[french_elision, "lowercase", french_stop, "asciifolding", folded_stop, french_stemmer, french_synonyms],
)
autocomplete_index = analyzer(
    "ptce_autocomplete", tokenizer="standard", filter=[french_elision, "lowercase", "asciifolding", autocomplete_ngram]
)
autocomplete_search = analyzer(
    "ptce_autocomplete_search", tokenizer="standard", filter=[french_elision, "lowercase", "asciifolding"]
)
# The words as written (lower case, accents kept, not stemmed): what "Did you mean…" proposes must
# read as a word ("déchets", not the stem "dechet").
spelling_analyzer = analyzer(
    "ptce_spelling", tokenizer="standard", char_filter=[word_apostrophe], filter=[french_elision, "lowercase"]
)


# Raised whenever the mapping changes: an index whose _meta says otherwise is rebuilt (see
# ElasticsearchBackend.ensure_current_mapping). 2: the apps' facets under `facets`, `subtitle`.
# 3: the search analyser with synonyms, apostrophes between words, `all_text` for the tolerant query.
# 4: `spelling`, the words as written, for "Did you mean…".
# 5: the synonyms read from a synonyms set the administrators edit.
# 6: offsets in the summary's and body's postings, for highlighting.
MAPPING_VERSION = 6
MAPPING_VERSION_KEY = "ptce_mapping_version"


class PortalDocument(Document):
    """The mapping of search.documents.SearchDocument.

    The apps' facets (search.registry.register_facet) are keyword fields under `facets`, mapped by a
    dynamic template as they first appear: search/ names none of them, and a facet an app adds later
    needs no new mapping.
    """

    type = Keyword()
    object_id = Keyword()
    title = Text(
        analyzer=french,
        search_analyzer=french_search,
        copy_to=["all_text", "spelling"],
        fields={
            "autocomplete": Text(analyzer=autocomplete_index, search_analyzer=autocomplete_search),
            "raw": Keyword(ignore_above=256),
        },
    )
    # The summary and body keep their words' offsets: the highlighter reads the snippets' positions from
    # the index instead of analysing each hit's text again (the costliest part of a search before).
    summary = Text(
        analyzer=french, search_analyzer=french_search, copy_to=["all_text", "spelling"], index_options="offsets"
    )
    body = Text(analyzer=french, search_analyzer=french_search, copy_to="all_text", index_options="offsets")
    # Title, summary, tags and body in one field: the tolerant query counts matched words across them.
    all_text = Text(analyzer=french, search_analyzer=french_search)
    # Title, summary and tags as written, where "Did you mean…" looks for close spellings (never
    # returned). Not the body: the messages' bodies are most of the text, and analysing them twice
    # slows every rebuild.
    spelling = Text(analyzer=spelling_analyzer)
    url = Keyword(index=False)
    subtitle = Keyword(index=False)
    tags = Text(
        analyzer=french,
        search_analyzer=french_search,
        copy_to=["all_text", "spelling"],
        fields={"raw": Keyword(ignore_above=100)},
    )
    year = Integer()
    created = Date()
    visibility = Keyword()
    facets = Object(dynamic=True)

    class Meta:
        dynamic = MetaField("strict")
        dynamic_templates = MetaField(
            [{"facets": {"path_match": "facets.*", "mapping": {"type": "keyword", "ignore_above": 200}}}]
        )
        meta = MetaField({MAPPING_VERSION_KEY: MAPPING_VERSION})


# Where the generic facets' values are counted; the apps' facets are under facets.<name>.
GENERIC_FACET_COLUMNS = {TYPE: "type", TAGS: "tags.raw", YEAR: "year"}


def facet_column(field: str) -> str:
    return GENERIC_FACET_COLUMNS.get(field) or f"facets.{field}"


SEARCH_FIELDS = ["title^3", "summary^2", "tags^2", "body"]
SIMPLE_QUERY_FLAGS = "AND|OR|NOT|PHRASE|PREFIX|PRECEDENCE|WHITESPACE|ESCAPE"
# Characters that make a query use the search syntax ("a phrase", -excluded, a|b, prefix*, (groups)):
# then every word is required as typed, as before; plain words get the tolerant query below.
SEARCH_SYNTAX = re.compile(r"[\"|+*()~]|(?:^|\s)-\S")
# The tolerant query, on all_text: words of 5 letters and more may have one typo, of 8 and more two,
# never in the first letter (short words and first letters are rarely mistyped; fuzzing them floods).
FUZZINESS, FUZZY_PREFIX_LENGTH, FUZZY_MAX_EXPANSIONS = "AUTO:5,8", 1, 20
# How many of the words typed a document must match: every one of one or two words (the backends'
# contract), two of three, then two thirds (a long question's filler words need not all be there);
# those with all the words rank first.
MINIMUM_SHOULD_MATCH = "2<-1 3<67%"
# Ranking on top of the tolerant match: all the words (as typed, in any field), then the words side
# by side (phrase, a little slop) in the title and the summary.
ALL_WORDS_BOOST, PHRASE_BOOST, PHRASE_SLOP = 2.0, 2.0, 2
PHRASE_FIELDS = ["title^3", "summary"]
# The phrase boost reads positions, so it is scored only on the best RESCORE_WINDOW hits of the
# first pass (a rescore), not on every hit: the same score as when it was a clause of the query for
# the documents in the window (its type weight applied the same way); beyond the window (page 6 and
# after at 20 a page) the order is the first pass's. Constant, so that pages never reshuffle.
RESCORE_WINDOW = 100
HIGHLIGHT_FIELDS = ["title", "summary", "body"]
# How many of the words typed "Did you mean…" may change (a share of them below 1, a count from 1).
SPELLING_MAX_ERRORS = 2
SUGGESTION_FIELDS = ["type", "object_id", "title", "url"]
SOURCE_EXCLUDES = ["body", "summary", "visibility"]


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, config: dict):
        super().__init__(config)
        self.client = Elasticsearch(
            config["URL"], request_timeout=config.get("TIMEOUT", 10), max_retries=1, retry_on_timeout=False
        )
        self.index_prefix = config.get("INDEX_PREFIX", "ptce")
        self.replicas = int(config.get("REPLICAS", 0))
        self._mapping_current = False
        self._synonyms_ready = False

    @property
    def alias(self) -> str:
        return self.index_prefix

    @property
    def rebuilding_alias(self) -> str:
        return f"{self.index_prefix}-rebuilding"

    def server_info(self) -> dict:
        info = self.client.info()
        return {"engine": "elasticsearch", "version": info["version"]["number"], "cluster": info["cluster_name"]}

    # --- Index management ------------------------------------------------------------------------

    def index_definition(self, name: str) -> Index:
        index = Index(name, using=self.client)
        index.settings(number_of_shards=1, number_of_replicas=self.replicas)
        index.document(PortalDocument)
        return index

    def index_body(self, index: Index | None = None) -> dict:
        """The settings (with the analysis) and mappings every versioned index is created with.

        The synonyms filter reads the backend's synonyms set, updateable: a change of the set reloads
        the search analyser of every index using it, with no rebuild.
        """
        body = (index or self.index_definition(f"{self.index_prefix}-0")).to_dict()
        body["settings"]["analysis"]["filter"][SYNONYMS_FILTER] = {
            "type": "synonym_graph",
            "synonyms_set": self.synonyms_set,
            "updateable": True,
            "lenient": True,
        }
        return body

    def _create_index(self, index: Index) -> None:
        self._ensure_synonyms_set()
        self.client.indices.create(index=index._name, **self.index_body(index))

    # --- Synonyms --------------------------------------------------------------------------------

    @property
    def synonyms_set(self) -> str:
        return f"{self.index_prefix}-synonyms"

    def _ensure_synonyms_set(self) -> None:
        """An index can only be created once its synonyms set exists: a new server gets the defaults
        (search.synonyms), replaced by the rules kept in the database at the next push."""
        if self._synonyms_ready:
            return
        try:
            self.client.synonyms.get_synonym(id=self.synonyms_set, size=1)
        except NotFoundError:
            self._put_synonym_set(FRENCH_SYNONYMS)
        self._synonyms_ready = True

    def _put_synonym_set(self, rules: list[str]) -> None:
        self.client.synonyms.put_synonym(
            id=self.synonyms_set, synonyms_set=[{"id": f"rule-{n}", "synonyms": rule} for n, rule in enumerate(rules)]
        )

    def put_synonyms(self, rules: list[str]) -> None:
        try:
            self._put_synonym_set(rules)
        except (ApiError, TransportError) as error:
            raise SearchUnavailable(str(error)) from error
        self._synonyms_ready = True

    def new_index_name(self) -> str:
        return f"{self.index_prefix}-{datetime.datetime.now(datetime.UTC):%Y%m%d%H%M%S%f}"

    def versioned_indices(self) -> dict[str, set[str]]:
        """This prefix's versioned indices and their aliases (other prefixes' indices left out)."""
        pattern = re.compile(rf"^{re.escape(self.index_prefix)}-\d+$")
        found = self.client.indices.get_alias(index=f"{self.index_prefix}-*", expand_wildcards="open")
        return {name: set(data.get("aliases", {})) for name, data in found.items() if pattern.match(name)}

    def _write_indices(self) -> list[str]:
        """The indices writes go to: the live one, and the one being rebuilt if a rebuild runs.

        On an empty cluster, creates the first index behind the alias (under a fixed name, so two
        processes doing it at once create it once).
        """
        indices = self.versioned_indices()
        targets = [name for name, aliases in indices.items() if aliases & {self.alias, self.rebuilding_alias}]
        if targets:
            return sorted(targets)
        first = f"{self.index_prefix}-0"
        if first not in indices:
            try:
                self._create_index(self.index_definition(first))
            except ApiError as error:
                if error.meta.status != 400 or "resource_already_exists" not in str(error):
                    raise
        self.client.indices.put_alias(index=first, name=self.alias)
        return [first]

    def index_outdated(self) -> bool:
        """The live index's mapping version (its _meta) is not MAPPING_VERSION, and no rebuild runs.

        Once found current, not asked again by this process: only a newer portal changes the mapping.
        """
        if self._mapping_current:
            return False
        try:
            indices = self.versioned_indices()
            live = sorted(name for name, aliases in indices.items() if self.alias in aliases)
            if not live or any(self.rebuilding_alias in aliases for aliases in indices.values()):
                return False
            mappings = self.client.indices.get_mapping(index=live)
        except (ApiError, TransportError) as error:
            raise SearchUnavailable(str(error)) from error
        versions = {data["mappings"].get("_meta", {}).get(MAPPING_VERSION_KEY) for data in mappings.values()}
        if versions == {MAPPING_VERSION}:
            self._mapping_current = True
            return False
        return True

    def drop(self) -> None:
        """Deletes this prefix's indices and aliases (tests, and a full reset)."""
        for name in self.versioned_indices():
            self.client.indices.delete(index=name, ignore_unavailable=True)
        with contextlib.suppress(NotFoundError):
            self.client.synonyms.delete_synonym(id=self.synonyms_set)
        self._mapping_current = False
        self._synonyms_ready = False

    # --- Writing ---------------------------------------------------------------------------------

    @staticmethod
    def _source(document: SearchDocument) -> dict:
        return PortalDocument(
            type=document.type,
            object_id=document.id,
            title=document.title,
            summary=document.summary,
            body=document.body,
            url=document.url,
            subtitle=document.subtitle or None,
            tags=list(document.tags),
            year=document.year,
            created=document.created,
            visibility=list(document.visibility),
            facets={field: document.facet_values(field) for field in document.facets},
        ).to_dict()

    def _bulk(self, actions: list[dict], *, ignore_status=()) -> None:
        try:
            bulk(self.client, actions, chunk_size=BULK_CHUNK, ignore_status=ignore_status)
        except BulkIndexError as error:
            raise SearchUnavailable(f"{error} First: {error.errors[:1]}") from error
        except (ApiError, TransportError) as error:
            raise SearchUnavailable(str(error)) from error

    def add_bulk(self, documents: Iterable[SearchDocument]) -> int:
        documents = list({document.key: document for document in documents}.values())
        if not documents:
            return 0
        try:
            targets = self._write_indices()
        except (ApiError, TransportError) as error:
            raise SearchUnavailable(str(error)) from error
        actions = [
            {"_op_type": "index", "_index": index, "_id": document.key, "_source": self._source(document)}
            for index in targets
            for document in documents
        ]
        self._bulk(actions)
        return len(documents)

    def delete(self, doc_type: str, doc_id: str) -> None:
        try:
            targets = self._write_indices()
        except (ApiError, TransportError) as error:
            raise SearchUnavailable(str(error)) from error
        key = f"{doc_type}:{doc_id}"
        self._bulk([{"_op_type": "delete", "_index": index, "_id": key} for index in targets], ignore_status=(404,))

    def refresh(self) -> None:
        self.client.indices.refresh(index=self.alias, ignore_unavailable=True, allow_no_indices=True)

    def rebuild(self, batches: Iterable[list[SearchDocument]], *, progress=None) -> dict:
        """Fills a new index while the next batch is being read: one bulk request is in flight in a
        thread while the caller's generator reads the database, and the new index does not refresh
        until it is full (refresh_interval -1, then back to the default)."""
        name = self.new_index_name()
        index = self.index_definition(name)
        index.settings(refresh_interval="-1")
        index.aliases(**{self.rebuilding_alias: {}})
        self._create_index(index)
        count = 0
        try:
            with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-rebuild") as sender:
                in_flight = None
                for batch in batches:
                    # op_type "create": a document that an update drained meanwhile already wrote there
                    # is newer than the one read for the rebuild, so the conflict (409) keeps it.
                    actions = [
                        {"_op_type": "create", "_index": name, "_id": document.key, "_source": self._source(document)}
                        for document in batch
                    ]
                    if in_flight is not None:
                        count += in_flight.result()
                        if progress:
                            progress(count)
                    in_flight = sender.submit(self._bulk_count, actions)
                if in_flight is not None:
                    count += in_flight.result()
                    if progress:
                        progress(count)
            self.client.indices.put_settings(index=name, settings={"index": {"refresh_interval": None}})
            self.client.indices.refresh(index=name)
            previous = [old for old, aliases in self.versioned_indices().items() if old != name]
            live = [old for old, aliases in self.versioned_indices().items() if self.alias in aliases]
            self.client.indices.update_aliases(
                actions=[
                    *({"remove": {"index": old, "alias": self.alias}} for old in live),
                    {"add": {"index": name, "alias": self.alias}},
                    {"remove": {"index": name, "alias": self.rebuilding_alias}},
                ]
            )
        except BaseException:
            self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        for old in previous:
            self.client.indices.delete(index=old, ignore_unavailable=True)
        self._mapping_current = True
        return {"count": self.client.count(index=name)["count"], "index": name, "removed": previous}

    def _bulk_count(self, actions: list[dict]) -> int:
        self._bulk(actions, ignore_status=(409,))
        return len(actions)

    def count(self) -> int:
        try:
            return self.client.count(index=self.alias)["count"]
        except NotFoundError:
            return 0

    # --- Query bodies ----------------------------------------------------------------------------

    @staticmethod
    def visibility_filter(grants: list[str]) -> Query:
        return Terms(visibility=list(grants))

    @staticmethod
    def _filter_query(field: str, value: str) -> Query:
        return Term(**{facet_column(field): int(value) if field == YEAR else value})

    @classmethod
    def text_query(cls, query: str, grants) -> Query:
        """The relevance of a search: one bool query, the grants in its filter (one round trip).

        Plain words: documents matching enough of them in any field, typos of longer words forgiven
        (the `all_text` match), ranked up when they have all the words as typed (and, in the rescore
        of search_body, when the words stand together in the title or summary). Search syntax: every
        word required as typed. User
        text goes only to simple_query_string and match queries, which never reject what is typed.
        """
        strict = SimpleQueryString(
            query=query, fields=SEARCH_FIELDS, default_operator="and", flags=SIMPLE_QUERY_FLAGS, lenient=True
        )
        visible = [cls.visibility_filter(grants)]
        if SEARCH_SYNTAX.search(query):
            return Bool(must=[strict], filter=visible)
        strict.boost = ALL_WORDS_BOOST
        tolerant = Match(
            all_text={
                "query": query,
                "minimum_should_match": MINIMUM_SHOULD_MATCH,
                "fuzziness": FUZZINESS,
                "prefix_length": FUZZY_PREFIX_LENGTH,
                "max_expansions": FUZZY_MAX_EXPANSIONS,
            }
        )
        relevance = cls.type_weighted(Bool(must=[tolerant], should=[strict]))
        return Bool(must=[relevance], filter=visible)

    @staticmethod
    def type_weighted(query: Query) -> Query:
        """Each type's weight (search.registry.register(boost=…)) multiplies its documents' scores."""
        boosts = registry.type_boosts()
        if not boosts:
            return query
        return FunctionScore(
            query=query,
            functions=[{"filter": Term(type=name), "weight": weight} for name, weight in sorted(boosts.items())],
            score_mode="first",
            boost_mode="multiply",
        )

    @classmethod
    def phrase_rescore(cls, query: str) -> dict | None:
        """The phrase and proximity boost, added to the first pass's score of its best hits (see
        RESCORE_WINDOW); none for search syntax, whose words are all required as typed anyway."""
        if SEARCH_SYNTAX.search(query):
            return None
        phrase = MultiMatch(query=query, fields=PHRASE_FIELDS, type="phrase", slop=PHRASE_SLOP, boost=PHRASE_BOOST)
        return {
            "window_size": RESCORE_WINDOW,
            "query": {
                "rescore_query": cls.type_weighted(phrase).to_dict(),
                "query_weight": 1,
                "rescore_query_weight": 1,
            },
        }

    def search_body(self, query: str, *, grants, filters=None, page: int = 1, page_size: int = 20) -> dict:
        filters = self.clean_filters(filters)
        search = Search().query(self.text_query(query, grants))
        if filters:
            search = search.post_filter(Bool(filter=[self._filter_query(f, v) for f, v in filters.items()]))
        for field in registry.facet_names():
            # A facet's counts honour the other facets' filters, not its own. Without any, its terms are
            # counted on the query's hits directly: a match_all filter around them costs a pass of its own.
            others = [self._filter_query(f, v) for f, v in filters.items() if f != field]
            if others:
                search.aggs.bucket(field, "filter", filter=Bool(filter=others)).bucket(
                    "values", "terms", field=facet_column(field), size=FACET_SIZE
                )
            else:
                search.aggs.bucket(field, "terms", field=facet_column(field), size=FACET_SIZE)
        search = (
            search.highlight_options(
                pre_tags=["<mark>"],
                post_tags=["</mark>"],
                encoder="html",
                # The words and their synonyms, without the typo tolerance: highlighting the fuzzy
                # query costs more than the search itself.
                highlight_query=MultiMatch(query=query, fields=HIGHLIGHT_FIELDS).to_dict(),
            )
            .highlight("title", number_of_fragments=0)
            .highlight("summary", number_of_fragments=1, fragment_size=SNIPPET_SIZE, no_match_size=SNIPPET_SIZE)
            .highlight("body", number_of_fragments=2, fragment_size=SNIPPET_SIZE // 2)
            .source(excludes=SOURCE_EXCLUDES)
            # The total stays exact: the facets visit every hit anyway, so a capped count saves nothing
            # (measured: docs/PERFORMANCE.md), and the page says "N results" truthfully.
            .extra(from_=(page - 1) * page_size, size=page_size, track_total_hits=True)
        )
        body = search.to_dict()
        rescore = self.phrase_rescore(query)
        if rescore:
            body["rescore"] = rescore
        return body

    def autocomplete_body(self, prefix: str, *, grants, limit: int = 8) -> dict:
        """One suggestion per type and title: the matching documents grouped on both (multi_terms),
        the groups ranked by their best score, each with its best document and its count."""
        match = MultiMatch(query=prefix, fields=["title.autocomplete"], operator="and")
        search = Search().query(Bool(must=[match], filter=[self.visibility_filter(grants)])).extra(size=0)
        titles = search.aggs.bucket(
            "titles",
            "multi_terms",
            terms=[{"field": "type"}, {"field": "title.raw"}],
            size=limit,
            order=[{"best": "desc"}, {"_key": "asc"}],
        )
        titles.metric("best", "max", script={"source": "_score"})
        titles.metric("top", "top_hits", size=1, _source={"includes": SUGGESTION_FIELDS})
        return search.to_dict()

    def spelling_body(self, query: str, *, grants) -> dict:
        """A phrase suggester on the words as written: each word may be replaced by a close one of the
        index (up to two edits, the first letter too), and a correction is kept only when its
        words, all of them, are in a document these grants show (the collate query), so a
        suggestion never reveals a word of a document the searcher may not see."""
        collate = {
            "bool": {
                "must": [{"match": {"all_text": {"query": "{{suggestion}}", "operator": "and"}}}],
                "filter": [self.visibility_filter(grants).to_dict()],
            }
        }
        search = Search().suggest(
            "spelling",
            query,
            phrase={
                "field": "spelling",
                "size": 1,
                "max_errors": SPELLING_MAX_ERRORS,
                "confidence": 0.0,
                "direct_generator": [
                    {"field": "spelling", "suggest_mode": "always", "prefix_length": 0, "min_word_length": 3}
                ],
                "collate": {"query": {"source": json.dumps(collate)}, "prune": False},
            },
        )
        return search.extra(size=0).to_dict()

    def more_like_this_body(self, doc_type: str, doc_id: str, *, grants, limit: int = 5) -> dict:
        like = MoreLikeThis(
            fields=["title", "summary", "body"],
            like=[{"_index": self.alias, "_id": f"{doc_type}:{doc_id}"}],
            min_term_freq=1,
            min_doc_freq=1,
            max_query_terms=25,
        )
        search = (
            Search()
            .query(Bool(must=[like], filter=[self.visibility_filter(grants)]))
            .source(includes=SUGGESTION_FIELDS)
            .extra(size=limit)
        )
        return search.to_dict()

    def visible_document_body(self, doc_type: str, doc_id: str, *, grants) -> dict:
        """Is this one document visible with these grants? (Checked before more-like-this uses it.)"""
        search = Search().query(Bool(filter=[Ids(values=[f"{doc_type}:{doc_id}"]), self.visibility_filter(grants)]))
        return search.extra(size=0, track_total_hits=True).to_dict()

    # --- Reading ---------------------------------------------------------------------------------

    def _run(self, body: dict) -> dict | None:
        """Runs a search on the alias; None when no index exists yet (nothing was ever indexed)."""
        try:
            return self.client.search(index=self.alias, body=body)
        except NotFoundError:
            return None
        except (ApiError, TransportError) as error:
            raise SearchUnavailable(str(error)) from error

    def search(self, query, *, grants, filters=None, page=1, page_size=20) -> SearchResults:
        response = self._run(self.search_body(query, grants=grants, filters=filters, page=page, page_size=page_size))
        if response is None:
            return SearchResults(hits=[], total=0, facets={field: [] for field in registry.facet_names()})
        hits = [self._hit(hit) for hit in response["hits"]["hits"]]
        facets = {
            field: [
                (str(bucket["key"]), bucket["doc_count"])
                for bucket in aggregation.get("values", aggregation)["buckets"]  # filtered, or not
            ]
            for field, aggregation in response["aggregations"].items()
        }
        return SearchResults(
            hits=hits, total=response["hits"]["total"]["value"], facets=facets, page=page, page_size=page_size
        )

    @staticmethod
    def _hit(hit: dict) -> SearchHit:
        source, highlight = hit["_source"], hit.get("highlight", {})
        snippet = " … ".join(highlight.get("body", [])) or " ".join(highlight.get("summary", []))
        created = source.get("created")
        return SearchHit(
            type=source["type"],
            id=source["object_id"],
            title=source["title"],
            url=source["url"],
            title_html=highlight.get("title", [html.escape(source["title"])])[0],
            snippet=snippet,
            subtitle=source.get("subtitle") or "",
            tags=source.get("tags") or [],
            year=source.get("year"),
            created=datetime.datetime.fromisoformat(created) if created else None,
            facets={
                field: values[0] if len(values) == 1 else values
                for field, values in (source.get("facets") or {}).items()
                if values
            },
        )

    @staticmethod
    def _suggestions(response: dict | None) -> list[Suggestion]:
        if response is None:
            return []
        return [
            Suggestion(type=s["type"], id=s["object_id"], title=s["title"], url=s["url"])
            for s in (hit["_source"] for hit in response["hits"]["hits"])
        ]

    def autocomplete(self, prefix, *, grants, limit=8) -> list[Suggestion]:
        if not prefix.strip():
            return []
        response = self._run(self.autocomplete_body(prefix, grants=grants, limit=limit))
        if response is None:
            return []
        suggestions = []
        for bucket in response["aggregations"]["titles"]["buckets"]:
            source = bucket["top"]["hits"]["hits"][0]["_source"]
            suggestions.append(
                Suggestion(
                    type=source["type"],
                    id=source["object_id"],
                    title=source["title"],
                    url=source["url"],
                    count=bucket["doc_count"],
                )
            )
        return grouped_by_type(suggestions)

    def spelling_suggestion(self, query, *, grants) -> str | None:
        response = self._run(self.spelling_body(query, grants=grants))
        if response is None:
            return None
        for entry in response.get("suggest", {}).get("spelling", []):
            for option in entry.get("options", []):
                return option["text"]
        return None

    def more_like_this(self, doc_type, doc_id, *, grants, limit=5) -> list[Suggestion]:
        seen = self._run(self.visible_document_body(doc_type, doc_id, grants=grants))
        if seen is None or seen["hits"]["total"]["value"] == 0:
            return []
        return self._suggestions(self._run(self.more_like_this_body(doc_type, doc_id, grants=grants, limit=limit)))
