"""Search benchmark: a full rebuild of 100,000 mixed French documents, then query latency through
search.query() against the raw Elasticsearch client running the very same request body.

Run it with `./run bench search [--quick]` (which starts PostgreSQL and Elasticsearch and sets
DATABASE_URL and ELASTICSEARCH_URL); benchmarks/README.md says how to read the figures.

What it does, in one run:
  1. data, in the database of DATABASE_URL (benchmarks.settings): migrate, then bulk-created rows of
     the portal's own models — published best-practice records (public and members-only, with tags),
     workgroup messages in 50 workgroups, organisations of the public directory — about 30 / 67 / 3 %
     of the total, with French text drawn from a fixed vocabulary (seeded: every run is the same);
  2. rebuild: the code of `manage.py rebuild_index` (search.indexing.documents_in_batches into
     backend.rebuild: a new versioned index filled with bulk requests, then the alias swapped), timed
     end to end; then the same reading alone (database + to_document, nothing sent) to split the time;
  3. queries: 200 realistic queries (one to three words, a quarter with a facet filter, some
     misspelt accents) by a member of 5 workgroups, so the visibility filter holds 7 grants; each
     query runs through search.query() — cleaning, grants lookup, body building, the request,
     parsing into hits and facets — and through `client.search()` with the body the backend built
     for it (the baseline: the same work inside Elasticsearch, none in Python), in alternating
     order, after a warm-up. Reported: p50 / p95 / mean of each, and their ratios.

The index prefix is `ptce-bench`; the benchmark's rows are deleted first (so it can run again) and
its indices are dropped at the end unless --keep. Everything must be on 127.0.0.1.
"""

# ruff: noqa: S603, S607  (runs this project's own commands: uptime, git)
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT))
PREFIX = "bench-search-"
INDEX_PREFIX = "ptce-bench"
TARGETS = {"rebuild_s": 60.0, "p95_ms": 50.0, "overhead_ratio": 1.5}

VOCABULARY = (
    "déchets tri collecte mutualisée benne carton palettes bois réemploi recyclage compost biodéchets "
    "cantine circuits courts producteurs locaux légumes bio maraîchage restauration collective "
    "énergie rénovation isolation chaufferie solaire photovoltaïque sobriété éclairage covoiturage "
    "mobilité vélo navette transport salariés insertion emploi recrutement inclusif apprentissage "
    "formation compétences handicap tutorat entreprise coopérative association mutuelle zone "
    "atelier réparation matériaux chantier bâtiment textile imprimerie numérique logiciel "
    "achats responsables fournisseurs mutualisation locaux partagés conciergerie garde enfants "
    "eau récupération pluie espaces verts biodiversité ruches haies parking sécurité éclairage "
    "tarifs négociés contrat groupement commande économies charges réduction tonnes emplois créés"
)
WORDS = VOCABULARY.split()
QUERIES_EXTRA = ["dechets", "energie", "reemploi", "cooperative", "benne a carton", "l'énergie", "d'insertion"]
SENTENCES = [
    "Nous avons mis en place {a} avec {b} pour réduire {c}.",
    "Le groupe propose {a} et {b} sur la zone, avec un bilan de {c}.",
    "Retour d'expérience : {a}, puis {b}, et enfin {c} pour tous les membres.",
    "Qui est intéressé par {a} ? On pourrait mutualiser {b} et {c}.",
    "Résultat après un an : moins de {a}, plus de {b}, grâce à {c}.",
]


def say(text: str = "") -> None:
    print(f"[bench] {text}" if text else "", flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of all cores, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def busy_since(start: tuple[int, int]) -> float:
    busy, total = cpu_times()
    return 100.0 * (busy - start[0]) / max(1, total - start[1])


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "load average: " + Path("/proc/loadavg").read_text().strip()


def sentence(rng: random.Random) -> str:
    a, b, c = (" ".join(rng.sample(WORDS, rng.randint(1, 3))) for _ in range(3))
    return rng.choice(SENTENCES).format(a=a, b=b, c=c)


def check_local(url: str, name: str) -> None:
    host = urlparse(url).hostname
    if host not in ("127.0.0.1", "localhost"):
        sys.exit(f"{name} must point at a server on 127.0.0.1 (it is written to): {url}")


# --------------------------------------------------------------------------------------------------
# Data


def prepare_data(total: int, rng: random.Random) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone
    from taggit.models import Tag

    from knowledge.models import BestPractice, TaggedBestPractice
    from portal.members.models import Membership, MembershipStatus, Organisation, OrganisationKind, Person
    from workgroups.models import Axis, Message, Workgroup, WorkgroupMembership

    started = time.perf_counter()
    with transaction.atomic():
        BestPractice.objects.filter(slug__startswith=PREFIX).delete()
        Message.objects.filter(workgroup__slug__startswith=PREFIX).delete()
        WorkgroupMembership.objects.filter(workgroup__slug__startswith=PREFIX).delete()
        Workgroup.objects.filter(slug__startswith=PREFIX).delete()
        Person.objects.filter(user__username__startswith=PREFIX).delete()
        get_user_model().objects.filter(username__startswith=PREFIX).delete()
        Organisation.objects.filter(slug__startswith=PREFIX).delete()
        Axis.objects.filter(slug__startswith=PREFIX).delete()

    n_orgs = max(20, total * 3 // 100)
    n_records = total * 30 // 100
    n_messages = total - n_orgs - n_records
    kinds = [k for k, _label in OrganisationKind.choices]
    now = timezone.now()
    with transaction.atomic():
        base_number = (Axis.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        axes = Axis.objects.bulk_create(
            Axis(number=base_number + i, title=title, slug=f"{PREFIX}axe-{i}")
            for i, title in enumerate(
                ["Économie circulaire", "Alimentation durable", "Énergie", "Mobilité", "Emploi et inclusion"]
            )
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"{rng.choice(['Scop', 'Asso', 'SARL', 'Mutuelle', 'SAS'])} {rng.choice(WORDS).title()} {i}",
                slug=f"{PREFIX}org-{i}",
                kind=rng.choice(kinds),
                description=sentence(rng),
                commune=rng.choice(["Arvière", "Saint-Ours", "Le Pontet"]),
                in_public_directory=True,
            )
            for i in range(n_orgs)
        )
        Membership.objects.bulk_create(
            Membership(organisation=organisation, status=MembershipStatus.ACTIVE) for organisation in organisations
        )
        tags = [Tag.objects.get_or_create(name=word, defaults={"slug": f"{PREFIX}{word}"})[0] for word in WORDS[:40]]
        records = BestPractice.objects.bulk_create(
            (
                BestPractice(
                    title=" ".join(rng.sample(WORDS, 3)).capitalize()[:200],
                    slug=f"{PREFIX}bp-{i}",
                    summary=sentence(rng),
                    body="".join(f"<p>{sentence(rng)}</p>" for _ in range(rng.randint(2, 6))),
                    axis=rng.choice(axes),
                    organisation=rng.choice(organisations),
                    problem=sentence(rng),
                    results=sentence(rng),
                    replicability=sentence(rng),
                    status="published",
                    visibility=rng.choice(["public", "public", "members"]),
                    published_at=now - datetime.timedelta(days=rng.randint(0, 1500)),
                )
                for i in range(n_records)
            ),
            batch_size=2000,
        )
        TaggedBestPractice.objects.bulk_create(
            (
                TaggedBestPractice(content_object=record, tag=tag)
                for record in records
                for tag in rng.sample(tags, rng.randint(1, 3))
            ),
            batch_size=5000,
        )
        workgroups = Workgroup.objects.bulk_create(
            Workgroup(name=f"Groupe {rng.choice(WORDS)} {i}", slug=f"{PREFIX}wg-{i}", axis=rng.choice(axes))
            for i in range(50)
        )
        user = get_user_model().objects.create(username=f"{PREFIX}member", first_name="Camille", last_name="Banc")
        member = Person.objects.create(user=user, organisation=organisations[0], handle=f"{PREFIX}member")
        WorkgroupMembership.objects.bulk_create(
            WorkgroupMembership(workgroup=workgroup, person=member, status="active") for workgroup in workgroups[:5]
        )
        sequences = dict.fromkeys((w.pk for w in workgroups), 0)

        def next_message(i):
            workgroup = workgroups[i % len(workgroups)]
            sequences[workgroup.pk] += 1
            return Message(workgroup=workgroup, sequence=sequences[workgroup.pk], author=member, body=sentence(rng))

        Message.objects.bulk_create((next_message(i) for i in range(n_messages)), batch_size=5000)
        for workgroup in workgroups:
            Workgroup.objects.filter(pk=workgroup.pk).update(last_sequence=sequences[workgroup.pk])
    return {
        "organisations": n_orgs,
        "best_practices": n_records,
        "messages": n_messages,
        "seconds": round(time.perf_counter() - started, 1),
        "member": user,
        "axes": [str(axis) for axis in axes],
    }


# --------------------------------------------------------------------------------------------------
# Rebuild


def rebuild(backend, batch_size: int) -> dict:
    from search import indexing

    seen = {"objects": 0}
    cpu = cpu_times()
    started = time.perf_counter()
    result = backend.rebuild(indexing.documents_in_batches(batch_size, seen=seen))
    elapsed = time.perf_counter() - started
    busy = busy_since(cpu)

    cpu = cpu_times()
    started = time.perf_counter()
    built = sum(len(batch) for batch in indexing.documents_in_batches(batch_size))
    reading = time.perf_counter() - started
    return {
        "objects_read": seen["objects"],
        "documents": result["count"],
        "seconds": round(elapsed, 2),
        "docs_per_s": round(result["count"] / elapsed),
        "cpu_busy_pct": round(busy, 1),
        "reading_alone_s": round(reading, 2),
        "reading_alone_documents": built,
        "reading_cpu_busy_pct": round(busy_since(cpu), 1),
        "index": result["index"],
    }


# --------------------------------------------------------------------------------------------------
# Queries


def make_queries(n: int, rng: random.Random, axes: list[str]) -> list[tuple[str, dict]]:
    queries = []
    for i in range(n):
        # One in ten typed without accents or with an elision, as people do.
        words = " ".join(rng.sample(WORDS, rng.choice([1, 1, 2, 2, 3])))
        text = rng.choice(QUERIES_EXTRA) if i % 10 == 9 else words
        filters = {}
        if i % 4 == 3:
            filters = rng.choice([{"type": "best_practice"}, {"type": "message"}, {"axis": rng.choice(axes)}])
        queries.append((text, filters))
    return queries


def time_queries(backend, user, warmup: list, queries: list) -> dict:
    import search
    from search.api import clean_filters, clean_query, grants_for

    grants = grants_for(user)
    wrapper, raw, took, grants_ms, hits = [], [], [], [], []

    def run_wrapper(text, filters):
        started = time.perf_counter()
        results = search.query(text, user=user, filters=filters)
        return (time.perf_counter() - started) * 1000, results

    def run_raw(text, filters):
        cleaned, _notice = clean_query(text)
        body = backend.search_body(cleaned, grants=grants, filters=clean_filters(filters))
        started = time.perf_counter()
        response = backend.client.search(index=backend.alias, body=body)
        return (time.perf_counter() - started) * 1000, response

    for text, filters in warmup:
        run_wrapper(text, filters)
        run_raw(text, filters)
    cpu = cpu_times()
    for i, (text, filters) in enumerate(queries):
        order = (run_wrapper, run_raw) if i % 2 == 0 else (run_raw, run_wrapper)
        for runner in order:
            ms, result = runner(text, filters)
            if runner is run_wrapper:
                wrapper.append(ms)
                hits.append(result.total)
            else:
                raw.append(ms)
                took.append(result["took"])
        started = time.perf_counter()
        grants_for(user)
        grants_ms.append((time.perf_counter() - started) * 1000)
    busy = busy_since(cpu)

    def summary(values):
        return {
            "p50": round(percentile(values, 0.5), 2),
            "p95": round(percentile(values, 0.95), 2),
            "mean": round(statistics.fmean(values), 2),
            "max": round(max(values), 2),
        }

    result = {
        "queries": len(queries),
        "grants": len(grants),
        "wrapper_ms": summary(wrapper),
        "raw_client_ms": summary(raw),
        "es_took_ms": summary([float(t) for t in took]),
        "grants_lookup_ms": summary(grants_ms),
        "median_total_hits": statistics.median(hits),
        "queries_with_no_hit": sum(1 for h in hits if h == 0),
        "cpu_busy_pct": round(busy, 1),
    }
    result["ratio_p50"] = round(result["wrapper_ms"]["p50"] / result["raw_client_ms"]["p50"], 2)
    result["ratio_p95"] = round(result["wrapper_ms"]["p95"] / result["raw_client_ms"]["p95"], 2)
    return result


def reused(backend) -> tuple[dict, object, dict]:
    """The data, member and index a --keep run left behind (for --reuse)."""
    from django.contrib.auth import get_user_model

    from workgroups.models import Axis

    member = get_user_model().objects.get(username=f"{PREFIX}member")
    axes = [str(axis) for axis in Axis.objects.filter(slug__startswith=PREFIX).order_by("number")]
    documents = backend.count()
    rebuilt = {"documents": documents, "seconds": float("nan"), "reading_alone_s": float("nan"),
               "docs_per_s": 0, "cpu_busy_pct": float("nan"), "reused": True}  # fmt: skip
    return {"axes": axes, "reused": True}, member, rebuilt


def body_before_speed_work(backend, query: str, *, grants, filters=None, page: int = 1, page_size: int = 20) -> dict:
    """The search body as it was before #24's speed work (commit 17f65f4), kept verbatim for --compare:
    the phrase boost scored on every hit, each facet inside a filter aggregation (match_all when no
    other facet filters it)."""
    from elasticsearch.dsl import Search
    from elasticsearch.dsl.query import Bool, FunctionScore, Match, MatchAll, MultiMatch, SimpleQueryString, Term

    from search import registry
    from search.backends import elasticsearch as es

    filters = backend.clean_filters(filters)
    strict = SimpleQueryString(
        query=query, fields=es.SEARCH_FIELDS, default_operator="and", flags=es.SIMPLE_QUERY_FLAGS, lenient=True
    )
    visible = [backend.visibility_filter(grants)]
    if es.SEARCH_SYNTAX.search(query):
        text_query = Bool(must=[strict], filter=visible)
    else:
        strict.boost = 2.0
        tolerant = Match(
            all_text={
                "query": query,
                "minimum_should_match": "2<-1 3<67%",
                "fuzziness": "AUTO:5,8",
                "prefix_length": 1,
                "max_expansions": 20,
            }
        )
        phrase = MultiMatch(query=query, fields=["title^3", "summary"], type="phrase", slop=2, boost=2.0)
        relevance = Bool(must=[tolerant], should=[strict, phrase])
        boosts = registry.type_boosts()
        if boosts:
            relevance = FunctionScore(
                query=relevance,
                functions=[{"filter": Term(type=name), "weight": weight} for name, weight in sorted(boosts.items())],
                score_mode="first",
                boost_mode="multiply",
            )
        text_query = Bool(must=[relevance], filter=visible)
    search = Search().query(text_query)
    if filters:
        search = search.post_filter(Bool(filter=[backend._filter_query(f, v) for f, v in filters.items()]))
    for field in registry.facet_names():
        others = [backend._filter_query(f, v) for f, v in filters.items() if f != field]
        search.aggs.bucket(field, "filter", filter=Bool(filter=others) if others else MatchAll()).bucket(
            "values", "terms", field=es.facet_column(field), size=es.FACET_SIZE
        )
    search = (
        search.highlight_options(
            pre_tags=["<mark>"],
            post_tags=["</mark>"],
            encoder="html",
            highlight_query=MultiMatch(query=query, fields=["title", "summary", "body"]).to_dict(),
        )
        .highlight("title", number_of_fragments=0)
        .highlight("summary", number_of_fragments=1, fragment_size=es.SNIPPET_SIZE, no_match_size=es.SNIPPET_SIZE)
        .highlight("body", number_of_fragments=2, fragment_size=es.SNIPPET_SIZE // 2)
        .source(excludes=["body", "summary", "visibility"])
        .extra(from_=(page - 1) * page_size, size=page_size, track_total_hits=True)
    )
    return search.to_dict()


def index_before_speed_work(backend) -> str:
    """A copy of the live index with the mapping before #24's speed work (no offsets in the summary's
    and body's postings), filled by _reindex from it: the same documents, the same synonyms."""
    name = f"{backend.index_prefix}-before-speed-work"
    body = backend.index_body()
    for field in ("summary", "body"):
        body["mappings"]["properties"][field].pop("index_options", None)
    backend.client.indices.delete(index=name, ignore_unavailable=True)
    backend.client.indices.create(index=name, **body)
    started = time.perf_counter()
    patient = backend.client.options(request_timeout=1800)
    patient.reindex(source={"index": backend.alias}, dest={"index": name}, wait_for_completion=True)
    backend.client.indices.refresh(index=name)
    # Both indices in one segment: the comparison is of the bodies and mappings, not of segment counts.
    patient.indices.forcemerge(index=[name, backend.alias], max_num_segments=1)
    say(f"  the index before the speed work, copied by _reindex in {time.perf_counter() - started:.1f} s")
    return name


def compare_bodies(backend, user, warmup: list, queries: list, rounds: int) -> dict:
    """The body before the speed work and today's, each query sent with both in alternating order
    (`rounds` times), through the raw client: the same machine, the same minute, so the ratio holds
    whatever the other sessions do to the load."""
    from search.api import clean_filters, clean_query, grants_for

    grants = grants_for(user)
    builders = {"before": body_before_speed_work, "now": backend.search_body}
    before_index = index_before_speed_work(backend)
    indices = {"before": before_index, "now": backend.alias}
    times = {name: [] for name in builders}
    took = {name: [] for name in builders}
    totals = {name: [] for name in builders}
    same_first_page = 0

    def send(name, text, filters):
        body = (
            builders[name](backend, text, grants=grants, filters=filters)
            if name == "before"
            else (builders[name](text, grants=grants, filters=filters))
        )
        started = time.perf_counter()
        response = backend.client.search(index=indices[name], body=body)
        return (time.perf_counter() - started) * 1000, response

    prepared = [(clean_query(text)[0], clean_filters(filters)) for text, filters in warmup + queries]
    for text, filters in prepared[: len(warmup)]:
        send("before", text, filters)
        send("now", text, filters)
    cpu = cpu_times()
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    for round_ in range(rounds):
        for i, (text, filters) in enumerate(prepared[len(warmup) :]):
            order = ("before", "now") if (i + round_) % 2 == 0 else ("now", "before")
            pages = {}
            for name in order:
                ms, response = send(name, text, filters)
                times[name].append(ms)
                took[name].append(float(response["took"]))
                totals[name].append(response["hits"]["total"]["value"])
                pages[name] = [hit["_id"] for hit in response["hits"]["hits"]]
            same_first_page += pages["before"] == pages["now"]
    busy = busy_since(cpu)
    backend.client.indices.delete(index=before_index, ignore_unavailable=True)

    def summary(values):
        return {"p50": round(percentile(values, 0.5), 2), "p95": round(percentile(values, 0.95), 2)}

    result = {
        "queries": len(queries),
        "rounds": rounds,
        "raw_client_ms": {name: summary(values) for name, values in times.items()},
        "es_took_ms": {name: summary(values) for name, values in took.items()},
        "median_total": {name: statistics.median(values) for name, values in totals.items()},
        "same_first_page_share": round(same_first_page / (len(queries) * rounds), 3),
        "cpu_busy_pct": round(busy, 1),
        "loadavg_before": " ".join(load_before),
        "loadavg_after": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }
    for key in ("p50", "p95"):
        result[f"ratio_{key}"] = round(result["raw_client_ms"]["now"][key] / result["raw_client_ms"]["before"][key], 3)
    return result


# --------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 documents and 50 queries (a smoke run)")
    parser.add_argument("--docs", type=int, help="documents to generate (default 100,000; quick 10,000)")
    parser.add_argument("--queries", type=int, help="queries to time (default 200; quick 50)")
    parser.add_argument("--warmup", type=int, default=20, help="queries run first and not counted (default 20)")
    parser.add_argument("--batch-size", type=int, default=500, help="documents per bulk request (default 500)")
    parser.add_argument("--seed", type=int, default=4, help="random seed of the data and the queries")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark's index and rows afterwards")
    parser.add_argument("--output", type=Path, help="JSON file (default benchmarks/results/search-<date>.json)")
    parser.add_argument(
        "--compare",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="also time the body before #24's speed work against today's, interleaved, ROUNDS times over the queries",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the rows and index a --keep run left (no data, no rebuild)"
    )
    args = parser.parse_args()
    docs = args.docs or (10_000 if args.quick else 100_000)
    n_queries = args.queries or (50 if args.quick else 200)

    for name in ("DATABASE_URL", "ELASTICSEARCH_URL"):
        if not os.environ.get(name):
            sys.exit(f"{name} is not set: run it with ./run bench search")
        check_local(os.environ[name], name)
    os.environ["ELASTICSEARCH_INDEX_PREFIX"] = INDEX_PREFIX
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from search.backend import get_backend

    load_before = uptime()
    say(f"machine: {load_before}")
    call_command("migrate", verbosity=0, interactive=False)
    backend = get_backend()
    if backend.name != "elasticsearch":
        sys.exit("The search backend is not Elasticsearch: set ELASTICSEARCH_URL.")
    server = backend.server_info()
    rng = random.Random(args.seed)

    if args.reuse:
        data, member, rebuilt = reused(backend)
        say(f"reusing {rebuilt['documents']:,} documents of a --keep run (no rebuild timed)")
    else:
        say(f"generating {docs:,} documents' rows in PostgreSQL…")
        data = prepare_data(docs, rng)
        member = data.pop("member")
        say(
            f"  {data['best_practices']:,} best practices, {data['messages']:,} messages, "
            f"{data['organisations']:,} organisations in {data['seconds']} s"
        )

        say("rebuilding the index (rebuild_index's code path)…")
        rebuilt = rebuild(backend, args.batch_size)
        say(f"  {rebuilt['documents']:,} documents in {rebuilt['seconds']} s ({rebuilt['docs_per_s']:,} docs/s)")

    say(f"timing {n_queries} queries (after {args.warmup} warm-up) through search.query and the raw client…")
    queries = make_queries(n_queries + args.warmup, random.Random(args.seed + 1), data["axes"])
    timed = time_queries(backend, member, queries[: args.warmup], queries[args.warmup :])
    compared = None
    if args.compare:
        say(f"comparing the body before the speed work with today's, interleaved, {args.compare} round(s)…")
        compared = compare_bodies(backend, member, queries[: args.warmup], queries[args.warmup :], args.compare)
    load_after = uptime()

    rows = [
        ("documents indexed", f"{rebuilt['documents']:,}", ""),
        ("rebuild, end to end", f"{rebuilt['seconds']} s", f"target < {TARGETS['rebuild_s']:.0f} s"),
        ("  of which reading + to_document", f"{rebuilt['reading_alone_s']} s", "(measured alone)"),
        ("bulk indexing rate", f"{rebuilt['docs_per_s']:,} docs/s", ""),
        ("query p50: search.query / raw client", f"{timed['wrapper_ms']['p50']} / {timed['raw_client_ms']['p50']} ms",
         f"×{timed['ratio_p50']}"),
        ("query p95: search.query / raw client", f"{timed['wrapper_ms']['p95']} / {timed['raw_client_ms']['p95']} ms",
         f"×{timed['ratio_p95']} (target p95 < {TARGETS['p95_ms']:.0f} ms, ×{TARGETS['overhead_ratio']})"),
        ("Elasticsearch 'took' p50 / p95", f"{timed['es_took_ms']['p50']} / {timed['es_took_ms']['p95']} ms", ""),
        ("grants lookup (in search.query) p50", f"{timed['grants_lookup_ms']['p50']} ms", ""),
        ("median hits per query", f"{timed['median_total_hits']}", f"{timed['queries_with_no_hit']} with none"),
        ("CPU busy, rebuild / queries", f"{rebuilt['cpu_busy_pct']} / {timed['cpu_busy_pct']} %", "both cores"),
    ]  # fmt: skip
    say()
    width = max(len(r[0]) for r in rows)
    for label, value, note in rows:
        print(f"  {label:<{width}}  {value:>22}  {note}")
    if compared:
        before, now = compared["raw_client_ms"]["before"], compared["raw_client_ms"]["now"]
        took_before, took_now = compared["es_took_ms"]["before"], compared["es_took_ms"]["now"]
        print()
        print(f"  same run, raw client, {compared['queries']} queries × {compared['rounds']}, interleaved:")
        print(f"    p50  before {before['p50']:>8} ms   now {now['p50']:>8} ms   ×{compared['ratio_p50']}")
        print(f"    p95  before {before['p95']:>8} ms   now {now['p95']:>8} ms   ×{compared['ratio_p95']}")
        print(f"    'took' p95  before {took_before['p95']} ms   now {took_now['p95']} ms")
        print(f"    median total  before {compared['median_total']['before']}   now {compared['median_total']['now']}")
        print(f"    same first page (ids, order): {compared['same_first_page_share']:.1%}")
        print(f"    load average {compared['loadavg_before']} → {compared['loadavg_after']}, "
              f"CPU busy {compared['cpu_busy_pct']} %")  # fmt: skip
    say()
    say(f"load before: {load_before}")
    say(f"load after:  {load_after}")
    say("Figures are indicative: the machine is shared (see the load above).")

    verdict = {
        "rebuild_under_60s": rebuilt["seconds"] < TARGETS["rebuild_s"],
        "p95_under_50ms": timed["wrapper_ms"]["p95"] < TARGETS["p95_ms"],
        "overhead_under_1_5x": timed["ratio_p95"] < TARGETS["overhead_ratio"],
    }
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    output = args.output or RESULTS_DIR / f"search-{stamp}{'-quick' if args.quick else ''}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    output.write_text(
        json.dumps(
            {
                "benchmark": "search",
                "quick": args.quick,
                "config": {
                    "docs": docs,
                    "queries": n_queries,
                    "warmup": args.warmup,
                    "batch_size": args.batch_size,
                    "seed": args.seed,
                },
                "machine": {
                    "cores": os.cpu_count(),
                    "python": platform.python_version(),
                    "kernel": platform.release(),
                    "load_before": load_before,
                    "load_after": load_after,
                    "commit": commit.stdout.strip(),
                },
                "server": server,
                "data": data,
                "rebuild": rebuilt,
                "queries": timed,
                "compared_with_before": compared,
                "targets": TARGETS,
                "verdict": verdict,
            },
            indent=2,
            ensure_ascii=False,
        )  # fmt: skip
        + "\n"
    )
    say(f"targets met: {verdict}")
    say(f"figures written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    if not args.keep:
        backend.drop()


if __name__ == "__main__":
    main()
