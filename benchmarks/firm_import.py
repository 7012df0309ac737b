"""Firm import benchmark: a 50,000-line extract of the business register (SIRENE) imported into a zone,
its time and its peak memory at 5,000, 20,000 and 50,000 lines, against a floor measured in the same run.

Run it with `./run bench firm_import [--quick]` (which starts PostgreSQL and sets DATABASE_URL); see
benchmarks/README.md for how to read the figures.

What it does, in one run:
  1. migrates the database of DATABASE_URL (benchmarks.settings: tasks are queued, not run) and makes
     its own zone ("bench-import-…", commune Arvière); earlier benchmark rows are deleted first;
  2. for each size, builds the demo's fictional extract (portal.clubs.demo.sirene_extract: all the
     columns of INSEE's StockEtablissement plus the legal unit's, about 300 bytes a line; two thirds of
     the lines in the zone's commune, one in ten closed, one in 25 protected), then:
       - floor: the same file read by the csv module alone, and as many plain Organisation rows as the
         import creates, bulk-created by 500 in one transaction (no check, no slug, no outbox): what
         the database and the parsing cost at least;
       - the portal: `firm_import_run`, the body of the background task (read and check every line
         against the directory, then write by batches with slugs and search-outbox rows in one
         transaction), timed; then the same again under tracemalloc for its peak of Python memory
         (tracemalloc slows Python down, so the time comes from the run without it);
  3. checks that every run imported the expected firms and set the zone's figure;
  4. prints a table (seconds, lines/s, ratio to the floor, peak MiB, file MiB) and writes everything,
     with the machine's load, to benchmarks/results/.

Targets (issue 18): 50,000 lines under 60 s with a progress bar; memory flat (the peak grows with the
file itself, which the import holds, not with the rows). The machine is shared: figures are indicative.
"""

# ruff: noqa: S603, S607  (runs git)
from __future__ import annotations

import argparse
import csv
import datetime
import gc
import io
import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as benchmarks/firm_import.py: the project's packages are one level up

from benchmarks.chat import machine_busy, machine_facts, rss_kib, say  # noqa: E402 - after the path above

RESULTS_DIR = ROOT / "benchmarks" / "results"
PREFIX = "bench-import-"
TARGET_SECONDS = 60.0
MIB = 1024 * 1024


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def prepare_zone():
    from portal.clubs.models import FirmImport
    from portal.members.models import Organisation, Zone

    Organisation.objects.filter(slug__startswith=PREFIX).delete()
    zone, _created = Zone.objects.get_or_create(
        slug=f"{PREFIX}zone", defaults={"name": "Parc de banc d'essai (import)", "commune": "Arvière"}
    )
    FirmImport.objects.filter(zone=zone).delete()
    Organisation.objects.filter(zone=zone).delete()
    Zone.objects.filter(pk=zone.pk).update(firms_established=0, firms_established_on=None, commune_codes="")
    zone.refresh_from_db()
    return zone


def expected_counts(content: bytes) -> tuple[int, int]:
    """(firms to import, open establishments of the zone), counted from the CSV itself."""
    to_import = established = 0
    for row in csv.DictReader(io.StringIO(content.decode("utf-8"))):
        if row["libelleCommuneEtablissement"] != "ARVIERE" or row["etatAdministratifEtablissement"] == "F":
            continue
        established += 1
        to_import += row["statutDiffusionEtablissement"] != "P"
    return to_import, established


def floor(content: bytes, rows: int) -> dict:
    """The csv module reading the file, and `rows` plain organisations bulk-created by 500."""
    from django.db import transaction

    from portal.members.demo import fictional_siret
    from portal.members.models import Organisation, OrganisationKind

    sirets = [fictional_siret(950_000 + n) for n in range(rows)]  # distinct, as the import's are
    started = time.perf_counter()
    lines = sum(1 for _row in csv.reader(io.TextIOWrapper(io.BytesIO(content), encoding="utf-8", newline="")))
    parsed = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        batch = []
        for n, siret in enumerate(sirets):
            batch.append(Organisation(name=f"Plancher {n}", slug=f"{PREFIX}floor-{n}", siret=siret,
                                      kind=OrganisationKind.CLASSIC_FIRM))  # fmt: skip
            if len(batch) == 500:
                Organisation.objects.bulk_create(batch)
                batch = []
        Organisation.objects.bulk_create(batch)
        inserted = time.perf_counter() - started
        transaction.set_rollback(True)  # the floor leaves nothing behind
    return {"lines": lines - 1, "parse_s": round(parsed, 2), "insert_s": round(inserted, 2),
            "total_s": round(parsed + inserted, 2)}  # fmt: skip


def run_import(zone, content: bytes, *, traced: bool) -> dict:
    from portal.clubs import services
    from portal.clubs.models import FirmImport, ImportMode
    from portal.members.models import Organisation

    Organisation.objects.filter(zone=zone).delete()
    firm_import = FirmImport.objects.create(zone=zone, filename="StockEtablissement_bench.csv", content=content,
                                            mode=ImportMode.ALL_OR_NOTHING)  # fmt: skip
    gc.collect()  # the task reads the file from the database, as in production
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    result = services.firm_import_run(firm_import.pk)
    seconds = time.perf_counter() - started
    peak = 0
    if traced:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    zone.refresh_from_db()
    return {
        "seconds": round(seconds, 2),
        "status": result.status,
        "created": result.created_count,
        "errors": len(result.errors),
        "summary": result.register_summary,
        "zone_firms_established": zone.firms_established,
        "peak_mib": round(peak / MIB, 1) if traced else None,
        "rss_mib_after": round(rss_kib(os.getpid()) / 1024, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 2,000 and 5,000 lines only")
    parser.add_argument("--sizes", help="comma-separated line counts (default 5000,20000,50000)")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument("--settings", default="benchmarks.settings")
    parser.add_argument("--output", help="JSON file (default benchmarks/results/firm_import-<date>.json)")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    host = urlparse(database_url).hostname if database_url else None
    if not database_url or host not in {"127.0.0.1", "localhost", "::1"}:
        say("DATABASE_URL must point at a PostgreSQL on 127.0.0.1 (./run bench firm_import sets it): it writes there.")
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    from portal.clubs.demo import sirene_extract

    translation.activate("fr")
    sizes = [int(size) for size in args.sizes.split(",")] if args.sizes else ([2000, 5000] if args.quick else
                                                                             [5000, 20_000, 50_000])  # fmt: skip
    load_before = uptime()
    busy_before, others_before = machine_busy(2.0)
    say(f"machine before: {load_before} (cores {busy_before:g} % busy)")
    say("migrating")
    call_command("migrate", interactive=False, verbosity=0)
    zone = prepare_zone()

    results, problems = {}, []
    for size in sizes:
        content = sirene_extract(size)
        to_import, established = expected_counts(content)
        say(f"{size} lines ({len(content) / MIB:.1f} MiB, {to_import} firms to import): floor")
        base = floor(content, to_import)
        say(f"{size} lines: the portal's import")
        timed = run_import(zone, content, traced=False)
        traced = None
        if not args.no_memory:
            say(f"{size} lines: the portal's import under tracemalloc")
            traced = run_import(zone, content, traced=True)
        for run in filter(None, (timed, traced)):
            if run["status"] != "done" or run["created"] != to_import or run["zone_firms_established"] != established:
                problems.append(f"{size} lines: {run['status']}, {run['created']}/{to_import} created, "
                                f"zone figure {run['zone_firms_established']}/{established}")  # fmt: skip
        results[size] = {
            "file_mib": round(len(content) / MIB, 1),
            "to_import": to_import,
            "floor": base,
            "import": timed,
            "traced": traced,
            "lines_per_s": round(size / timed["seconds"]) if timed["seconds"] else None,
            "ratio_to_floor": round(timed["seconds"] / base["total_s"], 1) if base["total_s"] else None,
        }
        prepare_zone()
    load_after = uptime()

    say()
    say(f"{'lines':>7} {'file MiB':>9} {'created':>8} {'floor s':>8} {'import s':>9} {'lines/s':>8} "
        f"{'x floor':>8} {'peak MiB':>9}")  # fmt: skip
    for size, row in results.items():
        peak = row["traced"]["peak_mib"] if row["traced"] else float("nan")
        imported, ratio = row["import"], row["ratio_to_floor"]
        say(f"{size:>7} {row['file_mib']:>9.1f} {imported['created']:>8} {row['floor']['total_s']:>8.1f} "
            f"{imported['seconds']:>9.1f} {row['lines_per_s']:>8} {ratio:>7.1f}x {peak:>9.1f}")  # fmt: skip
    largest = results[max(results)]
    verdict = "OK" if largest["import"]["seconds"] < TARGET_SECONDS and not problems else "OVER TARGET"
    if problems:
        verdict = "WRONG RESULT"
        for problem in problems:
            say(f"PROBLEM: {problem}")
    say()
    say(f"{max(results)} lines in {largest['import']['seconds']:.1f} s (target < {TARGET_SECONDS:.0f} s): {verdict}")
    say(f"machine after: {load_after}")
    say("Figures are indicative: the machine is shared; compare the ratios to the floor between runs.")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    output = (
        Path(args.output) if args.output else RESULTS_DIR / f"firm_import-{stamp}{'-quick' if args.quick else ''}.json"
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    output.write_text(json.dumps({
        "config": {**vars(args), "sizes": sizes},
        "results": {str(size): row for size, row in results.items()},
        "target_seconds": TARGET_SECONDS,
        "verdict": verdict,
        "problems": problems,
        "machine": {"uptime_before": load_before, "uptime_after": load_after, "busy_pct_before": busy_before,
                    "others_before": others_before, "commit": commit, **machine_facts()},
    }, indent=2, ensure_ascii=False) + "\n")  # fmt: skip
    say(f"written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
