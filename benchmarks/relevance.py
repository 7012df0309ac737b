"""Relevance benchmark: how well the search answers what people type, on the demo cluster, judged.

Run it with `./run bench relevance` (which starts PostgreSQL and Elasticsearch and sets DATABASE_URL
and ELASTICSEARCH_URL). It loads the demo (manage.py load_demo, safe to run again), indexes it in
both backends (Elasticsearch under the prefix `ptce-relevance`, and the database backend's tables),
runs every query of tests/data/search_judgements.json as the searcher it names, and computes:

  - nDCG@10: the graded gain of the first ten hits (2^grade - 1, discounted by log2 of the rank + 1)
    over the best ordering of the judged documents; 1.0 is a perfect ordering;
  - MRR: the mean of 1 / rank of the first relevant hit (0 when none in the first ten);
  - top-3: the share of queries with a relevant document among the first three hits.

The figures are printed beside the previous run's (the newest benchmarks/results/relevance-*.json)
and written to a new results file; tests/search/test_relevance.py fails when nDCG@10 falls more than
0.02 below the newest committed figure. The per-query figures show which queries fail (--verbose).
"""

# ruff: noqa: S603, S607  (runs this project's own command: git)
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
JUDGEMENTS = ROOT / "tests" / "data" / "search_judgements.json"
INDEX_PREFIX = "ptce-relevance"
DEPTH = 10
TARGETS = {"ndcg_at_10": 0.85, "top_3": 0.90}
# The demo users whose grants a judged query runs with (see the judgements' "as").
SEARCHERS = {"member": "membre.recyclerie", "coordinator": "coordination.alimentation"}
DATABASE_CONFIG = {"BACKEND": "search.backends.database.DatabaseBackend"}


def say(text: str = "") -> None:
    print(f"[bench] {text}" if text else "", flush=True)


# --- Judgements and metrics (no Django here: the test imports these) ------------------------------


def load_judgements(path: Path = JUDGEMENTS) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["queries"]


def grades_of(judged: dict) -> dict[tuple[str, str], int]:
    """{(type, title): grade} of one judged query."""
    return {(item["type"], item["title"]): item["grade"] for item in judged["relevant"]}


def ideal_gains(judged: dict, counts: dict[tuple[str, str], int]) -> list[int]:
    """The grades of every judged document of the index, best first (a title several documents share
    counts once per document: the ideal list has all of them)."""
    return sorted(
        (grade for key, grade in grades_of(judged).items() for _copy in range(counts.get(key, 0))), reverse=True
    )


def dcg(grades: list[int]) -> float:
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades[:DEPTH]))


def score_query(judged: dict, hits: list[tuple[str, str]], counts: dict[tuple[str, str], int]) -> dict:
    """nDCG@10, reciprocal rank and top-3 of one query's hits [(type, title), …], best first."""
    grades = grades_of(judged)
    found = [grades.get(hit, 0) for hit in hits[:DEPTH]]
    ideal = dcg(ideal_gains(judged, counts))
    first = next((rank for rank, grade in enumerate(found, start=1) if grade > 0), None)
    return {
        "ndcg": dcg(found) / ideal if ideal else 0.0,
        "rr": 1 / first if first else 0.0,
        "top3": bool(first and first <= 3),
    }


def summarise(scores: list[dict]) -> dict:
    n = len(scores) or 1
    return {
        "queries": len(scores),
        "ndcg_at_10": round(sum(s["ndcg"] for s in scores) / n, 4),
        "mrr": round(sum(s["rr"] for s in scores) / n, 4),
        "top_3": round(sum(s["top3"] for s in scores) / n, 4),
    }


# --- Running the judged queries (Django set up, the demo loaded) ----------------------------------


def searcher_grants() -> dict[str, list[str]]:
    """The grants of each kind of searcher of the judgements, from the demo's users."""
    from django.contrib.auth import get_user_model

    from portal.members.demo import DEMO_EMAIL_DOMAIN
    from search import grants_for
    from search.documents import PUBLIC

    users = get_user_model().objects
    grants = {"visitor": [PUBLIC]}
    for kind, local_part in SEARCHERS.items():
        grants[kind] = grants_for(users.get(email=f"{local_part}@{DEMO_EMAIL_DOMAIN}"))
    return grants


def index_demo(backend) -> dict[tuple[str, str], int]:
    """Rebuilds `backend`'s index from the database, with the synonyms kept there (as rebuild_index
    does); returns how many documents have each (type, title)."""
    from search.indexing import documents_in_batches, push_synonyms

    counts: dict[tuple[str, str], int] = {}

    def counted():
        for batch in documents_in_batches():
            for document in batch:
                counts[document.type, document.title] = counts.get((document.type, document.title), 0) + 1
            yield batch

    push_synonyms(backend)
    backend.rebuild(counted())
    backend.refresh()
    return counts


def evaluate(backend, judgements: list[dict], counts, grants: dict[str, list[str]]) -> dict:
    """Runs every judged query on `backend`; returns the summary and each query's scores."""
    from search.api import clean_query

    per_query, timings = [], []
    for judged in judgements:
        text, _notice = clean_query(judged["query"])
        started = time.perf_counter()
        results = backend.search(text, grants=grants[judged["as"]], page_size=DEPTH)
        timings.append((time.perf_counter() - started) * 1000)
        hits = [(hit.type, hit.title) for hit in results.hits]
        score = score_query(judged, hits, counts)
        per_query.append({"query": judged["query"], **score, "total": results.total, "first": hits[:3]})
    timings.sort()
    summary = summarise(per_query)
    summary["p95_ms"] = round(timings[int(0.95 * (len(timings) - 1))], 1) if timings else 0.0
    return {"summary": summary, "queries": per_query}


def previous_results(directory: Path = RESULTS_DIR) -> dict | None:
    """The newest relevance results file (by its name: relevance-<date>-<time>.json), or None."""
    found = sorted(directory.glob("relevance-*.json"))
    return json.loads(found[-1].read_text(encoding="utf-8")) if found else None


def print_table(figures: dict, previous: dict | None) -> None:
    say()
    print(f"  {'backend':<14}{'figure':<12}{'now':>8}{'previous':>10}{'target':>9}")
    for name, result in figures.items():
        before = ((previous or {}).get("backends") or {}).get(name, {})
        for key in ("ndcg_at_10", "mrr", "top_3", "p95_ms"):
            target = f"≥ {TARGETS[key]:.2f}" if key in TARGETS and name == "elasticsearch" else ""
            old = before.get(key)
            print(f"  {name:<14}{key:<12}{result[key]:>8}{'' if old is None else old:>10}{target:>9}")
    say()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="print every query's figures and first hits")
    parser.add_argument("--backend", choices=["elasticsearch", "database", "both"], default="both")
    parser.add_argument("--output", type=Path, help="JSON file (default benchmarks/results/relevance-<date>.json)")
    parser.add_argument("--no-load", action="store_true", help="the demo is already loaded in DATABASE_URL")
    parser.add_argument("--no-write", action="store_true", help="print the figures, write no results file")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        sys.exit("DATABASE_URL is not set: run it with ./run bench relevance")
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from search.backend import load_backend

    call_command("migrate", verbosity=0, interactive=False)
    if not args.no_load:
        say("loading the demo (manage.py load_demo)…")
        call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    judgements = load_judgements()
    grants = searcher_grants()
    configs = {}
    if args.backend in ("elasticsearch", "both"):
        if not os.environ.get("ELASTICSEARCH_URL"):
            sys.exit("ELASTICSEARCH_URL is not set: run it with ./run bench relevance")
        configs["elasticsearch"] = {
            "BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
            "URL": os.environ["ELASTICSEARCH_URL"],
            "INDEX_PREFIX": INDEX_PREFIX,
        }
    if args.backend in ("database", "both"):
        configs["database"] = DATABASE_CONFIG

    figures, details = {}, {}
    for name, config in configs.items():
        backend = load_backend(config)
        counts = index_demo(backend)
        result = evaluate(backend, judgements, counts, grants)
        figures[name], details[name] = result["summary"], result["queries"]
        if backend.name == "elasticsearch":
            backend.drop()
        say(f"{name}: {len(judgements)} judged queries on {sum(counts.values())} demo documents")
        if args.verbose:
            for row in sorted(result["queries"], key=lambda row: row["ndcg"]):
                figures_of_query = f"{row['ndcg']:.2f} rr {row['rr']:.2f} total {row['total']:>3}"
                print(f"    {figures_of_query}  {row['query']!r}  {row['first']}")

    previous = previous_results()
    print_table(figures, previous)
    if args.no_write:
        return
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    output = args.output or RESULTS_DIR / f"relevance-{stamp}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    output.write_text(
        json.dumps(
            {
                "benchmark": "relevance",
                "commit": commit.stdout.strip(),
                "judgements": str(JUDGEMENTS.relative_to(ROOT)),
                "targets": TARGETS,
                "backends": figures,
                "queries": {
                    name: [{k: v for k, v in row.items() if k != "first"} for row in rows]
                    for name, rows in details.items()
                },
            },
            indent=1,
            ensure_ascii=False,
        )  # fmt: skip
        + "\n"
    )
    say(f"figures written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")


if __name__ == "__main__":
    main()
