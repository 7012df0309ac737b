"""Benchmark of the Bourse d'échanges: building a session's workbooks, and secretaries' toggles.

    ./run bench exchange [--quick] [--firms 30] [--sheets 10] [--rate 60] [--duration 30]

1. Workbooks. A session of 30 firms × 10 sheets (5 offers, 5 needs) × 2 rounds, every firm
   answering every sheet of the round (a YES one time in five): the background task that builds
   every firm's workbook, the zip and the organiser's workbook (tasks.build_workbooks, called
   inline) is timed, against a baseline in the same run: openpyxl writing the same YES rows
   into the same number of two-sheet workbooks from lists in memory (no database, no zip).
   Target of the issue: all workbooks in under 2 s.
2. Toggles. Secretaries' YES/NO toggles POSTed to the answer endpoint at a steady rate (60 per
   second by default, open loop: each is sent at its scheduled time whatever the others do), by
   one thread per table, each signed in as its table's secretary (session and CSRF cookies), over
   HTTP to gunicorn with 3 workers as in docker/compose.yml: middleware, session, permission
   checks, the service's INSERT … ON CONFLICT, the progress count and the broadcast to the Redis
   channel layer after the commit. `--in-process` sends them through Django's test client in
   this process instead (threads sharing one interpreter: the GIL, not the portal, sets the
   p95 there). The latency of each save is
   measured from its scheduled time, so falling behind shows. Baseline in the same run: the same
   number of bare INSERT … ON CONFLICT statements at the same rate through a cursor.
   Target of the issue: 60 toggles per second sustained, p95 under 50 ms.

Run directly (`.venv/bin/python benchmarks/exchange.py`) it needs DATABASE_URL and REDIS_URL on
127.0.0.1 and writes to that database (rows named bench-exchange-*, deleted first): never point it
at data you care about. Figures go to benchmarks/results/exchange-<date>[-quick].json with the
machine's load, since the machine is shared and the figures are indicative.
"""

import argparse
import contextlib
import datetime
import http.client
import io
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def check_environment() -> None:
    for name in ("DATABASE_URL", "REDIS_URL"):
        url = os.environ.get(name, "")
        host = urllib.parse.urlsplit(url).hostname
        if host not in ("127.0.0.1", "localhost"):
            sys.exit(f"{name} must point at a throw-away server on 127.0.0.1 (it is {url or 'unset'}).")


def setup_django(settings_module: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(latencies_ms: list[float], elapsed: float, scheduled: int) -> dict:
    return {
        "count": len(latencies_ms),
        "scheduled": scheduled,
        "achieved_per_s": round(len(latencies_ms) / elapsed, 1) if elapsed else 0,
        "p50_ms": round(percentile(latencies_ms, 0.50), 2),
        "p95_ms": round(percentile(latencies_ms, 0.95), 2),
        "p99_ms": round(percentile(latencies_ms, 0.99), 2),
        "max_ms": round(max(latencies_ms), 2) if latencies_ms else None,
    }


# --- Data ------------------------------------------------------------------------------------------


def prepare(firms: int, sheets: int):
    from django.contrib.auth import get_user_model

    from knowledge.exchange import services
    from knowledge.exchange.models import Direction, ExchangeSession, ResourceSheet
    from portal.members import services as member_services
    from portal.members.models import Organisation, PersonRole, Zone

    User = get_user_model()
    ExchangeSession.objects.filter(title__startswith="bench-exchange").delete()
    Organisation.objects.filter(slug__startswith="bench-exchange").delete()
    User.objects.filter(username__startswith="bench-exchange").delete()
    Zone.objects.filter(slug__startswith="bench-exchange").delete()

    zones = [Zone.objects.create(name=f"bench-exchange zone {i}", slug=f"bench-exchange-zone-{i}") for i in range(3)]
    organiser = User.objects.create_user("bench-exchange-organiser", "organiser@bench.test", "x")
    host = Organisation.objects.create(name="bench-exchange host", slug="bench-exchange-host", kind="association")
    member_services.person_create(user=organiser, organisation=host, role=PersonRole.ORGANISER)
    session = ExchangeSession.objects.create(title="bench-exchange session", date=datetime.date.today(), venue="x")
    organisations = []
    for i in range(firms):
        firm = Organisation.objects.create(
            name=f"bench-exchange firm {i:02d}", slug=f"bench-exchange-firm-{i}", kind="association",
            zone=zones[i % 3], email=f"firm{i}@bench.test", phone="05 00 00 00 00",
        )  # fmt: skip
        user = User.objects.create_user(f"bench-exchange-firm-{i}", f"contact{i}@bench.test", "x", first_name="Contact")
        member_services.person_create(user=user, organisation=firm)
        for j in range(sheets):
            ResourceSheet.objects.create(
                organisation=firm, direction=Direction.OFFER if j % 2 == 0 else Direction.NEED, category="materials",
                title=f"Ressource {i}-{j}", description="Palettes, cartons et chutes de bois disponibles chaque mois.",
            )  # fmt: skip
        services.registration_add(session=session, organisation=firm, by=organiser)
        organisations.append(firm)
    tables = services.seating_plan(session=session, by=organiser)
    secretaries = []
    for table in tables:
        user = User.objects.create_user(f"bench-exchange-secretary-{table.number}", "", "x")
        person = member_services.person_create(user=user, organisation=host)
        services.table_assign(table=table, facilitator=None, secretary=person, by=organiser)
        secretaries.append(user)
    return session, tables, secretaries, organiser


def answer_everything(session, tables, organiser, rng) -> int:
    """Two rounds in which every seated firm answers every sheet of the round (inserted in bulk)."""
    from django.utils import timezone

    from knowledge.exchange import services
    from knowledge.exchange.models import Interest, ResourceSheet

    rows = []
    for round_number in (1, 2):
        session = services.round_advance(session=session, by=organiser)
        sheets = list(ResourceSheet.objects.filter(organisation__exchange_registrations__session=session,
                                                   direction=session.current_direction))  # fmt: skip
        for table in tables:
            for firm_id in table.registrations.values_list("organisation_id", flat=True):
                for sheet in sheets:
                    if sheet.organisation_id != firm_id:
                        rows.append(Interest(
                            session=session, round=round_number, sheet=sheet, organisation_id=firm_id,
                            interested=rng.random() < 0.2, table=table, recorded_at=timezone.now(),
                        ))  # fmt: skip
    Interest.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# --- 1. Workbooks ------------------------------------------------------------------------------------


def bench_workbooks(session, organiser) -> dict:
    from openpyxl import Workbook

    from knowledge.exchange import exports
    from knowledge.exchange.models import ExportStatus, Interest, WorkbookExport
    from knowledge.exchange.tasks import build_workbooks

    # The organiser's workbook alone (every answer of the session), for the split below.
    start = time.perf_counter()
    exports.organiser_workbook(session)
    organiser_s = time.perf_counter() - start
    export = WorkbookExport.objects.create(session=session, total_count=session.registrations.count())
    start = time.perf_counter()
    built = build_workbooks.call(export.pk)
    portal_s = time.perf_counter() - start
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE, export.error

    # Baseline: the same rows from memory, written by openpyxl alone.
    yes = list(Interest.objects.filter(session=session, interested=True).values_list("organisation_id", "sheet__title"))
    by_firm = {}
    for firm_id, title in yes:
        by_firm.setdefault(firm_id, []).append([title, "Description", "Organisation", "Contact", "e@x", "05"])
    start = time.perf_counter()
    for firm_id in session.registrations.values_list("organisation_id", flat=True):
        workbook = Workbook()
        first = workbook.active
        second = workbook.create_sheet("b")
        for index, row in enumerate(by_firm.get(firm_id, [])):
            (first if index % 2 else second).append(row)
        workbook.save(io.BytesIO())
    baseline_s = time.perf_counter() - start
    return {
        "firm_workbooks": built,
        "yes_rows": len(yes),
        "zip_bytes": len(bytes(export.archive)),
        "portal_s": round(portal_s, 3),
        "of_which_organiser_workbook_s": round(organiser_s, 3),
        "baseline_openpyxl_only_s": round(baseline_s, 3),
        "ratio": round(portal_s / baseline_s, 2) if baseline_s else None,
        "target_s": 2.0,
        "meets_target": portal_s < 2.0,
    }


# --- 2. Toggles --------------------------------------------------------------------------------------


def run_open_loop(workers: list, rate: float, duration: float) -> tuple[list[float], float, int]:
    """Calls workers[i % n](i) at start + i / rate; returns latencies from the scheduled times (ms)."""
    total = int(rate * duration)
    latencies, lock = [], threading.Lock()
    start = time.perf_counter() + 0.2
    per_worker = [[i for i in range(total) if i % len(workers) == w] for w in range(len(workers))]

    def loop(worker, indices):
        for i in indices:
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            worker(i)
            done = time.perf_counter()
            with lock:
                latencies.append((done - due) * 1000)

    threads = [threading.Thread(target=loop, args=(w, ix)) for w, ix in zip(workers, per_worker, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return latencies, elapsed, total


def bench_toggles(session, tables, secretaries, rate: float, duration: float, rng, server_port=None) -> dict:
    """Toggles through gunicorn on `server_port` over HTTP, or through Django in this process."""
    from django.conf import settings
    from django.db import connection, connections
    from django.test import Client
    from django.urls import reverse

    from knowledge.exchange.models import ExchangeSession, ResourceSheet

    session = ExchangeSession.objects.get(pk=session.pk)
    sheets = list(
        ResourceSheet.objects.filter(organisation__exchange_registrations__session=session,
                                     direction=session.current_direction).values_list("pk", "organisation_id")
    )  # fmt: skip
    plans = []
    for table, secretary in zip(tables, secretaries, strict=True):
        firms = list(table.registrations.values_list("organisation_id", flat=True))
        toggles = [(sheet, firm) for sheet, owner in sheets for firm in firms if firm != owner]
        rng.shuffle(toggles)
        plans.append((table, secretary, toggles))

    def make_worker(table, secretary, toggles):
        client = Client()
        client.force_login(secretary)
        url = reverse("exchange:answer", args=[session.pk, table.number])
        failures = []
        if server_port:
            # Over HTTP, as the secretary's tablet: session and CSRF cookies, the token in a header.
            screen = reverse("exchange:table", args=[session.pk, table.number])
            cookies = {"sessionid": client.cookies[settings.SESSION_COOKIE_NAME].value}
            connection = http.client.HTTPConnection("127.0.0.1", server_port, timeout=30)
            connection.request("GET", screen, headers={"Cookie": f"sessionid={cookies['sessionid']}"})
            response = connection.getresponse()
            response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                    cookies["csrftoken"] = value.split(";", 1)[0].split("=", 1)[1]
            if response.status != 200 or "csrftoken" not in cookies:
                raise RuntimeError(f"secretary screen {screen}: HTTP {response.status}, no CSRF cookie")
            headers = {
                "Content-Type": "application/json",
                "X-CSRFToken": cookies["csrftoken"],
                "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
            }

        def toggle(i):
            sheet, firm = toggles[i % len(toggles)]
            body = json.dumps({"sheet": sheet, "organisation": firm, "interested": bool(i % 2)})
            if server_port:
                connection.request("POST", url, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            else:
                status = client.post(url, data=body, content_type="application/json").status_code
            if status != 200:
                failures.append(status)

        toggle.failures = failures
        return toggle

    workers = [make_worker(*plan) for plan in plans]
    latencies, elapsed, total = run_open_loop(workers, rate, duration)
    failures = sum(len(w.failures) for w in workers)
    connections.close_all()

    # Baseline: bare upserts of the same shape, at the same rate, one connection per worker thread.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS bench_upsert (a int, b int, c bool, PRIMARY KEY (a, b))")
    connection.close()

    def make_baseline_worker(index):
        from django.db import connection as thread_connection

        def upsert(i):
            with thread_connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TEMPORARY TABLE IF NOT EXISTS bench_upsert (a int, b int, c bool, PRIMARY KEY (a, b))"
                )
                cursor.execute(
                    "INSERT INTO bench_upsert VALUES (%s, %s, %s) ON CONFLICT (a, b) DO UPDATE SET c = EXCLUDED.c",
                    [i % 500, index, bool(i % 2)],
                )

        return upsert

    base_latencies, base_elapsed, base_total = run_open_loop(
        [make_baseline_worker(i) for i in range(len(workers))], rate, duration
    )
    connections.close_all()
    portal = summary(latencies, elapsed, total)
    baseline = summary(base_latencies, base_elapsed, base_total)
    return {
        "rate_per_s": rate,
        "duration_s": duration,
        "threads": len(workers),
        "path": "HTTP to gunicorn, 3 sync workers (as docker/compose.yml)" if server_port else "Django in this process",
        "refused": failures,
        "portal": portal,
        "baseline_bare_upsert": baseline,
        "p95_ratio": round(portal["p95_ms"] / baseline["p95_ms"], 1) if baseline["p95_ms"] else None,
        "target": {"rate_per_s": 60, "p95_ms": 50},
        "meets_target": portal["achieved_per_s"] >= 0.95 * rate and portal["p95_ms"] < 50 and failures == 0,
    }


@contextlib.contextmanager
def gunicorn(settings_module: str, workers: int = 3):
    """The HTTP server production uses (docker/compose.yml), on a free loopback port."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = ROOT / "var" / f"bench-exchange-gunicorn-{port}.log"
    log.parent.mkdir(exist_ok=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "-b", f"127.0.0.1:{port}"]
    command += ["-w", str(workers)]
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/robots.txt")
                connection.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"gunicorn did not start, see {log}") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 10 s of toggles")
    parser.add_argument("--firms", type=int, default=30)
    parser.add_argument("--sheets", type=int, default=10, help="sheets per firm, half offers, half needs")
    parser.add_argument("--rate", type=float, default=60.0, help="toggles per second in total")
    parser.add_argument("--duration", type=float, default=None, help="seconds of toggles (30, quick 10)")
    parser.add_argument(
        "--in-process", action="store_true",
        help="toggles through Django in this process (threads sharing one interpreter) instead of gunicorn over HTTP",
    )  # fmt: skip
    parser.add_argument("--settings", default="benchmarks.settings")
    parser.add_argument("--output", default=None)
    args = parser.parse_args(argv)
    duration = args.duration or (10.0 if args.quick else 30.0)
    check_environment()
    setup_django(args.settings)
    rng = random.Random(6)

    print(f"Preparing {args.firms} firms × {args.sheets} sheets…", flush=True)
    session, tables, secretaries, organiser = prepare(args.firms, args.sheets)
    answers = answer_everything(session, tables, organiser, rng)
    print(f"  {len(tables)} tables, {answers} answers over 2 rounds", flush=True)
    load_start = os.getloadavg()
    workbooks = bench_workbooks(session, organiser)
    print(
        f"Workbooks: {workbooks['firm_workbooks']} firms, {workbooks['yes_rows']} YES rows: {workbooks['portal_s']} s "
        f"(openpyxl alone {workbooks['baseline_openpyxl_only_s']} s, ×{workbooks['ratio']}); target < 2 s: "
        f"{'met' if workbooks['meets_target'] else 'MISSED'}",
        flush=True,
    )
    print(f"Toggles: {args.rate:g}/s for {duration:g} s from {len(tables)} secretaries…", flush=True)
    if args.in_process:
        toggles = bench_toggles(session, tables, secretaries, args.rate, duration, rng)
    else:
        with gunicorn(args.settings) as port:
            toggles = bench_toggles(session, tables, secretaries, args.rate, duration, rng, server_port=port)
    print(f"  ({toggles['path']})", flush=True)
    p, b = toggles["portal"], toggles["baseline_bare_upsert"]
    print(
        f"  portal: {p['achieved_per_s']}/s, p50 {p['p50_ms']} ms, p95 {p['p95_ms']} ms, p99 {p['p99_ms']} ms, "
        f"refused {toggles['refused']}\n  bare upsert: p50 {b['p50_ms']} ms, p95 {b['p95_ms']} ms "
        f"(portal p95 ×{toggles['p95_ratio']}); target 60/s with p95 < 50 ms: "
        f"{'met' if toggles['meets_target'] else 'MISSED'}",
        flush=True,
    )
    commit = subprocess.run(  # noqa: S603
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    result = {
        "benchmark": "exchange",
        "quick": args.quick,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "git_commit": commit.stdout.strip(),
        "machine": {
            "cores": os.cpu_count(),
            "load_average_at_start": load_start,
            "load_average_at_end": os.getloadavg(),
        },  # fmt: skip
        "note": "Shared 2-core machine: figures are indicative; compare the ratios to the baselines of the same run.",
        "firms": args.firms,
        "sheets_per_firm": args.sheets,
        "answers": answers,
        "workbooks": workbooks,
        "toggles": toggles,
    }
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    output = Path(
        args.output or ROOT / "benchmarks" / "results" / f"exchange-{stamp}{'-quick' if args.quick else ''}.json"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"Load average {load_start} → {os.getloadavg()}; figures in {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
