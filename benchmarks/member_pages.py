"""Member pages benchmark (#22): p50/p95 of the pages members live in, signed in, uncached, served by
gunicorn with 2 sync workers as in production, against the sign-in page of the same server.

Run it with `./run bench member_pages [--quick]` (which starts PostgreSQL, Redis and Elasticsearch and
sets DATABASE_URL); see benchmarks/README.md for how to read the figures.

What it does, in one run:
  1. prepares its own data in the database of DATABASE_URL (benchmarks.settings): migrate, then
     ("bench-mp-…") a zone with a club, 4 axes, 40 workgroups, the member in 8 of them, one room
     with 10,000 messages from 20 authors, 300 best practices, 1,000 Bourse sheets from 100 firms,
     5,000 prospect firms on the club's zone (a file each; nine in ten with two logged contacts, the
     latest "called" for a third of them), the member being an animator of that club. Earlier
     benchmark rows are deleted first; the search index is rebuilt;
  2. counts the SQL queries of one request of each page in this process (test client);
  3. starts gunicorn (2 workers, page cache off) and, with the member's session cookie, after a
     warm-up, times N sequential requests of:
       - baseline: the sign-in page, a page that reads nothing but the session;
       - the workgroup room with 10,000 messages; "my groups"; the best-practice list; a search
         signed in; the Bourse sheet list (1,000 sheets); the club's prospect list (5,000 firms), also
         filtered by a status ("called", 1,500 firms: its first and its last page) and by "never
         contacted" (500);
  4. prints a table (p50/p95/p99/max in ms, ratio of p95 to the baseline's, queries) and writes
     everything, with the machine's load before and after, to benchmarks/results/member_pages-….json.
Target: p95 under 80 ms for each member page. The machine is shared: compare ratios to the baseline.
"""

# ruff: noqa: S603, S607
from __future__ import annotations

import datetime
import os
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import (  # noqa: E402
    BASELINE,
    django_ready,
    gunicorn,
    page_parser,
    say,
    time_pages_and_report,
)

PREFIX = "bench-mp-"
P95_TARGET_MS = 80.0
SEARCH_WORDS = "énergie"
LATEST_STATUSES = ("called", "visited", "called", "declined", "joined")
FILTERED_STATUS = "called"
FILTERED_LAST_PAGE = 30  # 1,500 firms at that status (the default data set), 50 a page


def prepare(*, messages: int, sheets: int, prospects: int, practices: int, workgroups: int) -> dict:
    """Deletes earlier benchmark rows, then bulk-creates the data set. Returns what the timing needs."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from knowledge.exchange.models import Category, Direction, ResourceSheet
    from knowledge.models import BestPractice
    from portal.clubs.models import Club, ProspectContact, ProspectFile
    from portal.clubs.services import prospect_latest_refresh
    from portal.members import services
    from portal.members.models import (
        Membership,
        MembershipStatus,
        Organisation,
        Person,
        PersonRole,
        Role,
        RoleAssignment,
        Zone,
    )
    from portal.members.scopes import ScopeKind
    from workgroups.models import Axis, Message, Workgroup, WorkgroupMembership

    User = get_user_model()
    started = time.perf_counter()
    with transaction.atomic():
        Workgroup.objects.filter(slug__startswith=PREFIX).delete()
        BestPractice.objects.filter(slug__startswith=PREFIX).delete()
        ResourceSheet.objects.filter(organisation__slug__startswith=PREFIX).delete()
        Person.objects.filter(user__username__startswith=PREFIX).delete()
        User.objects.filter(username__startswith=PREFIX).delete()
        Organisation.objects.filter(slug__startswith=PREFIX).delete()
        Club.objects.filter(slug__startswith=PREFIX).delete()
        Zone.objects.filter(slug__startswith=PREFIX).delete()
        Axis.objects.filter(slug__startswith=PREFIX).delete()

    today = datetime.date.today()
    now = timezone.now()
    with transaction.atomic():
        zone = Zone.objects.create(name="Parc des pages membres", slug=f"{PREFIX}zone", commune="Arvière")
        club = Club.objects.create(name="Club des pages membres", slug=f"{PREFIX}club", zone=zone)
        top = Axis.objects.order_by("-number").values_list("number", flat=True).first() or 0
        axes = Axis.objects.bulk_create(
            Axis(number=top + 1 + n, title=f"Axe d'essai {n}", slug=f"{PREFIX}axe-{n}") for n in range(4)
        )
        firms = Organisation.objects.bulk_create(
            Organisation(name=f"Entreprise membre {n:03d}", slug=f"{PREFIX}firm-{n}", zone=zone, commune="Arvière")
            for n in range(100)
        )
        Membership.objects.bulk_create(
            Membership(organisation=firm, status=MembershipStatus.ACTIVE, started_on=today) for firm in firms
        )
        people = []
        for n in range(21):
            user = User.objects.create_user(username=f"{PREFIX}person-{n}", email=f"{PREFIX}{n}@example.org",
                                            first_name="Camille", last_name=f"Essai{n}")  # fmt: skip
            people.append(services.person_create(user=user, role=PersonRole.MEMBER, organisation=firms[n]))
        member = people[0]
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(person=member, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk)]
        )
        groups = Workgroup.objects.bulk_create(
            Workgroup(axis=axes[n % 4], name=f"Groupe d'essai {n:02d}", slug=f"{PREFIX}groupe-{n}",
                      description="Un groupe de travail du banc d'essai.")
            for n in range(workgroups)
        )  # fmt: skip
        WorkgroupMembership.objects.bulk_create(
            WorkgroupMembership(workgroup=group, person=person) for group in groups[:8] for person in people
        )
        room = groups[0]
        Message.objects.bulk_create(
            (
                Message(workgroup=room, sequence=n + 1, author=people[n % 20 + 1],
                        body=f"Message {n} : on se retrouve jeudi pour la collecte des cartons ?")
                for n in range(messages)
            ),
            batch_size=5000,
        )  # fmt: skip
        for group, count in ((room, messages), *((group, 0) for group in groups[1:])):
            Workgroup.objects.filter(pk=group.pk).update(last_sequence=count)
        BestPractice.objects.bulk_create(
            BestPractice(title=f"Bonne pratique d'essai {n} : énergie partagée", slug=f"{PREFIX}bp-{n}",
                         summary="Une action d'économie d'énergie menée par un membre, à reproduire.",
                         body="<p>Ce que nous avons fait pour l'énergie.</p>", axis=axes[n % 4],
                         organisation=firms[n % 100], status="published",
                         visibility="public" if n % 2 else "members", published_at=now)
            for n in range(practices)
        )  # fmt: skip
        ResourceSheet.objects.bulk_create(
            (
                ResourceSheet(organisation=firms[n % 100], direction=Direction.OFFER if n % 2 else Direction.NEED,
                              category=Category.MATERIALS, title=f"Palettes d'essai {n}",
                              description="Des palettes en bois à donner chaque mois.", zone=zone)
                for n in range(sheets)
            ),
            batch_size=1000,
        )  # fmt: skip
        prospect_firms = Organisation.objects.bulk_create(
            (
                Organisation(name=f"Prospect d'essai {n:05d}", slug=f"{PREFIX}prospect-{n}", zone=zone,
                             commune="Arvière", phone=f"04 78 {n % 100:02d} {n // 100 % 100:02d} 00")
                for n in range(prospects)
            ),
            batch_size=2000,
        )  # fmt: skip
        ProspectFile.objects.bulk_create(
            (
                ProspectFile(organisation=firm, assigned_to=member.user, next_action="call",
                             next_action_due=today + datetime.timedelta(days=n % 60))
                for n, firm in enumerate(prospect_firms)
            ),
            batch_size=2000,
        )  # fmt: skip
        # Every tenth firm never contacted; the others invited, then at their latest contact called (a
        # third of them), visited, not interested or joined: a status filter keeps a realistic share.
        ProspectContact.objects.bulk_create(
            (
                ProspectContact(organisation=firm, status=status, kind="call",
                                contacted_on=today - datetime.timedelta(days=days), note="Rappeler le gérant.")
                for n, firm in enumerate(prospect_firms)
                if n % 10
                for status, days in (("invited", 60 + n % 30), (LATEST_STATUSES[n % 5], 1 + n % 30))
            ),
            batch_size=5000,
        )  # fmt: skip
        # Each file points at its firm's latest contact, as the portal's own writes leave it.
        prospect_latest_refresh(firm.pk for firm in prospect_firms)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "setup_seconds": round(time.perf_counter() - started, 1),
        "room_messages": Message.objects.filter(workgroup=room).count(),
        "workgroups": len(groups),
        "groups_of_the_member": WorkgroupMembership.objects.filter(person=member).count(),
        "best_practices": len(practices_of(PREFIX)),
        "sheets": ResourceSheet.objects.filter(organisation__slug__startswith=PREFIX).count(),
        "prospects": len(prospect_firms),
        "member_user_id": member.user_id,
        "room_slug": room.slug,
        "zone_slug": zone.slug,
    }


def practices_of(prefix: str) -> list[int]:
    from knowledge.models import BestPractice

    return list(BestPractice.objects.filter(slug__startswith=prefix).values_list("pk", flat=True))


def main() -> int:
    parser = page_parser(__doc__, "member_pages")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--sheets", type=int, default=1_000)
    parser.add_argument("--prospects", type=int, default=5_000)
    parser.add_argument("--practices", type=int, default=300)
    parser.add_argument("--workgroups", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--only", action="append", default=[], metavar="WORDS",
        help="time only the pages whose label contains WORDS (repeatable; e.g. --only prospect), with the baseline",
    )  # fmt: skip
    args = parser.parse_args()
    load_before = django_ready(args, "member_pages")
    if load_before is None:
        return 2
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    say(f"preparing a room of {args.messages} messages, {args.sheets} sheets, {args.prospects} prospects, "
        f"{args.practices} best practices")  # fmt: skip
    data = prepare(messages=args.messages, sheets=args.sheets, prospects=args.prospects, practices=args.practices,
                   workgroups=args.workgroups)  # fmt: skip
    say(f"data ready in {data['setup_seconds']} s; rebuilding the search index")
    with open(os.devnull, "w") as quiet:
        call_command("rebuild_index", verbosity=0, stdout=quiet)

    member = Client(HTTP_ACCEPT_LANGUAGE="fr")
    member.force_login(get_user_model().objects.get(pk=data["member_user_id"]))
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="fr")
    prospects = f"/clubs/zones/{data['zone_slug']}/prospects/"
    pages = [
        (BASELINE, anonymous, "/compte/connexion/"),
        ("workgroup room (10,000 messages)", member, f"/groupes/{data['room_slug']}/"),
        ("my groups", member, "/groupes/"),
        ("best-practice list", member, "/bonnes-pratiques/"),
        ("search, signed in", member, f"/recherche/?q={quote(SEARCH_WORDS)}"),
        ("Bourse sheet list", member, "/bourse/"),
        ("club prospect list", member, prospects),
        (f"club prospect list, {FILTERED_STATUS}", member, f"{prospects}?statut={FILTERED_STATUS}"),
        (
            f"club prospect list, {FILTERED_STATUS}, last page",
            member,
            f"{prospects}?statut={FILTERED_STATUS}&page={FILTERED_LAST_PAGE}",
        ),
        ("club prospect list, never contacted", member, f"{prospects}?statut=none"),
    ]
    if args.only:
        pages = pages[:1] + [page for page in pages[1:] if any(words in page[0] for words in args.only)]
        if len(pages) == 1:
            say(f"no page label contains {args.only}")
            return 2
    say(f"starting gunicorn ({args.workers} workers, page cache off)")
    with gunicorn(workers=args.workers, env={"PAGE_CACHE_SECONDS": "0"}) as port:
        return time_pages_and_report(
            "member_pages", pages, args=args, data=data, private={"member_user_id"},
            measured=[label for label, _who, _url in pages[1:]], target_ms=P95_TARGET_MS, load_before=load_before,
            port=port, extra={"server": f"gunicorn, {args.workers} sync workers"},
        )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
