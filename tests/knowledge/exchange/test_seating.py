"""Seating: every firm once, tables of 3 to 5 (fewer only when there are fewer firms), zones together."""

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.exchange import seating

firms_and_zones = st.integers(min_value=3, max_value=60).flatmap(
    lambda n: st.integers(min_value=1, max_value=8).flatmap(
        lambda zones: st.lists(st.integers(min_value=0, max_value=zones - 1), min_size=n, max_size=n)
    )
)


def greedy_baseline(firms):
    """The obvious way: firms sorted by zone, tables filled one after the other to the same sizes."""
    ordered = sorted(firms, key=lambda firm: (str(firm[1]), firm[0]))
    tables, start = [], 0
    for size in seating.table_sizes(len(firms)):
        tables.append([firm for firm, _zone in ordered[start : start + size]])
        start += size
    return tables


@settings(max_examples=300, deadline=None)
@given(firms_and_zones)
def test_every_firm_is_seated_once_at_a_table_of_three_to_five_with_zones_kept_together(zones):
    firms = [(f"firm-{i}", zone) for i, zone in enumerate(zones)]
    plan = seating.plan_tables(firms)

    seated = [firm for table in plan for firm in table]
    assert Counter(seated) == Counter(firm for firm, _zone in firms)
    assert all(seating.MIN_SIZE <= len(table) <= seating.MAX_SIZE for table in plan)
    zone_of = dict(firms)
    assert seating.cohesion(plan, zone_of) >= seating.cohesion(greedy_baseline(firms), zone_of)


@pytest.mark.parametrize("count", [1, 2])
def test_fewer_than_three_firms_share_one_table(count):
    plan = seating.plan_tables([(i, "z") for i in range(count)])
    assert plan == [list(range(count))]


def test_a_zone_of_five_fills_a_table_of_its_own_rather_than_being_split():
    firms = [(f"a{i}", "A") for i in range(5)] + [(f"b{i}", "B") for i in range(3)] + [(f"c{i}", "C") for i in range(2)]
    plan = seating.plan_tables(firms)
    assert sorted(len(table) for table in plan) == [5, 5]
    assert {"a0", "a1", "a2", "a3", "a4"} in [set(table) for table in plan]


def test_firms_without_a_zone_are_seated_but_not_counted_as_a_zone():
    firms = [(i, None) for i in range(7)]
    plan = seating.plan_tables(firms)
    assert sorted(len(table) for table in plan) == [3, 4]
    assert seating.cohesion(plan, dict(firms)) == 0
