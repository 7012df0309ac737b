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

import datetime
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import BASELINE, django_ready, page_parser, say, time_pages_and_report  # noqa: E402

PREFIX = "bench-calls-"
P95_TARGET_MS = 100.0
ZONES = 8
ANIMATORS = 4


def prepare(*, prospects: int) -> dict:
    """Deletes earlier benchmark rows, then bulk-creates the data set. Returns the timed animator's id."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from portal.clubs.models import Club, ProspectContact, ProspectFile
    from portal.clubs.services import prospect_latest_refresh
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
        # Each file points at its firm's latest contact, as the portal's own writes leave it.
        prospect_latest_refresh(firm.pk for firm in organisations)
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
    parser = page_parser(__doc__, "calls_today")
    parser.add_argument("--prospects", type=int, default=20_000)
    args = parser.parse_args()
    load_before = django_ready(args, "calls_today")
    if load_before is None:
        return 2
    from django.contrib.auth import get_user_model
    from django.test import Client

    say(f"preparing {args.prospects} prospects in {ZONES} zones, {ANIMATORS} animators")
    data = prepare(prospects=args.prospects)
    say(f"data ready in {data['setup_seconds']} s: the animator follows {data['files_of_the_animator']} firms, "
        f"{data['due_today']} due today, {data['overdue']} overdue")  # fmt: skip

    client = Client()
    client.force_login(get_user_model().objects.get(pk=data["animator_id"]))
    pages = [
        (BASELINE, Client(), "/compte/connexion/"),
        ("my calls today", client, "/clubs/appels/"),
        ("printable call sheet", client, "/clubs/appels/fiche/"),
    ]
    return time_pages_and_report(
        "calls_today", pages, args=args, data=data, private={"animator_id"}, measured="my calls today",
        target_ms=P95_TARGET_MS, load_before=load_before,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
