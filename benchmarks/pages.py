"""Public pages benchmark: the demo site's home page and an axis page for anonymous visitors, served
by daphne, against a trivial Django view (robots.txt, a template with no query) of the same server.

Run it with `./run bench pages [--quick]` (which starts PostgreSQL, Redis and Elasticsearch and sets
DATABASE_URL); see benchmarks/README.md.

What it does, in one run:
  1. migrate and `load_demo` into the database of DATABASE_URL (benchmarks.settings; safe to repeat);
  2. counts the SQL queries of one anonymous request of each page in this process (test client);
  3. starts daphne on a free loopback port and, for each page, after a warm-up: N sequential
     requests (latency p50/p95/p99) then the same N spread over C concurrent connections
     (requests per second), the trivial view measured by the same process as the baseline;
  4. prints a table with each page's ratio to the trivial view and writes everything to
     benchmarks/results/pages-<date>.json, with the machine's load before and after.
Steps 3 and 4 run for each server (daphne; gunicorn too when installed) three times: with the
anonymous page cache off (PAGE_CACHE_SECONDS=0: every request builds the page), the same without the
shared fragments either (PAGE_FRAGMENT_SECONDS=0: the home page's figures and the site's sections read,
its blocks, header and footer rendered, on every request, as before #22; --no-fragment-baseline skips
it), and with the page cache on (every timed request is answered from the Redis page cache; the script checks the
X-Page-Cache header says so).
Targets: uncached home page p95 under 60 ms and at least 130 requests/s on gunicorn's 2 workers (#22);
cached home page p95 within 2x of the trivial view.
"""

# ruff: noqa: S603, S607
from __future__ import annotations

import argparse
import datetime
import http.client
import importlib.util
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
P95_UNCACHED_TARGET_MS = 60.0
CACHED_RATIO_TARGET = 2.0
UNCACHED_RATE_TARGET = 130.0  # requests/s, gunicorn with 2 workers (#22)
SERVER_DESCRIPTIONS = {
    "daphne": "daphne, one process (the ASGI server; in production it serves /ws/ only)",
    "gunicorn": "gunicorn, 2 sync workers (what docker/compose.yml serves HTTP with, there 3 workers)",
}
sys.path.insert(0, str(ROOT))


def say(text: str = "") -> None:
    print(f"[bench] {text}" if text else "", flush=True)


def load_average() -> str:
    return Path("/proc/loadavg").read_text().strip()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(connection: http.client.HTTPConnection, path: str) -> float:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Accept-Language": "fr"})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}")
    return (time.perf_counter() - started) * 1000


def sequential(port: int, path: str, count: int, warmup: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(warmup):
        get(connection, path)
    timings = [get(connection, path) for _ in range(count)]
    connection.close()
    return timings


def concurrent(port: int, path: str, count: int, connections: int) -> float:
    """Requests per second with `connections` clients sharing `count` requests."""
    share = [count // connections + (1 if index < count % connections else 0) for index in range(connections)]
    errors: list[BaseException] = []

    def client(requests: int) -> None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for _ in range(requests):
                get(connection, path)
            connection.close()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=client, args=(requests,)) for requests in share]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return count / (time.perf_counter() - started)


def server_command(name: str, port: int) -> list[str]:
    if name == "daphne":
        return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "portal.asgi:application"]
    if name == "gunicorn":
        return [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "2"]
    raise SystemExit(f"unknown server {name!r}: daphne or gunicorn")


def cache_status(port: int, path: str) -> str | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Accept-Language": "fr"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.getheader("X-Page-Cache")


def measure(server_name, cache_seconds, pages, count, warmup, connections, queries, fragment_seconds="60") -> dict:
    """One server process with the page cache on or off (and the shared fragments kept or not, see
    cms.selectors.cached_fragment): every page's latency and throughput."""
    port = free_port()
    log = ROOT / "var" / f"bench-pages-{server_name}-{port}.log"
    log.parent.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "PAGE_CACHE_SECONDS": cache_seconds,
        "PAGE_FRAGMENT_SECONDS": fragment_seconds,
    }
    with log.open("wb") as output:
        server = subprocess.Popen(
            server_command(server_name, port), env=env, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/robots.txt")
                break
            except (OSError, RuntimeError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"{server_name} did not start, see {log}") from None
                time.sleep(0.2)
        rows = {}
        for name, path in pages.items():
            timings = sequential(port, path, count, warmup)
            status = cache_status(port, path)
            if name != "trivial view (robots.txt)" and (status == "hit") != (cache_seconds != "0"):
                raise RuntimeError(f"{path}: page cache status {status!r} with PAGE_CACHE_SECONDS={cache_seconds}")
            rate = concurrent(port, path, count, connections)
            rows[name] = {
                "path": path,
                "p50_ms": round(statistics.median(timings), 2),
                "p95_ms": round(percentile(timings, 0.95), 2),
                "p99_ms": round(percentile(timings, 0.99), 2),
                "requests_per_s": round(rate, 1),
                "queries": queries[fragment_seconds != "0"][name] if cache_seconds == "0" else 0,
                "page_cache": status,
            }
        return rows
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50 requests per page instead of 300")
    parser.add_argument("--requests", type=int, help="timed requests per page and per mode")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections for requests/s")
    parser.add_argument(
        "--servers", default="daphne,gunicorn", help="comma-separated: daphne (one process), gunicorn (2 workers)"
    )
    parser.add_argument(
        "--no-fragment-baseline",
        action="store_true",
        help="skip the uncached run without the shared fragments (PAGE_FRAGMENT_SECONDS=0)",
    )
    parser.add_argument("--settings", default="benchmarks.settings")
    parser.add_argument("--output", type=Path)
    options = parser.parse_args()
    count = options.requests or (50 if options.quick else 300)
    servers = [name.strip() for name in options.servers.split(",") if name.strip()]
    if "gunicorn" in servers and importlib.util.find_spec("gunicorn") is None:
        say("gunicorn is not installed here (requirements/prod.txt): measuring daphne only")
        servers.remove("gunicorn")
    warmup = max(5, count // 10)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", options.settings)
    os.environ["DJANGO_SETTINGS_MODULE"] = options.settings

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from cms.models import AxisPage

    load_before = load_average()
    say(f"load average before: {load_before}")
    say("migrate and load_demo …")
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)
    setup_s = time.perf_counter() - started
    axis = AxisPage.objects.live().order_by("path").first()
    pages = {"trivial view (robots.txt)": "/robots.txt", "home page": "/", "axis page": axis.url}

    queries = {True: {}, False: {}}  # with the shared fragments kept, without
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    for fragments in (True, False):
        with override_settings(PAGE_FRAGMENT_SECONDS=60 if fragments else 0):
            for name, path in pages.items():
                client.get(path)
                with CaptureQueriesContext(connection) as captured:
                    assert client.get(path).status_code == 200, path
                queries[fragments][name] = len(captured.captured_queries)
    connection.close()

    runs = {}
    for server_name in servers:
        modes = [("uncached", "0", "60"), ("cached", "300", "60")]
        if not options.no_fragment_baseline:
            modes.insert(1, ("uncached, no fragments", "0", "0"))
        for mode, cache_seconds, fragment_seconds in modes:
            label = f"{server_name}, {mode}"
            say(f"{label}: {count} sequential requests per page, then {count} over {options.connections} connections …")
            runs[label] = measure(
                server_name, cache_seconds, pages, count, warmup, options.connections, queries, fragment_seconds
            )

    say()
    heading = f"{'page':28} {'p50':>8} {'p95':>8} {'p99':>8} {'req/s':>8} {'p95/base':>9} {'queries':>8}"
    width = max(len(label) for label in runs)
    say(f"{'server, pages':{width}} {heading}")
    for label, rows in runs.items():
        base = rows["trivial view (robots.txt)"]
        for name, row in rows.items():
            row["p95_over_baseline"] = round(row["p95_ms"] / base["p95_ms"], 2)
            say(
                f"{label:{width}} {name:28} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['p99_ms']:8.1f} "
                f"{row['requests_per_s']:8.1f} {row['p95_over_baseline']:9.2f} {row['queries']:8d}"
            )
    # Production serves HTTP with gunicorn (docker/compose.yml): the targets are judged there.
    judged = "gunicorn" if "gunicorn" in servers else servers[0]
    uncached_home = runs[f"{judged}, uncached"]["home page"]
    cached_home = runs[f"{judged}, cached"]["home page"]
    throughput = uncached_home["requests_per_s"]
    verdicts = {
        "server": judged,
        "uncached_home_at_least_130_req_s": throughput >= UNCACHED_RATE_TARGET,
        "uncached_home_p95_under_60ms": uncached_home["p95_ms"] < P95_UNCACHED_TARGET_MS,
        "cached_home_within_2x_trivial": cached_home["p95_over_baseline"] <= CACHED_RATIO_TARGET,
    }
    for name in servers:
        home = runs[f"{name}, uncached"]["home page"]
        verdict = "met" if home["p95_ms"] < P95_UNCACHED_TARGET_MS else "NOT met"
        target = f"{P95_UNCACHED_TARGET_MS:.0f} ms"
        say(f"{name}: uncached home page p95 {home['p95_ms']} ms against the {target} target: {verdict}")
        ratio = runs[f"{name}, cached"]["home page"]["p95_over_baseline"]
        verdict = "met" if ratio <= CACHED_RATIO_TARGET else "NOT met"
        say(f"{name}: cached home page p95 ×{ratio} the trivial view's, target ×{CACHED_RATIO_TARGET:.0f}: {verdict}")
    for name in servers:
        rate = runs[f"{name}, uncached"]["home page"]["requests_per_s"]
        verdict = "met" if rate >= UNCACHED_RATE_TARGET else "NOT met"
        before = runs.get(f"{name}, uncached, no fragments", {}).get("home page", {}).get("requests_per_s")
        trivial = runs[f"{name}, uncached"]["trivial view (robots.txt)"]["requests_per_s"]
        same_run = f" (without the shared fragments {before} req/s" if before else " ("
        say(f"{name}: uncached home page {rate} req/s over {options.connections} connections{same_run}; "
            f"trivial view {trivial} req/s), target {UNCACHED_RATE_TARGET:.0f} req/s: {verdict}")  # fmt: skip
    say(f"targets judged on {judged} (the HTTP server of production)")
    load_after = load_average()
    say(f"load average after: {load_after}")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    output = options.output or RESULTS_DIR / f"pages-{stamp}{'-quick' if options.quick else ''}.json"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    output.write_text(
        json.dumps(
            {
                "benchmark": "pages",
                "config": {
                    "requests": count,
                    "warmup": warmup,
                    "connections": options.connections,
                    "servers": {name: SERVER_DESCRIPTIONS[name] for name in servers},
                    "settings": options.settings,
                },
                "machine": {
                    "cores": os.cpu_count(),
                    "python": platform.python_version(),
                    "load_before": load_before,
                    "load_after": load_after,
                    "git_commit": commit.stdout.strip(),
                },
                "setup_s": round(setup_s, 1),
                "runs": runs,
                "target": {
                    "uncached_home_p95_ms": P95_UNCACHED_TARGET_MS,
                    "cached_home_p95_over_trivial": CACHED_RATIO_TARGET,
                    "uncached_home_requests_per_s": UNCACHED_RATE_TARGET,
                    "met": verdicts,
                },
            },
            indent=2,
            ensure_ascii=False,
        )  # fmt: skip
        + "\n"
    )
    say(f"written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
