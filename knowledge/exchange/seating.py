"""Seating a session's firms at round tables: pure functions, no database (tested with hypothesis).

Tables hold at most 5 firms and at least 3 unless there are fewer than 3 firms in all; firms of
the same zone sit together as far as possible. Cohesion is measured as the number of pairs of
same-zone firms sharing a table: the more, the better.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence

MAX_SIZE = 5
MIN_SIZE = 3


def table_sizes(count: int, *, max_size: int = MAX_SIZE) -> list[int]:
    """As few tables as the maximum allows, filled as evenly as possible (so none under 3 from 3 firms on)."""
    if count <= 0:
        return []
    tables = math.ceil(count / max_size)
    base, extra = divmod(count, tables)
    return [base + 1] * extra + [base] * (tables - extra)


def cohesion(tables: Sequence[Sequence[Hashable]], zone_of: dict) -> int:
    """Pairs of firms of the same (known) zone sitting at the same table."""
    total = 0
    for table in tables:
        counts = Counter(zone_of[firm] for firm in table if zone_of[firm] is not None)
        total += sum(n * (n - 1) // 2 for n in counts.values())
    return total


def _sequential(firms_by_zone: list[list], sizes: list[int]) -> list[list]:
    """Fills the tables one after the other, zone after zone."""
    queue = [firm for group in firms_by_zone for firm in group]
    tables, start = [], 0
    for size in sizes:
        tables.append(queue[start : start + size])
        start += size
    return tables


def _best_fit(firms_by_zone: list[list], sizes: list[int]) -> list[list]:
    """Largest zones first; each zone's firms go to the table with the most room left, a zone that
    does not fit anywhere whole is split over the roomiest tables."""
    room = list(sizes)
    tables: list[list] = [[] for _ in sizes]
    for group in sorted(firms_by_zone, key=len, reverse=True):
        remaining = list(group)
        while remaining:
            # Prefer the tightest table that takes the rest whole; otherwise the roomiest one.
            fitting = [i for i, free in enumerate(room) if free >= len(remaining)]
            if fitting:
                index = min(fitting, key=lambda i: (room[i], i))
            else:
                index = max(range(len(room)), key=lambda i: (room[i], -i))
            take = min(room[index], len(remaining))
            tables[index].extend(remaining[:take])
            room[index] -= take
            remaining = remaining[take:]
    return tables


def plan_tables(firms: Sequence[tuple[Hashable, Hashable | None]]) -> list[list]:
    """[(firm, zone or None), …] → tables (lists of firms), each firm once, sizes from table_sizes().

    Tries a sequential fill and a best-fit packing of the zones and keeps the more cohesive plan.
    """
    firms = list(firms)
    sizes = table_sizes(len(firms))
    if not sizes:
        return []
    zone_of = dict(firms)
    groups: dict = defaultdict(list)
    for firm, zone in firms:
        groups[zone].append(firm)
    known = [groups[zone] for zone in sorted((z for z in groups if z is not None), key=str)]
    unknown = [[firm] for firm in groups.get(None, [])]  # firms without a zone are not a group
    by_size = sorted(known, key=len, reverse=True) + unknown
    candidates = [_sequential(by_size, sizes), _sequential(known + unknown, sizes), _best_fit(known + unknown, sizes)]
    return max(candidates, key=lambda plan: cohesion(plan, zone_of))
