"""Bourse d'échanges results benchmark: p95 of the cluster's synergy funnel over 10 years of 20
sessions a year, against a trivial page of the same portal timed in the same run.

Run it with `./run bench bourse_funnel [--quick]` (which starts PostgreSQL and sets DATABASE_URL), or
with DATABASE_URL pointing at a PostgreSQL on 127.0.0.1: `python benchmarks/bourse_funnel.py`.

What it does, in one run:
  1. prepares its own data in the database of DATABASE_URL (benchmarks.settings): migrate, then
     5 clubs ("bench-funnel-…"), 60 firms with an offer and a need each, 10 years x 20 sessions
     (the cluster's own and the clubs'), 120 answers per session (about 60 % YES: 14,400 YES), a
     potential synergy for 70 % of the YES in every status (about 10,000), yearly objectives of
     the cluster and each club. Earlier benchmark rows are deleted first, so it can run again;
  2. signs in a member with Django's test client (the whole middleware stack, templates included,
     in this process: no network, no server), warms up, then times N requests of:
       - baseline: the sign-in page, a page that reads nothing but the session;
       - the cluster's funnel /bourse/resultats/ (the target: p95 < 100 ms);
       - one club's funnel /bourse/resultats/?club=…;
       - the cluster's funnel as XLSX;
  3. counts the SQL queries of one request of each (they must not grow with the years);
  4. prints p50/p95/p99/max in ms and the ratio of p95 to the baseline's, and writes everything to
     benchmarks/results/. The machine is shared: compare ratios to the baseline of the same run.
"""

# ruff: noqa: S603, S607
from __future__ import annotations

import datetime
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
PREFIX = "bench-funnel-"
P95_TARGET_MS = 100.0
sys.path.insert(0, str(ROOT))

from benchmarks.harness import BASELINE, django_ready, page_parser, say, time_pages_and_report  # noqa: E402


def prepare(*, years: int, sessions_per_year: int, answers_per_session: int, seed: int = 19) -> dict:
    """Deletes earlier benchmark rows, then bulk-creates the data set. Returns what the timing needs."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from knowledge.exchange.models import (
        Category,
        Direction,
        ExchangeObjective,
        ExchangeSession,
        Interest,
        ResourceSheet,
        SessionStatus,
        Synergy,
        SynergyStatus,
    )
    from portal.clubs.models import Club
    from portal.members import services
    from portal.members.models import Organisation, Person, PersonRole, Zone

    rng = random.Random(seed)
    User = get_user_model()
    started = time.perf_counter()
    with transaction.atomic():
        Synergy.objects.filter(provider__slug__startswith=PREFIX).delete()
        ExchangeSession.objects.filter(title__startswith=PREFIX).delete()
        ExchangeObjective.objects.filter(club__slug__startswith=PREFIX).delete()
        Organisation.objects.filter(slug__startswith=PREFIX).delete()
        Club.objects.filter(slug__startswith=PREFIX).delete()
        Zone.objects.filter(slug__startswith=PREFIX).delete()
        Person.objects.filter(user__username__startswith=PREFIX).delete()
        User.objects.filter(username__startswith=PREFIX).delete()

    first_year = datetime.date.today().year - years + 1
    with transaction.atomic():
        zone = Zone.objects.create(name="Parc du banc d'essai", slug=f"{PREFIX}zone", commune="Arvière")
        clubs = Club.objects.bulk_create(
            Club(name=f"Club d'essai {n}", slug=f"{PREFIX}club-{n}", zone=zone, founded=datetime.date(2015, 1, 1))
            for n in range(5)
        )
        firms = Organisation.objects.bulk_create(
            Organisation(name=f"Entreprise d'essai {n}", slug=f"{PREFIX}org-{n}", zone=zone, commune="Arvière")
            for n in range(60)
        )
        sheets = ResourceSheet.objects.bulk_create(
            ResourceSheet(organisation=firm, direction=direction, category=Category.MATERIALS,
                          title=f"{PREFIX}{direction} {firm.pk}", description="Banc d'essai.", zone=zone)
            for firm in firms for direction in (Direction.OFFER, Direction.NEED)
        )  # fmt: skip
        owners = [clubs[n % 5] if n % 6 else None for n in range(sessions_per_year)]
        sessions = ExchangeSession.objects.bulk_create(
            ExchangeSession(title=f"{PREFIX}{year}-{n}", date=datetime.date(year, 1 + n % 12, 1 + n),
                            venue="Salle d'essai", club=owners[n], status=SessionStatus.DONE)
            for year in range(first_year, first_year + years) for n in range(sessions_per_year)
        )  # fmt: skip
        now = timezone.now()
        interests = []
        for session in sessions:
            seen = set()
            while len(seen) < answers_per_session:
                sheet, firm = rng.choice(sheets), rng.choice(firms)
                if firm.pk != sheet.organisation_id:
                    seen.add((sheet, firm))
            interests += [
                Interest(session=session, round=1, sheet=sheet, organisation=firm, interested=rng.random() < 0.6,
                         recorded_at=now)
                for sheet, firm in seen
            ]  # fmt: skip
        interests = Interest.objects.bulk_create(interests, batch_size=2000)
        statuses = SynergyStatus.values
        club_of = {session.pk: session for session in sessions}
        synergies = []
        for interest in interests:
            if not interest.interested or rng.random() >= 0.7:
                continue
            status = rng.choice(statuses)
            done = status == SynergyStatus.IMPLEMENTED
            session = club_of[interest.session_id]
            synergies.append(
                Synergy(offer=interest.sheet, provider=interest.sheet.organisation, beneficiary=interest.organisation,
                        club=session.club, session=session, interest=interest, status=status,
                        implemented_on=session.date + datetime.timedelta(days=90) if done else None,
                        tonnes_per_year=Decimal(rng.randint(1, 20)) if done else None,
                        euros_per_year=Decimal(rng.randint(100, 5000)) if done else None,
                        jobs=rng.randint(0, 2) if done else None,
                        abandon_reason="Banc d'essai" if status == SynergyStatus.ABANDONED else "")
            )  # fmt: skip
        Synergy.objects.bulk_create(synergies, batch_size=2000)
        objectives = [
            ExchangeObjective(club=club, year=year, sessions_planned=3, synergies_planned=15)
            for club in clubs
            for year in range(first_year, first_year + years)
        ]
        existing = set(ExchangeObjective.objects.filter(club__isnull=True).values_list("year", flat=True))
        objectives += [
            ExchangeObjective(club=None, year=year, sessions_planned=sessions_per_year, synergies_planned=100)
            for year in range(first_year, first_year + years)
            if year not in existing
        ]
        ExchangeObjective.objects.bulk_create(objectives)
        user = User.objects.create_user(username=f"{PREFIX}member", email=f"{PREFIX}member@example.org")
        services.person_create(user=user, organisation=firms[0], role=PersonRole.MEMBER)
    return {
        "setup_seconds": round(time.perf_counter() - started, 1),
        "sessions": len(sessions),
        "answers": len(interests),
        "yes": sum(1 for interest in interests if interest.interested),
        "synergies": len(synergies),
        "club_slug": clubs[0].slug,
        "member_id": user.pk,
    }


def main() -> int:
    parser = page_parser(__doc__, "bourse_funnel")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--sessions", type=int, default=20, help="sessions a year")
    parser.add_argument("--answers", type=int, default=120, help="YES/NO answers per session")
    args = parser.parse_args()
    load_before = django_ready(args, "bourse_funnel")
    if load_before is None:
        return 2
    from django.contrib.auth import get_user_model
    from django.test import Client

    say(f"preparing {args.years} years x {args.sessions} sessions, {args.answers} answers each")
    data = prepare(years=args.years, sessions_per_year=args.sessions, answers_per_session=args.answers)
    say(f"data ready in {data['setup_seconds']} s: {data['sessions']} sessions, {data['yes']} YES, "
        f"{data['synergies']} synergies")  # fmt: skip

    client = Client()
    client.force_login(get_user_model().objects.get(pk=data["member_id"]))
    anonymous = Client()
    pages = [
        (BASELINE, anonymous, "/compte/connexion/"),
        ("cluster funnel", client, "/bourse/resultats/"),
        ("one club's funnel", client, f"/bourse/resultats/?club={data['club_slug']}"),
        ("cluster funnel XLSX", client, "/bourse/resultats/export.xlsx"),
    ]
    return time_pages_and_report(
        "bourse_funnel", pages, args=args, data=data, private={"member_id", "club_slug"}, measured="cluster funnel",
        target_ms=P95_TARGET_MS, load_before=load_before,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
