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
       - the live results of one survey (25,000 answers aggregated), as its managers read them (an
         administrator, for a survey of the whole cluster); the public reads them as a page of the
         site, published from there, which is cached like the site's other pages;
  3. counts the SQL queries of one request of each page (they must not grow with the data);
  4. prints a table (p50/p95/p99/max in ms, ratio of p95 to the baseline's, queries) and writes
     everything, with the machine's load before and after, to benchmarks/results/.
The machine is shared: the figures are indicative; compare ratios to the baseline of the same run.
"""

# ruff: noqa: S603, S607
from __future__ import annotations

import datetime
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
PREFIX = "bench-dash-"
P95_TARGET_MS = 150.0
sys.path.insert(0, str(ROOT))

from benchmarks.harness import BASELINE, django_ready, page_parser, say, time_pages_and_report  # noqa: E402


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


def main() -> int:
    parser = page_parser(__doc__, "dashboard")
    parser.add_argument("--firms", type=int, default=5000)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--answers", type=int, default=50_000, help="survey answers (five per responding firm)")
    args = parser.parse_args()
    load_before = django_ready(args, "dashboard")
    if load_before is None:
        return 2
    from django.contrib.auth import get_user_model
    from django.test import Client

    answers_per_response = 5
    surveys = max(1, round(args.answers / (args.firms * answers_per_response)))
    say(f"preparing {args.firms} firms, {args.members} members, {args.answers} survey answers ({surveys} surveys)")
    data = prepare(firms=args.firms, members=args.members, departures=args.members * 3 // 10, surveys=surveys,
                   answers_per_response=answers_per_response)  # fmt: skip
    say(f"data ready in {data['setup_seconds']} s: {data['members']} members, {data['survey_answers']} answers")

    client = Client()
    client.force_login(get_user_model().objects.get(pk=data["organiser_id"]))
    anonymous = Client()
    administrator = Client()
    administrator.force_login(
        get_user_model().objects.get_or_create(
            username=f"{PREFIX}administrator", defaults={"is_superuser": True, "email": f"{PREFIX}admin@example.org"}
        )[0]
    )
    pages = [
        (BASELINE, anonymous, "/compte/connexion/"),
        ("growth dashboard", client, "/clubs/croissance/"),
        ("public key figures", anonymous, "/clubs/chiffres-cles/"),
        ("survey results (managers)", administrator, f"/clubs/enquetes/{data['survey_ids'][0]}/resultats/"),
    ]
    return time_pages_and_report(
        "dashboard", pages, args=args, data=data, private={"survey_ids", "organiser_id"}, measured="growth dashboard",
        target_ms=P95_TARGET_MS, load_before=load_before,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
