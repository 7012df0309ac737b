"""What the page benchmarks (dashboard, calls_today, bourse_funnel) share: the options, the guard that
they only write to a local database, the timing of a page, the table with its baseline and the JSON
file of results. Each benchmark keeps only its data set and its pages."""

# ruff: noqa: S603, S607  (uptime and git, on PATH)
from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
BASELINE = "baseline: sign-in page"


def say(text: str = "") -> None:
    print(f"[bench] {text}" if text else "", flush=True)


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().strip()
    except OSError:
        return "unknown"


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return load_average()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def page_parser(doc: str, name: str) -> argparse.ArgumentParser:
    """The options every page benchmark has; the benchmark adds the size of its data set."""
    parser = argparse.ArgumentParser(
        description=doc.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer timed requests (the same data set)")
    parser.add_argument("--requests", type=int, help="timed requests per page (default 200, --quick 40)")
    parser.add_argument("--settings", default="benchmarks.settings")
    parser.add_argument("--output", help=f"JSON file (default benchmarks/results/{name}-<date>.json)")
    return parser


def django_ready(args, name: str) -> str | None:
    """Django set up on the local PostgreSQL of DATABASE_URL and migrated; returns the machine's load
    before the run, or None (with the reason said) when the database is not local: the benchmarks write."""
    database_url = os.environ.get("DATABASE_URL", "")
    host = urlparse(database_url).hostname if database_url else None
    if not database_url or host not in {"127.0.0.1", "localhost", "::1"}:
        say(f"DATABASE_URL must point at a PostgreSQL on 127.0.0.1 (./run bench {name} sets it): it writes there.")
        return None
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    load_before = uptime()
    say(f"machine before: {load_before}")
    say("migrating")
    call_command("migrate", interactive=False, verbosity=0)
    return load_before


def requests_of(args) -> int:
    return args.requests or (40 if args.quick else 200)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(connection: http.client.HTTPConnection, path: str, cookie: str = "") -> tuple[int, bytes]:
    headers = {"Accept-Language": "fr", **({"Cookie": cookie} if cookie else {})}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


@contextlib.contextmanager
def gunicorn(*, workers: int = 2, env: dict | None = None):
    """gunicorn serving portal.wsgi with `workers` sync workers on a free loopback port, as in production
    (docker/compose.yml), with the settings of this process; yields the port, stops it afterwards."""
    port = free_port()
    log = ROOT / "var" / "bench" / f"gunicorn-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "-b", f"127.0.0.1:{port}",
               "-w", str(workers)]  # fmt: skip
    with log.open("wb") as output:
        server = subprocess.Popen(
            command, env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}, stdout=output,
            stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if http_get(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/robots.txt")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"gunicorn did not start, see {log}")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=15)


def cookie_of(client) -> str:
    """The Cookie header of a test client's session (signed in with force_login), for a real server."""
    return "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())


def time_page_over_http(client, url: str, *, port: int, requests: int, warmup: int) -> dict:
    """Queries counted in this process with the test client; times measured on the server at `port`,
    one keep-alive connection, requests one after the other, with the client's session cookie."""
    row = time_page(client, url, requests=0, warmup=1)
    cookie = cookie_of(client)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(warmup):
        status, _body = http_get(connection, url, cookie)
        assert status == 200, (url, status)
    durations = []
    for _ in range(requests):
        start = time.perf_counter()
        status, body = http_get(connection, url, cookie)
        durations.append((time.perf_counter() - start) * 1000)
        assert status == 200, (url, status)
    connection.close()
    return {
        **row,
        "requests": requests,
        "p50_ms": round(statistics.median(durations), 2),
        "p95_ms": round(percentile(durations, 0.95), 2),
        "p99_ms": round(percentile(durations, 0.99), 2),
        "max_ms": round(max(durations), 2),
        "bytes": len(body),
    }


def time_page(client, url: str, *, requests: int, warmup: int) -> dict:
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    # Each request empties the query log when it starts: keep it for the one request counted.
    request_started.disconnect(reset_queries)
    reset_queries()  # a full log (DEBUG) stays at its maximum length and would count nothing
    try:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        query_count = len(captured)  # now: the captured list is read from the log, which the next request empties
    finally:
        request_started.connect(reset_queries)
    durations = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    if not durations:
        return {"url": url, "queries": query_count}
    return {
        "url": url,
        "requests": requests,
        "p50_ms": round(statistics.median(durations), 2),
        "p95_ms": round(percentile(durations, 0.95), 2),
        "p99_ms": round(percentile(durations, 0.99), 2),
        "max_ms": round(max(durations), 2),
        "queries": query_count,
        "bytes": len(response.content),
    }


def time_pages_and_report(
    name: str,
    pages: list,
    *,
    args,
    data: dict,
    private: set,
    measured: str | list[str],
    target_ms: float,
    load_before: str,
    port: int | None = None,
    extra: dict | None = None,
) -> int:
    """Times each (label, client, url) of `pages` (the first being the baseline), prints the table with
    each p95 against the baseline's of the same run and the verdict on `measured` (one page or several),
    and writes the JSON. With `port`, the pages are timed over HTTP on that server (see gunicorn())."""
    requests = requests_of(args)
    results = {}
    for label, who, url in pages:
        say(f"timing {label} ({requests} requests{' over HTTP' if port else ''})")
        if port:
            results[label] = time_page_over_http(who, url, port=port, requests=requests, warmup=max(5, requests // 10))
        else:
            results[label] = time_page(who, url, requests=requests, warmup=max(5, requests // 10))
    load_after = uptime()

    baseline = results[pages[0][0]]["p95_ms"]
    width = max(len(label) for label in results) + 2
    say()
    say(f"{'page':<{width}} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'p95/base':>9} {'queries':>8}")
    for label, row in results.items():
        ratio = row["p95_ms"] / baseline if baseline else float("nan")
        say(f"{label:<{width}} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['max_ms']:>8.1f} "
            f"{ratio:>8.1f}x {row['queries']:>8}")  # fmt: skip
    judged = [measured] if isinstance(measured, str) else measured
    say()
    verdicts = {}
    for label in judged:
        p95 = results[label]["p95_ms"]
        verdicts[label] = "OK" if p95 < target_ms else "OVER TARGET"
        say(f"{label} p95 {p95:.1f} ms (target < {target_ms:.0f} ms): {verdicts[label]}")
    verdict = "OK" if all(value == "OK" for value in verdicts.values()) else "OVER TARGET"
    say(f"machine after: {load_after}")
    say("Figures are indicative: the machine is shared; compare p95/base ratios between runs.")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    output = Path(args.output) if args.output else RESULTS_DIR / f"{name}-{stamp}{'-quick' if args.quick else ''}.json"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    output.write_text(json.dumps({
        "config": {**vars(args), "requests": requests},
        "data": {key: value for key, value in data.items() if key not in private},
        "results": results,
        "target_p95_ms": target_ms,
        "verdict": verdict,
        **({"verdicts": verdicts} if len(judged) > 1 else {}),
        **(extra or {}),
        "machine": {"uptime_before": load_before, "uptime_after": load_after, "cpus": os.cpu_count(),
                    "python": platform.python_version(), "platform": platform.platform(), "commit": commit},
    }, indent=2, ensure_ascii=False) + "\n")  # fmt: skip
    say(f"written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    return 0
