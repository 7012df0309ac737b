"""The embedded default: searches run in the portal's own database.

PostgreSQL: full-text search with the `ptce_french` configuration (unaccent, then the French
Snowball stemmer and stop words; created by migration 0002 when the unaccent extension can be
created, else the plain `french` configuration), websearch syntax, ranks weighted title > summary
and tags > body, ts_headline snippets.
SQLite: the same Python analysis as search/text.py stored beside the text (folded, stemmed, without
stop words), matched whole term by whole term, ranked by the fields matched (title 3, summary and
tags 2, body 1), snippets marked in Python.
Both: the administrators' synonym rules widen the query's words first (expand_query; a query no
rule touches goes to PostgreSQL as websearch text unchanged); facets are counts over the same
filtered queryset (the apps' facets are rows of SearchEntryFacet, one per value), visibility is a
subquery on the grants table, autocomplete matches title word prefixes, more-like-this looks for the
document's frequent terms.
"""

import difflib
import functools
import html
import operator
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Min, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat, Length

from .. import registry, selectors, text
from ..documents import TAGS, TYPE, YEAR, SearchDocument, SearchHit, SearchResults, Suggestion, grouped_by_type
from ..models import SearchEntry, SearchEntryFacet, SearchEntryGrant, SearchEntryTag
from ..synonyms import Expansion
from .base import SearchBackend

FACET_SIZE = 20
PG_CONFIG = "ptce_french"
# ts_headline's selection marks: private-use characters, replaced by <mark> once the text is escaped.
MARK_START, MARK_END = "\ue000", "\ue001"
QUOTED_OR_WORD = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')
FIELD_WEIGHTS = (("title_terms", 3), ("summary_terms", 2), ("body_terms", 1))
FIELDS = tuple(field for field, _weight in FIELD_WEIGHTS)
# "Did you mean…": the words of the titles, summaries and tags of at most this many visible entries
# (the most recent) make the vocabulary; a word is replaced by one at least this similar (difflib ratio).
SPELLING_ENTRIES, SPELLING_CUTOFF = 20_000, 0.75


def _any_field_contains(pattern: str) -> Q:
    return functools.reduce(operator.or_, (Q(**{f"{field}__contains": pattern}) for field, _w in FIELD_WEIGHTS))


def _matching(alternative: "Alternative", fields: Iterable[str] = FIELDS) -> Q:
    """Entries whose term columns (any of `fields`) hold the alternative: its terms in a row when it is a
    phrase, else each of them somewhere."""
    terms, _words, phrase = alternative
    patterns = [f" {' '.join(terms)} "] if phrase else [f" {term} " for term in terms]
    fields = tuple(fields)
    return functools.reduce(
        operator.and_,
        (functools.reduce(operator.or_, (Q(**{f"{field}__contains": p}) for field in fields)) for p in patterns),
    )


def _strip_marks(value: str) -> str:
    return value.replace(MARK_START, "").replace(MARK_END, "")


def _marked_to_html(value: str) -> str:
    return html.escape(value).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


# One way of matching a part of the query: its terms (the Python analysis, for SQLite), its words as
# typed or as a synonym rule writes them (for PostgreSQL's analysis), and whether they must follow
# each other (a quoted phrase, a rule's words) or only all be there (words typed without quotes).
Alternative = tuple[tuple[str, ...], str, bool]


def expand_query(
    query: str, synonyms: Mapping[tuple[str, ...], Expansion]
) -> tuple[list[list[Alternative]], list[list[Alternative]], bool]:
    """The query's parts, each widened by the synonym rules (search.synonyms.expansions).

    Websearch-like syntax: words and "quoted phrases" are all required, -word excludes. An unmatched
    quote is an ordinary character; any other operator (+, |, *, ~, parentheses…) is punctuation and
    dropped; stop words are dropped.
    Returns (required, excluded, widened): each part of the query is a list of alternatives, any of
    which matches; `widened` tells whether a rule applied. Consecutive words are matched against the
    rules longest first ("chariot elevateur" before "chariot"); a quoted phrase or an excluded word is
    widened when it is a rule's word as a whole; a one-way rule "a => b" searches b instead of a.
    """
    longest = max((len(key) for key in synonyms), default=0)
    required: list[list[Alternative]] = []
    excluded: list[list[Alternative]] = []
    applied = []

    def rule_key(key: tuple[str, ...]) -> tuple[str, ...] | None:
        """The rule's key `key` triggers: itself, or its singular when the stemmer left a short plural
        ("velos": search.text.stem only shortens words of six letters and more)."""
        if key in synonyms:
            return key
        singular = tuple(_singular(term) for term in key)
        return singular if singular != key and singular in synonyms else None

    def part(key: tuple[str, ...], typed: str, *, quoted: bool = False) -> list[Alternative]:
        matched = rule_key(key)
        if matched is None:
            return [(key, typed, quoted)]
        expansion = synonyms[matched]
        applied.append(matched)
        others = [(tuple(text.terms(word)), word, True) for word in expansion.alternatives]
        if matched != key:  # the plural typed also finds the rule's own word in the singular
            others.insert(0, (matched, " ".join(matched), True))
        return ([(key, typed, quoted)] if expansion.keep else []) + others

    def words(pairs: list[tuple[str, str]]) -> list[list[Alternative]]:
        parts, position = [], 0
        while position < len(pairs):
            for size in range(min(longest, len(pairs) - position), 0, -1):
                key = tuple(term for term, _word in pairs[position : position + size])
                if rule_key(key) is not None:
                    break
            else:
                size, key = 1, (pairs[position][0],)
            parts.append(part(key, " ".join(word for _term, word in pairs[position : position + size])))
            position += size
        return parts

    run: list[tuple[str, str]] = []
    for match in QUOTED_OR_WORD.finditer(query):
        negated = bool(match.group(1) or match.group(3))
        if match.group(2) is None:
            pairs = [
                (text.stem(folded), raw.lower())
                for raw in text.WORD.findall(match.group(4))
                if (folded := text.fold(raw)) not in text.ELISIONS and folded not in text.STOP_WORDS
            ]
            if not negated:
                run.extend(pairs)
                continue
        required.extend(words(run))
        run = []
        if match.group(2) is not None:
            key = tuple(text.terms(match.group(2)))
            if key:
                (excluded if negated else required).append(part(key, match.group(2), quoted=True))
            continue
        key = tuple(term for term, _word in pairs)
        if rule_key(key) is not None:
            excluded.append(part(key, " ".join(word for _term, word in pairs)))
        else:
            excluded.extend([((term,), word, False)] for term, word in pairs)
    required.extend(words(run))
    return required, excluded, bool(applied)


def _singular(term: str) -> str:
    """A short term without its plural s or x ("velos" → "velo"); longer ones are stemmed already."""
    return term[:-1] if 3 < len(term) < 6 and term[-1] in "sx" else term


def _facets_of(rows: Iterable[SearchEntryFacet]) -> dict[str, str | list[str]]:
    """The facet rows of one entry as SearchDocument.facets: one value as a string, several as a list."""
    values: dict[str, list[str]] = {}
    for row in sorted(rows, key=lambda row: row.pk):
        values.setdefault(row.field, []).append(row.value)
    return {field: found[0] if len(found) == 1 else found for field, found in values.items()}


class DatabaseBackend(SearchBackend):
    name = "database"

    def server_info(self) -> dict:
        query = "SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()"
        with connection.cursor() as cursor:
            cursor.execute(query)
            return {"engine": connection.vendor, "version": cursor.fetchone()[0]}

    @property
    def postgres(self) -> bool:
        return connection.vendor == "postgresql"

    @functools.cached_property
    def text_config(self) -> str:
        """ptce_french when migration 0002 could create it (it needs the unaccent extension), else french."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [PG_CONFIG])
            return PG_CONFIG if cursor.fetchone() else "french"

    # --- Writing ---------------------------------------------------------------------------------

    def add_bulk(self, documents: Iterable[SearchDocument]) -> int:
        documents = list({document.key: document for document in documents}.values())
        if not documents:
            return 0
        with transaction.atomic():
            self._remove(documents)
            entries = SearchEntry.objects.bulk_create([self._entry(document) for document in documents])
            SearchEntryGrant.objects.bulk_create(
                SearchEntryGrant(entry=entry, grant=grant)
                for entry, document in zip(entries, documents, strict=True)
                for grant in dict.fromkeys(document.visibility)
            )
            SearchEntryTag.objects.bulk_create(
                SearchEntryTag(entry=entry, name=tag[:100])
                for entry, document in zip(entries, documents, strict=True)
                for tag in dict.fromkeys(document.tags)
            )
            SearchEntryFacet.objects.bulk_create(
                SearchEntryFacet(entry=entry, field=field, value=value)
                for entry, document in zip(entries, documents, strict=True)
                for field in document.facets
                for value in dict.fromkeys(value[:200] for value in document.facet_values(field))
            )
            if self.postgres:
                self._update_vectors(SearchEntry.objects.filter(pk__in=[entry.pk for entry in entries]))
        return len(documents)

    def delete(self, doc_type: str, doc_id: str) -> None:
        SearchEntry.objects.filter(doc_type=doc_type, object_id=str(doc_id)).delete()

    def _remove(self, documents: list[SearchDocument]) -> None:
        by_type: dict[str, list[str]] = {}
        for document in documents:
            by_type.setdefault(document.type, []).append(document.id)
        for doc_type, ids in by_type.items():
            SearchEntry.objects.filter(doc_type=doc_type, object_id__in=ids).delete()

    @staticmethod
    def _entry(document: SearchDocument) -> SearchEntry:
        title, summary, body = (_strip_marks(value) for value in (document.title, document.summary, document.body))
        tags_text = " · ".join(document.tags)
        return SearchEntry(
            doc_type=document.type,
            object_id=document.id,
            title=title[:500],
            summary=summary,
            body=body,
            url=document.url,
            subtitle=document.subtitle[:500],
            tags_text=tags_text,
            year=document.year,
            created=document.created,
            title_terms=text.term_column(title),
            summary_terms=text.term_column(f"{summary} {tags_text}"),
            body_terms=text.term_column(body),
            title_prefix=text.prefix_column(title),
        )

    def _update_vectors(self, queryset: QuerySet) -> None:
        config = self.text_config
        queryset.update(
            vector=SearchVector("title", weight="A", config=config)
            + SearchVector("summary", "tags_text", weight="B", config=config)
            + SearchVector("body", weight="C", config=config)
        )

    def rebuild(self, batches: Iterable[list[SearchDocument]], *, progress=None) -> dict:
        # One transaction: readers see the old entries until the new ones are all there.
        count = 0
        with transaction.atomic():
            SearchEntry.objects.all().delete()
            for batch in batches:
                count += self.add_bulk(batch)
                if progress:
                    progress(count)
        return {"count": count, "index": SearchEntry._meta.db_table}

    def count(self) -> int:
        return SearchEntry.objects.count()

    # --- Reading ---------------------------------------------------------------------------------

    @staticmethod
    def _visible(grants: list[str]) -> QuerySet:
        return SearchEntry.objects.filter(
            pk__in=SearchEntryGrant.objects.filter(grant__in=list(grants)).values("entry")
        )

    @staticmethod
    def _filtered(queryset: QuerySet, filters: Mapping[str, str]) -> QuerySet:
        for field, value in filters.items():
            if field == TYPE:
                queryset = queryset.filter(doc_type=value)
            elif field == TAGS:
                queryset = queryset.filter(pk__in=SearchEntryTag.objects.filter(name=value).values("entry"))
            elif field == YEAR:
                queryset = queryset.filter(year=int(value))
            else:
                values = SearchEntryFacet.objects.filter(field=field, value=value)
                queryset = queryset.filter(pk__in=values.values("entry"))
        return queryset

    def search(self, query, *, grants, filters=None, page=1, page_size=20) -> SearchResults:
        filters = self.clean_filters(filters)
        required, excluded, widened = expand_query(query, selectors.synonym_expansions())
        if self.postgres:
            if widened:
                ts_query = self._widened_ts_query(required, excluded)
            else:
                ts_query = SearchQuery(query, config=self.text_config, search_type="websearch")
            matched = self._visible(grants).filter(vector=ts_query)
            score = SearchRank(F("vector"), ts_query, weights=[0.1, 0.2, 0.6, 1.0])
        else:
            if not required:
                return SearchResults(hits=[], total=0, facets={field: [] for field in registry.facet_names()})
            matched = self._visible(grants)
            score = Value(0)
            for part in required:
                matched = matched.filter(functools.reduce(operator.or_, (_matching(each) for each in part)))
                for field, weight in FIELD_WEIGHTS:
                    score = score + Case(
                        When(functools.reduce(operator.or_, (_matching(each, (field,)) for each in part)), then=weight),
                        default=Value(0),
                        output_field=IntegerField(),
                    )
            for part in excluded:
                for alternative in part:
                    matched = matched.exclude(_matching(alternative))

        facets = self._facets(matched, filters)
        narrowed = self._filtered(matched, filters)
        total = narrowed.count()
        offset = (page - 1) * page_size
        rows = narrowed.annotate(score=score).order_by("-score", F("created").desc(nulls_last=True), "pk")
        if self.postgres:
            marks = {"config": self.text_config, "start_sel": MARK_START, "stop_sel": MARK_END}
            rows = rows.annotate(
                title_marked=SearchHeadline("title", ts_query, highlight_all=True, **marks),
                snippet_marked=SearchHeadline(
                    Concat("summary", Value(" \n "), "body", output_field=TextField()),
                    ts_query,
                    max_words=30,
                    min_words=12,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                    **marks,
                ),
            )
        hits = []
        for entry in rows[offset : offset + page_size].prefetch_related("tags", "facet_values"):
            if self.postgres:
                title_html, snippet = _marked_to_html(entry.title_marked), _marked_to_html(entry.snippet_marked)
            else:
                wanted = {term for part in required for terms, _words, _phrase in part for term in terms}
                title_html = text.highlight(entry.title, wanted, size=0)
                snippet = text.highlight(f"{entry.summary}\n{entry.body}".strip(), wanted)
            hits.append(self._hit(entry, title_html, snippet))
        return SearchResults(hits=hits, total=total, facets=facets, page=page, page_size=page_size)

    def _widened_ts_query(self, required: list[list[Alternative]], excluded: list[list[Alternative]]):
        """The query once synonyms applied: every part required, any of its alternatives (each a phrase
        of the `text_config` analysis), none of the excluded ones."""

        def ts(alternative: Alternative) -> SearchQuery:
            _terms, words, phrase = alternative
            return SearchQuery(words, config=self.text_config, search_type="phrase" if phrase else "plain")

        queries = [functools.reduce(operator.or_, map(ts, part)) for part in required]
        queries += [~ts(alternative) for part in excluded for alternative in part]
        return functools.reduce(operator.and_, queries)

    def _facets(self, matched: QuerySet, filters: dict[str, str]) -> dict[str, list[tuple[str, int]]]:
        facets = {}
        for field in registry.facet_names():
            others = {key: value for key, value in filters.items() if key != field}
            queryset = self._filtered(matched, others)
            if field == TAGS:
                rows = (
                    SearchEntryTag.objects.filter(entry__in=queryset.values("pk"))
                    .values_list("name")
                    .annotate(n=Count("pk"))
                    .order_by("-n", "name")
                )
            elif field not in (TYPE, YEAR):
                rows = (
                    SearchEntryFacet.objects.filter(field=field, entry__in=queryset.values("pk"))
                    .values_list("value")
                    .annotate(n=Count("pk"))
                    .order_by("-n", "value")
                )
            else:
                column = "doc_type" if field == TYPE else field
                empty = Q(**{f"{column}__isnull": True}) if field == YEAR else Q(**{column: ""})
                rows = (
                    queryset.exclude(empty)
                    .order_by()
                    .values_list(column)
                    .annotate(n=Count("pk"))
                    .order_by("-n", column)
                )
            facets[field] = [(str(value), count) for value, count in rows[:FACET_SIZE]]
        return facets

    @staticmethod
    def _hit(entry: SearchEntry, title_html: str, snippet: str) -> SearchHit:
        return SearchHit(
            type=entry.doc_type,
            id=entry.object_id,
            title=entry.title,
            url=entry.url,
            title_html=title_html or html.escape(entry.title),
            snippet=snippet,
            subtitle=entry.subtitle,
            tags=[tag.name for tag in entry.tags.all()],
            year=entry.year,
            created=entry.created,
            facets=_facets_of(entry.facet_values.all()),
        )

    @staticmethod
    def _suggestion(entry: SearchEntry) -> Suggestion:
        return Suggestion(type=entry.doc_type, id=entry.object_id, title=entry.title, url=entry.url)

    def autocomplete(self, prefix, *, grants, limit=8) -> list[Suggestion]:
        words = text.words(prefix)[:8]
        if not words:
            return []
        condition = functools.reduce(operator.and_, (Q(title_prefix__contains=f" {word}") for word in words))
        # One suggestion per type and title, with how many documents share it (the first of them linked).
        groups = list(
            self._visible(grants)
            .filter(condition)
            .values("doc_type", "title")
            .annotate(count=Count("pk"), first=Min("pk"))
            .order_by(Length("title"), "title", "doc_type")[:limit]
        )
        entries = SearchEntry.objects.in_bulk([group["first"] for group in groups])
        suggestions = []
        for group in groups:
            suggestion = self._suggestion(entries[group["first"]])
            suggestion.count = group["count"]
            suggestions.append(suggestion)
        return grouped_by_type(suggestions)

    def spelling_suggestion(self, query, *, grants) -> str | None:
        """difflib over a vocabulary: the words of the titles, summaries and tags of the entries these
        grants show, compared folded ("kompost" meets "compost"); each typed word of three letters or
        more that is not in it is replaced by the closest word as written in the documents."""
        typed = text.WORD.findall(query)
        if not any(len(word) >= 3 and word.isalpha() for word in typed):
            return None
        rows = (
            self._visible(grants)
            .order_by(F("created").desc(nulls_last=True), "-pk")
            .values_list("title", "summary", "tags_text")[:SPELLING_ENTRIES]
        )
        written: dict[str, Counter] = {}
        for row in rows:
            for word in text.WORD.findall(" ".join(row)):
                if len(word) >= 3 and word.isalpha():
                    written.setdefault(text.fold(word), Counter())[word.lower()] += 1
        changed, corrected = False, []
        for word in typed:
            folded = text.fold(word)
            if len(word) < 3 or not word.isalpha() or folded in written or folded in text.STOP_WORDS:
                corrected.append(word)
                continue
            close = difflib.get_close_matches(folded, written, n=1, cutoff=SPELLING_CUTOFF)
            if close:
                corrected.append(written[close[0]].most_common(1)[0][0])
                changed = True
            else:
                corrected.append(word)
        return " ".join(corrected) if changed else None

    def more_like_this(self, doc_type, doc_id, *, grants, limit=5) -> list[Suggestion]:
        visible = self._visible(grants)
        entry = visible.filter(doc_type=doc_type, object_id=str(doc_id)).first()
        if entry is None:
            return []
        frequencies = Counter()
        for field, weight in FIELD_WEIGHTS:
            for term in getattr(entry, field).split():
                if len(term) > 2:
                    frequencies[term] += weight
        top = [term for term, _count in frequencies.most_common(12)]
        if not top:
            return []
        shared = Value(0)
        for term in top:
            shared = shared + Case(
                When(_any_field_contains(f" {term} "), then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        minimum = max(1, round(len(top) * 0.3))
        entries = (
            visible.exclude(pk=entry.pk)
            .annotate(shared=shared)
            .filter(shared__gte=minimum)
            .order_by("-shared", F("created").desc(nulls_last=True), "pk")[:limit]
        )
        return [self._suggestion(entry) for entry in entries]
