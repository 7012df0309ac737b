""" "My calls today" benchmark: p95 of an animator's calls of the day among 20,000 prospects, against
a trivial page of the same portal timed in the same run.

Run it with `./run bench calls_today [--quick]` (which starts PostgreSQL and sets DATABASE_URL); see
benchmarks/README.md for how to read the figures.

What it does, in one run:
  1. prepares its own data in the database of DATABASE_URL (benchmarks.settings): migrate, then
     8 zones ("bench-calls-…") with a club each, 20,000 prospect firms, a file on each (next action
     spread from 5 days late to 200 days ahead), and two logged contacts per firm (40,000 lines of
     log). Four animators share the zones; the one timed animates two zones and follows 5,000 of the
     firms (about 25 due on any day, about 120 overdue). Earlier benchmark rows are deleted first;
  2. signs her in with Django's test client (the whole middleware stack, templates included, in this
     process: no network, no server), warms up, then times N requests of:
       - baseline: the sign-in page, a page that reads nothing but the session;
       - "my calls today" /clubs/appels/ (the figure the target is about: p95 < 100 ms);
       - the printable call sheet /clubs/appels/fiche/;
  3. counts the SQL queries of one request of each page (they must not grow with the data);
  4. prints a table and writes everything, with the machine's load, to benchmarks/results/.
The machine is shared: the figures are indicative; compare ratios to the baseline of the same run.
"""

# ruff: noqa: S603, S607
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.dashboard import RESULTS_DIR, say, time_page, uptime  # noqa: E402

PREFIX = "bench-calls-"
P95_TARGET_MS = 100.0
ZONES = 8
ANIMATORS = 4


def prepare(*, prospects: int) -> dict:
    """Deletes earlier benchmark rows, then bulk-creates the data set. Returns the timed animator's id."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from portal.clubs.models import Club, ProspectContact, ProspectFile
    from portal.members import services
    from portal.members.models import Organisation, Person, PersonRole, Role, RoleAssignment, Zone
    from portal.members.scopes import ScopeKind

    User = get_user_model()
    started = time.perf_counter()
    with transaction.atomic():
        Organisation.objects.filter(slug__startswith=PREFIX).delete()
        Club.objects.filter(slug__startswith=PREFIX).delete()
        Zone.objects.filter(slug__startswith=PREFIX).delete()
        Person.objects.filter(user__username__startswith=PREFIX).delete()
        User.objects.filter(username__startswith=PREFIX).delete()

    today = datetime.date.today()
    with transaction.atomic():
        staff = Organisation.objects.create(name="Chambre de banc d'essai", slug=f"{PREFIX}chambre")
        zones = Zone.objects.bulk_create(
            Zone(name=f"Parc d'appels {n}", slug=f"{PREFIX}zone-{n}", commune="Arvière") for n in range(ZONES)
        )
        clubs = Club.objects.bulk_create(
            Club(name=f"Club d'appels {n}", slug=f"{PREFIX}club-{n}", zone=zone) for n, zone in enumerate(zones)
        )
        animators = []
        for a in range(ANIMATORS):
            user = User.objects.create_user(username=f"{PREFIX}animatrice-{a}", email=f"{PREFIX}{a}@example.org")
            services.person_create(user=user, role=PersonRole.MEMBER, organisation=staff)
            animators.append(user)
        # Animator a animates the clubs of zones 2a and 2a+1.
        RoleAssignment.objects.bulk_create(
            RoleAssignment(person=animators[n // 2].person, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB,
                           scope_id=club.pk)
            for n, club in enumerate(clubs)
        )  # fmt: skip
        organisations = Organisation.objects.bulk_create(
            (
                Organisation(name=f"Prospect d'essai {n:05d}", slug=f"{PREFIX}org-{n}", zone=zones[n % ZONES],
                             commune="Arvière", phone=f"04 78 {n % 100:02d} {n // 100 % 100:02d} 00")
                for n in range(prospects)
            ),
            batch_size=2000,
        )  # fmt: skip
        ProspectFile.objects.bulk_create(
            (
                ProspectFile(organisation=organisation, assigned_to=animators[(n % ZONES) // 2],
                             next_action="call" if n % 3 else "visit",
                             next_action_due=today + datetime.timedelta(days=(n // ZONES) % 205 - 5))
                for n, organisation in enumerate(organisations)
            ),
            batch_size=2000,
        )  # fmt: skip
        ProspectContact.objects.bulk_create(
            (
                ProspectContact(organisation=organisation, status=status, kind="call",
                                contacted_on=today - datetime.timedelta(days=days), note="Rappeler le gérant.")
                for n, organisation in enumerate(organisations)
                for status, days in (("invited", 60 + n % 30), ("called", 1 + n % 30))
            ),
            batch_size=5000,
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timed = animators[0]
    files = ProspectFile.objects.filter(assigned_to=timed)
    return {
        "setup_seconds": round(time.perf_counter() - started, 1),
        "prospects": len(organisations),
        "contacts_logged": 2 * len(organisations),
        "files_of_the_animator": files.count(),
        "due_today": files.filter(next_action_due=today).count(),
        "overdue": files.filter(next_action_due__lt=today).count(),
        "animator_id": timed.pk,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer timed requests (the same data set)")
    parser.add_argument("--requests", type=int, help="timed requests per page (default 200, --quick 40)")
    parser.add_argument("--prospects", type=int, default=20_000)
    parser.add_argument("--settings", default="benchmarks.settings")
    parser.add_argument("--output", help="JSON file (default benchmarks/results/calls_today-<date>.json)")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    host = urlparse(database_url).hostname if database_url else None
    if not database_url or host not in {"127.0.0.1", "localhost", "::1"}:
        say("DATABASE_URL must point at a PostgreSQL on 127.0.0.1 (./run bench calls_today sets it): it writes there.")
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    requests = args.requests or (40 if args.quick else 200)
    load_before = uptime()
    say(f"machine before: {load_before}")
    say("migrating")
    call_command("migrate", interactive=False, verbosity=0)
    say(f"preparing {args.prospects} prospects in {ZONES} zones, {ANIMATORS} animators")
    data = prepare(prospects=args.prospects)
    say(f"data ready in {data['setup_seconds']} s: the animator follows {data['files_of_the_animator']} firms, "
        f"{data['due_today']} due today, {data['overdue']} overdue")  # fmt: skip

    client = Client()
    client.force_login(get_user_model().objects.get(pk=data["animator_id"]))
    pages = [
        ("baseline: sign-in page", Client(), "/compte/connexion/"),
        ("my calls today", client, "/clubs/appels/"),
        ("printable call sheet", client, "/clubs/appels/fiche/"),
    ]
    results = {}
    for label, who, url in pages:
        say(f"timing {label} ({requests} requests)")
        results[label] = time_page(who, url, requests=requests, warmup=max(5, requests // 10))
    load_after = uptime()

    baseline = results["baseline: sign-in page"]["p95_ms"]
    say()
    say(f"{'page':<24} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'p95/base':>9} {'queries':>8}")
    for label, row in results.items():
        ratio = row["p95_ms"] / baseline if baseline else float("nan")
        say(f"{label:<24} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['max_ms']:>8.1f} "
            f"{ratio:>8.1f}x {row['queries']:>8}")  # fmt: skip
    calls_p95 = results["my calls today"]["p95_ms"]
    verdict = "OK" if calls_p95 < P95_TARGET_MS else "OVER TARGET"
    say()
    say(f"my calls today p95 {calls_p95:.1f} ms (target < {P95_TARGET_MS:.0f} ms): {verdict}")
    say(f"machine after: {load_after}")
    say("Figures are indicative: the machine is shared; compare p95/base ratios between runs.")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    output = (
        Path(args.output) if args.output else RESULTS_DIR / f"calls_today-{stamp}{'-quick' if args.quick else ''}.json"
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    output.write_text(json.dumps({
        "config": {**vars(args), "requests": requests},
        "data": {key: value for key, value in data.items() if key != "animator_id"},
        "results": results,
        "target_p95_ms": P95_TARGET_MS,
        "verdict": verdict,
        "machine": {"uptime_before": load_before, "uptime_after": load_after, "cpus": os.cpu_count(),
                    "python": platform.python_version(), "platform": platform.platform(), "commit": commit},
    }, indent=2, ensure_ascii=False) + "\n")  # fmt: skip
    say(f"written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
