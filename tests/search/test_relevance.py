"""The judged relevance (tests/data/search_judgements.json) does not fall behind the committed figures.

The demo is loaded once and indexed in each available backend; nDCG@10 over the judged queries may
not drop more than 0.02 below the newest benchmarks/results/relevance-*.json (`./run bench relevance`
writes one; commit it with the change that moved the figures).
"""

import io

import pytest
from django.core.management import call_command

from benchmarks.relevance import evaluate, index_demo, load_judgements, previous_results, score_query, searcher_grants
from tests.search.support import available_configs, use_backend

TOLERANCE = 0.02


def test_score_of_one_query_counts_grades_rank_and_shared_titles():
    judged = {"relevant": [{"type": "t", "title": "A", "grade": 3}, {"type": "t", "title": "B", "grade": 1}]}
    counts = {("t", "A"): 2, ("t", "B"): 1}
    perfect = score_query(judged, [("t", "A"), ("t", "A"), ("t", "B")], counts)
    assert perfect == {"ndcg": pytest.approx(1.0), "rr": 1.0, "top3": True}
    late = score_query(judged, [("t", "X"), ("t", "Y"), ("t", "Z"), ("t", "B")], counts)
    assert late["rr"] == 0.25 and not late["top3"] and 0 < late["ndcg"] < 0.2
    assert score_query(judged, [], counts) == {"ndcg": 0.0, "rr": 0.0, "top3": False}


def test_judged_set_is_large_and_names_demo_searchers():
    judgements = load_judgements()
    assert len(judgements) >= 60
    assert {judged["as"] for judged in judgements} == {"visitor", "member", "coordinator"}
    assert all(
        judged["relevant"] and all(1 <= item["grade"] <= 3 for item in judged["relevant"]) for judged in judgements
    )


def test_judged_relevance_does_not_drop_below_the_committed_figures(db, settings):
    committed = previous_results()
    assert committed is not None, "no benchmarks/results/relevance-*.json committed"
    call_command("load_demo", stdout=io.StringIO())
    judgements, grants = load_judgements(), searcher_grants()
    for param in available_configs():
        with use_backend(settings, param.values[0]) as backend:
            counts = index_demo(backend)
            titles = {(judged_item["type"], judged_item["title"]) for j in judgements for judged_item in j["relevant"]}
            assert not titles - set(counts), f"judged documents missing from the demo: {titles - set(counts)}"
            result = evaluate(backend, judgements, counts, grants)
            floor = committed["backends"][backend.name]["ndcg_at_10"] - TOLERANCE
            worst = sorted(result["queries"], key=lambda row: row["ndcg"])[:5]
            assert result["summary"]["ndcg_at_10"] >= floor, (backend.name, result["summary"], worst)
