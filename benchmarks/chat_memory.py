"""What a chat connection holds in daphne: tracemalloc snapshots before and after N connections.

    python benchmarks/chat_memory.py [--clients 300] [--rooms 25]   (DATABASE_URL and REDIS_URL set)

Starts ONE daphne (portal.asgi, PORTAL_TRACEMALLOC) on the chat benchmark's data, connects one
client per room first (so the rooms' subscriptions and every code path are warm), takes a snapshot,
connects the other clients, takes another, and prints what the difference holds per connection,
by allocation site and by file. tracemalloc counts Python's allocations only (not the kernel's
socket buffers nor the allocator's slack), so the total is below the RSS per connection that
benchmarks/chat.py reports; what matters here is which objects make it.
"""

# ruff: noqa: S603, S607
from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import signal
import sys
import tracemalloc
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import chat  # noqa: E402

SETTINGS = chat.SETTINGS


async def snapshot(child, path: str, number: int, timeout: float = 120) -> tracemalloc.Snapshot:
    target = Path(f"{path}.{number}")
    os.kill(child.pid, signal.SIGUSR2)
    deadline = chat.now() + timeout
    while not target.exists():
        if chat.now() > deadline:
            raise chat.BenchError(f"no snapshot {target} after {timeout:.0f} s")
        await asyncio.sleep(0.2)
    return await asyncio.to_thread(tracemalloc.Snapshot.load, str(target))


def site(trace) -> str:
    """The first frame outside the standard library's generic containers: where the object is made."""
    for frame in trace:
        return f"{frame.filename.split('site-packages/')[-1].replace(str(chat.ROOT) + '/', '')}:{frame.lineno}"
    return "?"


async def amain(args) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "PYTHONUNBUFFERED": "1"}
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    chat.CONNECT_CONCURRENCY = 10  # one handshake at a time is what daphne's one loop does anyway
    specs, _facts = await asyncio.to_thread(chat.prepare_data, args.clients, args.rooms, env)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    chat.LOG_DIR.mkdir(parents=True, exist_ok=True)
    path = str(chat.LOG_DIR / f"chat-memory-{stamp}.snapshot")
    port = chat.free_port()
    child = chat.start_child(
        "daphne",
        # tracemalloc slows every handshake down
        chat.daphne_command(port, "portal.asgi:application", "--websocket_connect_timeout", "300"),
        {**env, "PORTAL_TRACEMALLOC": path, "PORTAL_TRACEMALLOC_FRAMES": "6"},
        chat.LOG_DIR / f"chat-memory-{stamp}-daphne.log",
        None,
    )
    try:
        await chat.wait_for_port(port, child, 120)
        first = [spec for spec in specs if spec["index"] < args.rooms]
        rest = [spec for spec in specs if spec["index"] >= args.rooms]
        warm = chat.Generator(first, args.rooms)
        await warm.connect_all(port, True, 120)
        await asyncio.sleep(2)
        before = await snapshot(child, path, 1)
        rss_before = chat.rss_kib(child.pid)
        measured = chat.Generator(rest, args.rooms)
        await measured.connect_all(port, True, 300)
        await asyncio.sleep(2)
        after = await snapshot(child, path, 2)
        rss_after = chat.rss_kib(child.pid)
        n = len(rest)
        filters = [tracemalloc.Filter(False, tracemalloc.__file__)]
        before, after = before.filter_traces(filters), after.filter_traces(filters)
        by_line = after.compare_to(before, "lineno")
        by_file = after.compare_to(before, "filename")
        by_trace = after.compare_to(before, "traceback")
        total = sum(stat.size_diff for stat in by_line)
        result = {
            "benchmark": "chat_memory",
            "started": stamp,
            "load_average": os.getloadavg(),
            "connections_measured": n,
            "rooms": args.rooms,
            "python_bytes_per_connection": round(total / n),
            "rss_kib_per_connection": round((rss_after - rss_before) / n, 1),
            "by_file": [
                {"file": site([stat.traceback[0]]).rsplit(":", 1)[0], "bytes_per_connection": round(stat.size_diff / n)}
                for stat in by_file[: args.top]
            ],
            "by_line": [
                {
                    "site": site(stat.traceback),
                    "bytes_per_connection": round(stat.size_diff / n),
                    "objects_per_connection": round(stat.count_diff / n, 2),
                }
                for stat in by_line[: args.top]
            ],
            "by_traceback": [
                {
                    "bytes_per_connection": round(stat.size_diff / n),
                    "stack": [f"{site([f])}" for f in list(stat.traceback)[-6:]],
                }
                for stat in by_trace[: args.top // 2]
            ],
        }
        await measured.close_all(60)
        await warm.close_all(60)
        return result
    finally:
        chat.stop_children()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--rooms", type=int, default=25)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    result = asyncio.run(amain(args))
    grouped = defaultdict(int)
    for row in result["by_file"]:
        grouped[row["file"]] += row["bytes_per_connection"]
    print(
        f"{result['connections_measured']} connections: {result['python_bytes_per_connection'] / 1024:.1f} KiB "
        f"of Python objects each (tracemalloc), RSS {result['rss_kib_per_connection']} KiB each; "
        f"load {' '.join(f'{x:.2f}' for x in result['load_average'])}"
    )
    for row in result["by_line"]:
        print(f"{row['bytes_per_connection']:>8} B  {row['objects_per_connection']:>6}  {row['site']}")
    print("by file:")
    for row in result["by_file"]:
        print(f"{row['bytes_per_connection']:>8} B  {row['file']}")
    output = args.output or chat.RESULTS_DIR / f"chat_memory-{datetime.datetime.now(datetime.UTC):%Y%m%d-%H%M%S}.json"
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"figures written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
