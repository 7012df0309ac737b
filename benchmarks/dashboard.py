"""Membership growth dashboard benchmark: p95 of the organisers' dashboard on a cluster of 5,000
firms, 1,000 members and 50,000 survey answers, against a trivial page of the same portal.

Run it with `./run bench dashboard [--quick]` (which starts PostgreSQL, Redis and Elasticsearch and
sets DATABASE_URL); see benchmarks/README.md for how to read the figures.

What it does, in one run:
  1. prepares its own data in the database of DATABASE_URL (benchmarks.settings): migrate, then
     10 zones ("bench-dash-…") with a club and a yearly target each, 5,000 firms (a third of them
     from the social economy), 1,000 of them members (cluster and club memberships started over
     the last two years), 300 departures, and two cluster-wide needs surveys that every firm
     answered with five problems each: 10,000 responses, 50,000 answers. Earlier benchmark rows
     are deleted first, so it can run again on the same database;
  2. signs in an organiser with Django's test client (the whole middleware stack, templates
     included, in this process: no network, no server), warms up, then times N requests of:
       - baseline: the sign-in page, a page that reads nothing but the session;
       - the growth dashboard /clubs/croissance/ (the figure the target is about: p95 < 150 ms);
       - the public key figures /clubs/chiffres-cles/;
       - the public results of one survey (25,000 answers aggregated);
  3. counts the SQL queries of one request of each page (they must not grow with the data);
  4. prints a table (p50/p95/p99/max in ms, ratio of p95 to the baseline's, queries) and writes
     everything, with the machine's load before and after, to benchmarks/results/.
The machine is shared: the figures are indicative; compare ratios to the baseline of the same run.
"""

# ruff: noqa: S603, S607
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
PREFIX = "bench-dash-"
P95_TARGET_MS = 150.0
sys.path.insert(0, str(ROOT))


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


def prepare(*, firms: int, members: int, departures: int, surveys: int, answers_per_response: int) -> dict:
    """Deletes earlier benchmark rows, then bulk-creates the data set. Returns the ids the timing needs."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from portal.clubs.models import (
        Club,
        CommonProblem,
        GrowthTarget,
        Survey,
        SurveyAnswer,
        SurveyInvitation,
        SurveyResponse,
    )
    from portal.members import services
    from portal.members.demo import fictional_siret
    from portal.members.models import (
        Membership,
        MembershipStatus,
        Organisation,
        OrganisationKind,
        Person,
        PersonRole,
        Zone,
    )

    User = get_user_model()
    started = time.perf_counter()
    with transaction.atomic():
        Survey.objects.filter(title__startswith=PREFIX).delete()
        Organisation.objects.filter(slug__startswith=PREFIX).delete()
        Club.objects.filter(slug__startswith=PREFIX).delete()
        Zone.objects.filter(slug__startswith=PREFIX).delete()
        Person.objects.filter(user__username__startswith=PREFIX).delete()
        User.objects.filter(username__startswith=PREFIX).delete()

    today = datetime.date.today()
    kinds = [OrganisationKind.CLASSIC_FIRM, OrganisationKind.CLASSIC_FIRM, OrganisationKind.COOPERATIVE,
             OrganisationKind.ASSOCIATION, OrganisationKind.CLASSIC_FIRM, OrganisationKind.ESUS_COMPANY]  # fmt: skip
    with transaction.atomic():
        zones = Zone.objects.bulk_create(
            Zone(name=f"Parc de banc d'essai {n}", slug=f"{PREFIX}zone-{n}", commune="Arvière",
                 firms_established=firms // 10 + 50)
            for n in range(10)
        )  # fmt: skip
        clubs = Club.objects.bulk_create(
            Club(
                name=f"Club de banc d'essai {n}", slug=f"{PREFIX}club-{n}", zone=zone, founded=datetime.date(2022, 1, 1)
            )
            for n, zone in enumerate(zones)
        )
        GrowthTarget.objects.bulk_create(
            GrowthTarget(zone=zone, year=today.year, target_members=members // 10 + 30) for zone in zones
        )
        organisations = Organisation.objects.bulk_create(
            (
                Organisation(name=f"Entreprise d'essai {n}", slug=f"{PREFIX}org-{n}", kind=kinds[n % len(kinds)],
                             siret=fictional_siret(800_000 + n), zone=zones[n % 10], commune="Arvière")
                for n in range(firms)
            ),
            batch_size=1000,
        )  # fmt: skip
        memberships = []
        for n, organisation in enumerate(organisations[:members]):
            started_on = today - datetime.timedelta(days=(n * 7) % 700)
            memberships.append(Membership(organisation=organisation, status=MembershipStatus.ACTIVE,
                                          started_on=started_on))  # fmt: skip
            if n % 2 == 0:
                memberships.append(Membership(organisation=organisation, club=clubs[n % 10],
                                              status=MembershipStatus.ACTIVE, started_on=started_on))  # fmt: skip
        for n, organisation in enumerate(organisations[members : members + departures]):
            ended_on = today - datetime.timedelta(days=(n * 11) % 360)
            started_on = ended_on - datetime.timedelta(days=900)
            memberships.append(Membership(organisation=organisation, status=MembershipStatus.LEFT,
                                          started_on=started_on, ended_on=ended_on))  # fmt: skip
        Membership.objects.bulk_create(memberships, batch_size=2000)

        user = User.objects.create_user(username=f"{PREFIX}organiser", email=f"{PREFIX}organiser@example.org")
        services.person_create(user=user, role=PersonRole.ORGANISER)

        problems = list(CommonProblem.values)
        survey_ids = []
        answer_count = 0
        for s in range(surveys):
            opened_on = today - datetime.timedelta(days=30)
            survey = Survey.objects.create(title=f"{PREFIX}enquête {s}", club=None, closes_on=today,
                                           results_public=True, opened_on=opened_on)  # fmt: skip
            survey_ids.append(survey.pk)
            invitations = SurveyInvitation.objects.bulk_create(
                (SurveyInvitation(survey=survey, organisation=organisation, nonce=f"{n:016x}")
                 for n, organisation in enumerate(organisations)),
                batch_size=2000,
            )  # fmt: skip
            responses = SurveyResponse.objects.bulk_create(
                (SurveyResponse(invitation=invitation, survey=survey,
                                free_text="Un restaurant inter-entreprises." if n % 50 == 0 else "")
                 for n, invitation in enumerate(invitations)),
                batch_size=2000,
            )  # fmt: skip
            answers = (
                SurveyAnswer(response=response, survey=survey, problem=problems[(n + k * 2) % len(problems)],
                             importance=1 + (n + k) % 3,
                             comment="Bennes pleines le lundi." if (n + k) % 97 == 0 else "")
                for n, response in enumerate(responses)
                for k in range(answers_per_response)
            )  # fmt: skip
            created = SurveyAnswer.objects.bulk_create(answers, batch_size=5000)
            answer_count += len(created)
    with connection_cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "setup_seconds": round(time.perf_counter() - started, 1),
        "zones": len(zones),
        "firms": len(organisations),
        "members": Organisation.objects.filter(slug__startswith=PREFIX, memberships__status="active")
        .distinct()
        .count(),
        "departures": departures,
        "survey_answers": answer_count,
        "survey_ids": survey_ids,
        "organiser_id": user.pk,
    }


def connection_cursor():
    from django.db import connection

    return connection.cursor()


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


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer timed requests (the same data set)")
    parser.add_argument("--requests", type=int, help="timed requests per page (default 200, --quick 40)")
    parser.add_argument("--firms", type=int, default=5000)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--answers", type=int, default=50_000, help="survey answers (five per responding firm)")
    parser.add_argument("--settings", default="benchmarks.settings")
    parser.add_argument("--output", help="JSON file (default benchmarks/results/dashboard-<date>.json)")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    host = urlparse(database_url).hostname if database_url else None
    if not database_url or host not in {"127.0.0.1", "localhost", "::1"}:
        say("DATABASE_URL must point at a PostgreSQL on 127.0.0.1 (./run bench dashboard sets it): it writes there.")
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    requests = args.requests or (40 if args.quick else 200)
    load_before = uptime()
    say(f"machine before: {load_before}")
    say("migrating")
    call_command("migrate", interactive=False, verbosity=0)
    answers_per_response = 5
    surveys = max(1, round(args.answers / (args.firms * answers_per_response)))
    say(f"preparing {args.firms} firms, {args.members} members, {args.answers} survey answers ({surveys} surveys)")
    data = prepare(firms=args.firms, members=args.members, departures=args.members * 3 // 10, surveys=surveys,
                   answers_per_response=answers_per_response)  # fmt: skip
    say(f"data ready in {data['setup_seconds']} s: {data['members']} members, {data['survey_answers']} answers")

    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(pk=data["organiser_id"]))
    anonymous = Client()
    pages = [
        ("baseline: sign-in page", anonymous, "/compte/connexion/"),
        ("growth dashboard", client, "/clubs/croissance/"),
        ("public key figures", anonymous, "/clubs/chiffres-cles/"),
        ("public survey results", anonymous, f"/clubs/enquetes/{data['survey_ids'][0]}/resultats/"),
    ]
    results = {}
    for label, who, url in pages:
        say(f"timing {label} ({requests} requests)")
        results[label] = time_page(who, url, requests=requests, warmup=max(5, requests // 10))
    load_after = uptime()

    baseline = results["baseline: sign-in page"]["p95_ms"]
    say()
    say(f"{'page':<26} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'p95/base':>9} {'queries':>8}")
    for label, row in results.items():
        ratio = row["p95_ms"] / baseline if baseline else float("nan")
        say(f"{label:<26} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['max_ms']:>8.1f} "
            f"{ratio:>8.1f}x {row['queries']:>8}")  # fmt: skip
    dashboard_p95 = results["growth dashboard"]["p95_ms"]
    verdict = "OK" if dashboard_p95 < P95_TARGET_MS else "OVER TARGET"
    say()
    say(f"dashboard p95 {dashboard_p95:.1f} ms (target < {P95_TARGET_MS:.0f} ms): {verdict}")
    say(f"machine after: {load_after}")
    say("Figures are indicative: the machine is shared; compare p95/base ratios between runs.")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    output = (
        Path(args.output) if args.output else RESULTS_DIR / f"dashboard-{stamp}{'-quick' if args.quick else ''}.json"
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    output.write_text(json.dumps({
        "config": {**vars(args), "requests": requests},
        "data": {key: value for key, value in data.items() if key not in {"survey_ids", "organiser_id"}},
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
