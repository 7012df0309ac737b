"""Reads of the clubs' life, with the visibility rules built in: clubs and their history, board
and commissions; prospects; needs-survey results; membership growth per zone.

Growth: Membership growth per zone: firms established, members, yearly target, penetration, SSE mix,
joins and departures per month. A fixed number of queries however many zones and firms.

A zone's members are the organisations established on it with at least one active membership
(of the cluster or of a club); the firms established are the zone's declared count, or the
firms registered on it if more are registered.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, When, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from portal.members import selectors as member_selectors
from portal.members.models import (
    SSE_KINDS,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Person,
    Role,
    RoleAssignment,
    Zone,
)
from portal.members.permissions import ALL
from portal.members.scopes import ScopeKind
from portal.privacy import selectors as privacy_selectors
from portal.privacy.models import Purpose

from . import permissions
from .models import (
    MILESTONES_OF_STAGE,
    BoardPosition,
    Campaign,
    CampaignResult,
    CampaignTarget,
    Club,
    ClubBoardMember,
    ClubStage,
    ClubStageChange,
    CommonProblem,
    ContactStatus,
    GrowthTarget,
    Importance,
    JoinRequest,
    JoinRequestStatus,
    ProspectContact,
    ProspectFile,
    ProspectingObjection,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)

QUOTES_PER_PROBLEM = 5
FREE_TEXT_QUOTES = 20
MONTHS = 12

# --- Clubs --------------------------------------------------------------------------------------


def current_club(club: Club) -> Club:
    """The club that carries on `club` today (itself, or the last club of a chain of mergers)."""
    seen = set()
    while club.merged_into_id and club.pk not in seen:
        seen.add(club.pk)
        club = Club.objects.select_related("zone").get(pk=club.merged_into_id)
    return club


def active_clubs() -> QuerySet[Club]:
    """Clubs still running (not merged), with their active member count, by stage then name."""
    return (
        Club.objects.filter(merged_into__isnull=True)
        .select_related("zone")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE), distinct=True)
        )
        .order_by("name")
    )


def club_history(club: Club) -> QuerySet[ClubStageChange]:
    return club.stage_changes.select_related("by").order_by("changed_on", "created_at")


def club_board(club: Club) -> list[ClubBoardMember]:
    """The board, president first, then by position and seniority."""
    order = {position: index for index, position in enumerate(BoardPosition.values)}
    seats = club.board.select_related("person__user", "person__organisation")
    return sorted(seats, key=lambda seat: (order.get(seat.position, 99), seat.since))


def club_public_board(club: Club) -> list[ClubBoardMember]:
    """The seats the public sees: of the people who agreed to be named there (privacy Purpose.BOARD,
    current consent, account still open), in the board's order."""
    named = set(privacy_selectors.people_with_consent(Purpose.BOARD).values_list("pk", flat=True))
    return [seat for seat in club_board(club) if seat.person_id in named]


def stage_timeline(club: Club) -> list[dict]:
    """The four stages with the date each was first reached (None if not yet), for the progress line."""
    reached = {}
    # Steps moved in by a merger belong to the absorbed club's own story: not to this line.
    for change in club.stage_changes.filter(club_name=club.name).order_by("changed_on", "created_at"):
        reached.setdefault(change.stage, change.changed_on)
    current = club.stage_number
    return [
        {
            "value": stage.value,
            "label": stage.label,
            "number": index,
            "reached_on": reached.get(stage.value),
            "done": index < current,
            "current": index == current,
        }
        for index, stage in enumerate(ClubStage, start=1)
    ]


def club_member_count(club: Club) -> int:
    return club.memberships.filter(status=MembershipStatus.ACTIVE).count()


def club_commissions(club: Club):
    """The club's commissions, with their active member counts, archived ones last: the one list its
    site page and its back office both show. They are workgroups (declared by the workgroups app as
    Workgroup.club, related name "commissions"): reached through the relation, so clubs import no
    workgroups code."""
    related = getattr(club, "commissions", None)
    if related is None:
        return []
    # Its next meeting (workgroups Meeting, related name "meetings"): a Subquery, not a join, so the
    # member count is not multiplied by the meetings.
    next_meeting = (
        related.model.meetings.field.model.objects.filter(workgroup=OuterRef("pk"), starts_at__gte=timezone.now())
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return (
        related.with_member_count()
        .annotate(next_meeting_at=Subquery(next_meeting))
        .select_related("axis", "club")
        .order_by("is_archived", "name")
    )


def club_public_members(club: Club) -> QuerySet[Organisation]:
    """Active members of the club that opted in to the public directory."""
    return member_selectors.public_organisations().filter(
        memberships__club=club, memberships__status=MembershipStatus.ACTIVE
    )


def club_public_summary(club: Club) -> dict:
    """Everything the public sees of a club, for its page on the site (cms ClubPage) and, when it has
    none, for its summary at /clubs/<slug>/: members, board, commissions, stage and history."""
    return {
        "club": club,
        "timeline": stage_timeline(club),
        "history": club_history(club),
        "board": club_public_board(club),
        "commissions": club_commissions(club),
        "members": club_public_members(club),
        "member_count": club_member_count(club),
        "absorbed": club.absorbed_clubs.order_by("merged_on"),
        "other_zones": club.other_zones.order_by("name"),
        "plans": club_public_plans(club),
        "public_surveys": club_public_surveys(club),
    }


def club_site_page_url(club: Club) -> str | None:
    """The address of the club's live page on the site, if it has one (cms ClubPage, related name "page")."""
    try:
        page = club.page
    except (ObjectDoesNotExist, AttributeError):
        return None
    return page.url if page.live else None


def survey_site_page_url(survey: Survey) -> str | None:
    """The address of the survey's live results page on the site (cms SurveyResultsPage, related name
    "results_pages"), if one is published."""
    related = getattr(survey, "results_pages", None)
    page = related.filter(live=True).first() if related is not None else None
    return page.url if page is not None else None


def club_public_plans(club: Club) -> list:
    """The club's public action plans (declared by the plans app, workgroups.plans, as ActionPlan.club)."""
    related = getattr(club, "action_plans", None)
    if related is None:
        return []
    # A draft is its animators' alone until they publish it ("published": workgroups.plans PlanStatus).
    return list(related.filter(is_public=True, status="published").order_by("title"))


def club_public_surveys(club: Club):
    return club.surveys.filter(results_public=True).order_by("-opened_on")


def firms_of_clubs(club_ids) -> QuerySet[Organisation]:
    """The firms of these clubs (ALL: every organisation): their current members (pending or active),
    and the firms established on the zones they cover."""
    if club_ids is ALL:
        return Organisation.objects.all()
    current = Q(
        memberships__club_id__in=club_ids, memberships__status__in=[MembershipStatus.PENDING, MembershipStatus.ACTIVE]
    )
    covered = Q(zone__clubs__id__in=club_ids) | Q(zone__clubs_also_covering__id__in=club_ids)
    return Organisation.objects.filter(pk__in=Organisation.objects.filter(current | covered).values("pk"))


# --- Prospects ----------------------------------------------------------------------------------


# The latest contact of a firm: its latest date, then the latest recorded that day, then the latest
# row (two contacts recorded in the same instant). Its file points at it (ProspectFile.latest_contact,
# kept by services.prospect_latest_refresh), which the prospect list, its counts and the agenda read.
LATEST_CONTACT_ORDER = ("-contacted_on", "-created_at", "-pk")


def latest_contact_of_file() -> Subquery:
    """The key of the latest contact of the outer prospect file's firm: what the file points at."""
    log = ProspectContact.objects.filter(organisation=OuterRef("organisation_id"))
    return Subquery(log.order_by(*LATEST_CONTACT_ORDER).values("pk")[:1])


def _current_membership() -> QuerySet[Membership]:
    """The outer organisation's memberships that still hold (pending or active, cluster or club)."""
    return Membership.objects.filter(organisation=OuterRef("pk")).exclude(status=MembershipStatus.LEFT)


def _prospect_firms(zone: Zone) -> QuerySet[Organisation]:
    """The firms established on the zone with no current membership (cluster or club): its prospects."""
    return Organisation.objects.filter(zone=zone).exclude(Exists(_current_membership()))


def zone_prospects(zone: Zone, *, status: str = "", text: str = "") -> QuerySet[Organisation]:
    """Firms established on the zone with no current membership (cluster or club), by name, each with
    its latest contact (`contact_status`, `contacted_on`).

    `status` filters on the latest contact: a ContactStatus value, or "none" for firms never contacted.
    Both read the latest contact their file points at, one join a firm: computed from the log, the
    latest contact cost a sort of the zone's contacts or a probe per firm on every page (#22)."""
    queryset = _prospect_firms(zone)
    if status == "none":
        queryset = queryset.filter(prospect_file__latest_contact__isnull=True)
    elif status in ContactStatus.values:
        queryset = queryset.filter(prospect_file__latest_contact__status=status)
    if text:
        queryset = queryset.filter(name__icontains=text)
    return queryset.annotate(
        contact_status=F("prospect_file__latest_contact__status"),
        contacted_on=F("prospect_file__latest_contact__contacted_on"),
    ).order_by("name", "pk")


def objected(organisation_path: str = "") -> Exists:
    """The firm at `organisation_path` ("" for an Organisation queryset, "organisation" for a row
    pointing at one) objected to the cluster's prospecting, or its contact address did: nothing is
    written to it any more (newsletters to prospects, campaign invitations and reminders, survey links)."""
    prefix = f"{organisation_path}__" if organisation_path else ""
    return Exists(
        ProspectingObjection.objects.filter(
            Q(organisation_id=OuterRef(f"{prefix}pk"), email="")
            | Q(email__iexact=OuterRef(f"{prefix}email"), email__gt="")
        )
    )


def address_objection(email: str) -> ProspectingObjection | None:
    """The address's own objection to prospecting (made by its one-click link), if any."""
    email = (email or "").strip()
    return ProspectingObjection.objects.filter(email__iexact=email).first() if email else None


def prospecting_objection_of(organisation: Organisation) -> ProspectingObjection | None:
    """The firm's objection to prospecting, or its contact address's (the earliest), if any."""
    found = Q(organisation=organisation, email="")
    if organisation.email:
        found |= Q(email__iexact=organisation.email)
    return ProspectingObjection.objects.filter(found).order_by("created_at").first()


def prospect_addresses(*, zone_ids) -> QuerySet[Organisation]:
    """The prospects of these zones a B2B letter may go to: firms established there with no current
    membership, their professional contact address (the firm's, never a person's account), neither
    the firm nor the address having objected. Values: (email, name, pk), by address."""
    current = _current_membership()
    return (
        Organisation.objects.filter(zone_id__in=zone_ids)
        .exclude(email="")
        .exclude(Exists(current))
        .exclude(objected())
        .order_by("email")
        .values_list("email", "name", "pk")
    )


def zone_members(zone: Zone) -> QuerySet[Organisation]:
    """The zone's firms with a current membership (cluster or club), by name."""
    current = _current_membership()
    return Organisation.objects.filter(zone=zone).filter(Exists(current)).order_by("name")


def prospect_status_counts(zone: Zone) -> dict[str, int]:
    """How many prospects of the zone are at each latest status ("none" = never contacted)."""
    counts = dict.fromkeys(["none", *ContactStatus.values], 0)
    rows = (
        _prospect_firms(zone)
        .order_by()
        .values_list("prospect_file__latest_contact__status")
        .annotate(count=Count("pk"))
    )
    for status, count in rows:
        counts[status or "none"] += count
    return counts


def prospect_agenda(user, *, overdue: bool = False, today: datetime.date | None = None) -> QuerySet[ProspectFile]:
    """The user's next actions due today ("my calls today"), or before today (overdue), on the
    prospects of the zones their clubs cover, with the latest contact of each; calls first."""
    today = today or timezone.localdate()
    due = Q(next_action_due__lt=today) if overdue else Q(next_action_due=today)
    queryset = ProspectFile.objects.filter(due, assigned_to=user).exclude(next_action="")
    return (
        permissions.prospect_files_visible(queryset, user)
        .select_related("organisation", "organisation__zone")
        .annotate(
            last_status=F("latest_contact__status"),
            last_contacted_on=F("latest_contact__contacted_on"),
            last_note=F("latest_contact__note"),
        )
        .order_by("next_action_due", "next_action", "organisation__name")
    )


def directory_match(text: str) -> Organisation | None:
    """The directory's organisation a registrant typed: by SIRET (14 digits, spaces allowed), else by
    its exact name (case aside) when only one organisation bears it; None otherwise."""
    text = " ".join((text or "").split())
    digits = text.replace(" ", "")
    if len(digits) == 14 and digits.isdigit():
        return Organisation.objects.filter(siret=digits).first()
    if not text:
        return None
    found = list(Organisation.objects.filter(name__iexact=text)[:2])
    return found[0] if len(found) == 1 else None


def register_firm(siret: str) -> dict | None:
    """The company register's entry for one SIRET, in the words of the organisation form; None when
    it does not know it or cannot answer (a registration never waits on it)."""
    from portal.members.selectors import register_lookup
    from portal.outside.http import ServiceDown

    try:
        entries = register_lookup(siret)
    except ServiceDown:
        return None
    return next((entry for entry in entries if entry["siret"] == siret), None)


def is_prospect(organisation: Organisation) -> bool:
    """No current membership (cluster or club): the animators' prospect."""
    return not Membership.objects.filter(organisation=organisation).exclude(status=MembershipStatus.LEFT).exists()


def prospect_file_of(organisation: Organisation) -> ProspectFile:
    """The firm's file (an unsaved empty one while nobody planned anything)."""
    try:
        return ProspectFile.objects.select_related("assigned_to").get(organisation=organisation)
    except ProspectFile.DoesNotExist:
        return ProspectFile(organisation=organisation)


def prospect_log(organisation: Organisation) -> QuerySet[ProspectContact]:
    """What was done and said with the firm, latest first."""
    return ProspectContact.objects.filter(organisation=organisation).select_related("by")


def prospect_assignees(zone: Zone, *, also=None):
    """Who may follow a prospect of the zone: the animators of the clubs covering it (and `also`,
    the current one or the signed-in administrator)."""
    clubs = Club.objects.filter(merged_into__isnull=True).filter(Q(zone=zone) | Q(other_zones=zone))
    people = RoleAssignment.objects.filter(
        role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id__in=clubs.values("pk")
    ).values("person__user_id")
    condition = Q(pk__in=people)
    for user in also or ():
        if user is not None and getattr(user, "pk", None):
            condition |= Q(pk=user.pk)
    return get_user_model().objects.filter(condition, is_active=True).order_by("first_name", "last_name", "pk")


# --- Needs surveys ------------------------------------------------------------------------------


@dataclass
class ProblemResult:
    problem: str
    label: str
    firms: int
    urgent: int
    important: int
    minor: int
    score: int
    share: int  # % of the responding firms
    quotes: list


def surveys_for(user) -> QuerySet[Survey]:
    """The surveys the user manages (their clubs'; every one for administrators), with their counts."""
    return (
        permissions.surveys_visible(Survey.objects.all(), user)
        .select_related("club")
        .annotate(
            invitation_count=Count("invitations", distinct=True), response_count=Count("responses", distinct=True)
        )
        .order_by("-opened_on", "-pk")
    )


def public_surveys() -> QuerySet[Survey]:
    return Survey.objects.filter(results_public=True).select_related("club")


def survey_results(survey: Survey) -> dict:
    """The ranked problems (most firms concerned first, then the most urgent) with counts and quotes.

    A fixed number of queries whatever the number of answers: one GROUP BY, one windowed query for
    the quotes, one for the free remarks, two counts.
    """
    responses = SurveyResponse.objects.filter(survey=survey).count()
    invitations = SurveyInvitation.objects.filter(survey=survey).count()
    rows = (
        SurveyAnswer.objects.filter(survey=survey)
        .values("problem")
        .annotate(
            firms=Count("pk"),
            urgent=Count("pk", filter=Q(importance=Importance.URGENT)),
            important=Count("pk", filter=Q(importance=Importance.IMPORTANT)),
            minor=Count("pk", filter=Q(importance=Importance.MINOR)),
            score=Sum("importance"),
        )
    )
    quotes: dict[str, list] = {}
    latest_comments = (
        SurveyAnswer.objects.filter(survey=survey)
        .exclude(comment="")
        .annotate(
            rank=Window(RowNumber(), partition_by=F("problem"), order_by=[F("importance").desc(), F("pk").desc()])
        )
        .filter(rank__lte=QUOTES_PER_PROBLEM)
        .values_list("problem", "comment")
    )
    for problem, comment in latest_comments:
        quotes.setdefault(problem, []).append(comment)
    labels = dict(CommonProblem.choices)
    ranking = [
        ProblemResult(
            problem=row["problem"],
            label=str(labels.get(row["problem"], row["problem"])),
            firms=row["firms"],
            urgent=row["urgent"],
            important=row["important"],
            minor=row["minor"],
            score=row["score"] or 0,
            share=round(100 * row["firms"] / responses) if responses else 0,
            quotes=quotes.get(row["problem"], []),
        )
        for row in rows
    ]
    ranking.sort(key=lambda result: (-result.firms, -result.score, result.label))
    remarks = list(
        SurveyResponse.objects.filter(survey=survey)
        .exclude(free_text="")
        .order_by("-submitted_at")
        .values_list("free_text", flat=True)[:FREE_TEXT_QUOTES]
    )
    return {
        "responses": responses,
        "invitations": invitations,
        "rate": round(100 * responses / invitations) if invitations else 0,
        "ranking": ranking,
        "remarks": remarks,
        "max_firms": max((result.firms for result in ranking), default=0),
    }


def survey_invitations(survey: Survey) -> QuerySet[SurveyInvitation]:
    return (
        SurveyInvitation.objects.filter(survey=survey)
        .select_related("organisation")
        .annotate(answered=Count("response"))
        .order_by("organisation__name")
    )


# --- Membership growth --------------------------------------------------------------------------


@dataclass
class ZoneGrowth:
    zone: Zone
    firms_established: int
    registered: int
    members: int
    sse: int
    classic: int
    other: int
    target: int | None
    joins: list = field(default_factory=list)  # [(month, count)] oldest first
    departures: list = field(default_factory=list)

    @property
    def penetration(self) -> float:
        return round(100 * self.members / self.firms_established, 1) if self.firms_established else 0.0

    @property
    def target_progress(self) -> int | None:
        return min(100, round(100 * self.members / self.target)) if self.target else None

    @property
    def to_go(self) -> int | None:
        return max(self.target - self.members, 0) if self.target else None


def last_months(today: datetime.date, count: int = MONTHS) -> list[datetime.date]:
    """The first day of the `count` months up to and including today's, oldest first."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


def growth_date(year: int, today: datetime.date) -> datetime.date:
    """The day a year's members are counted on: the 31st of December of a past year, today for this year
    (or a year to come: nobody is a member in the future yet)."""
    return datetime.date(year, 12, 31) if year < today.year else today


def members_on(day: datetime.date, prefix: str = "") -> Q:
    """Memberships valid on `day`, by their dates: started by then, not ended before (a pending request
    is no membership). `prefix` reaches the membership from another model ("memberships__"): no negation
    here, which across a relation would ask about every membership of the firm, not one."""
    return (
        Q(**{f"{prefix}status__in": [MembershipStatus.ACTIVE, MembershipStatus.LEFT]})
        & Q(**{f"{prefix}started_on__lte": day})
        & (Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day}))
    )


def zone_growth(*, year: int | None = None, today: datetime.date | None = None, zone_ids=ALL) -> list[ZoneGrowth]:
    """Every zone's figures, or those of `zone_ids` (the zones an animator's clubs cover): the members
    valid at the end of `year` (today for this year) against that year's target."""
    today = today or timezone.localdate()
    year = year or today.year
    day = growth_date(year, today)
    months = last_months(day)
    zones = Zone.objects.order_by("name")
    zones = list(zones if zone_ids is ALL else zones.filter(pk__in=zone_ids))
    registered = dict(
        Organisation.objects.filter(zone__isnull=False)
        .values_list("zone")
        .annotate(n=Count("pk"))
        .values_list("zone", "n")
    )
    mix: dict[int, dict[str, int]] = {}
    members_by_kind = (
        Organisation.objects.filter(Q(zone__isnull=False) & members_on(day, "memberships__"))
        .values("zone", "kind")
        .annotate(n=Count("pk", distinct=True))
    )
    for row in members_by_kind:
        group = (
            "sse"
            if row["kind"] in SSE_KINDS
            else "classic"
            if row["kind"] == OrganisationKind.CLASSIC_FIRM
            else "other"
        )
        counts = mix.setdefault(row["zone"], {"sse": 0, "classic": 0, "other": 0})
        counts[group] += row["n"]
    targets = dict(GrowthTarget.objects.filter(year=year, zone__isnull=False).values_list("zone", "target_members"))
    in_window = Membership.objects.filter(organisation__zone__isnull=False)
    joins = _per_month(
        in_window.exclude(status=MembershipStatus.PENDING).filter(started_on__gte=months[0]), "started_on"
    )
    departures = _per_month(in_window.filter(status=MembershipStatus.LEFT, ended_on__gte=months[0]), "ended_on")
    result = []
    for zone in zones:
        counts = mix.get(zone.pk, {"sse": 0, "classic": 0, "other": 0})
        result.append(
            ZoneGrowth(
                zone=zone,
                firms_established=max(zone.firms_established, registered.get(zone.pk, 0)),
                registered=registered.get(zone.pk, 0),
                members=sum(counts.values()),
                sse=counts["sse"],
                classic=counts["classic"],
                other=counts["other"],
                target=targets.get(zone.pk),
                joins=[(month, joins.get((zone.pk, month), 0)) for month in months],
                departures=[(month, departures.get((zone.pk, month), 0)) for month in months],
            )
        )
    return result


@dataclass
class ClubGrowth:
    """A running club's members on the day (its own memberships: after a merger, those of both clubs),
    the firms established on every zone it covers, and its own target of the year."""

    club: Club
    zones: list
    firms_established: int
    members: int
    target: int | None

    @property
    def penetration(self) -> float:
        return round(100 * self.members / self.firms_established, 1) if self.firms_established else 0.0

    @property
    def to_go(self) -> int | None:
        return max(self.target - self.members, 0) if self.target else None


def club_growth(
    *, year: int | None = None, today: datetime.date | None = None, club_ids=ALL, zones: list[ZoneGrowth]
) -> list[ClubGrowth]:
    """The running clubs' figures (or those of `club_ids`), their zones' established firms taken from `zones`
    (the result of `zone_growth`, so nothing is counted twice)."""
    today = today or timezone.localdate()
    year = year or today.year
    day = growth_date(year, today)
    members = (
        Membership.objects.filter(members_on(day), club=OuterRef("pk"))
        .order_by()
        .values("club")
        .annotate(n=Count("organisation", distinct=True))
        .values("n")
    )
    target = GrowthTarget.objects.filter(club=OuterRef("pk"), year=year).values("target_members")[:1]
    clubs = (
        Club.objects.filter(merged_into__isnull=True)
        .select_related("zone")
        .prefetch_related("other_zones")
        .annotate(members_on_day=Subquery(members), target_of_year=Subquery(target))
    )
    if club_ids is not ALL:
        clubs = clubs.filter(pk__in=club_ids)
    established = {growth.zone.pk: growth.firms_established for growth in zones}
    result = []
    for club in clubs.order_by("name"):  # two queries: the clubs with their figures, their other zones
        covered = [club.zone, *sorted(club.other_zones.all(), key=lambda zone: zone.name)]
        result.append(
            ClubGrowth(
                club=club,
                zones=covered,
                firms_established=sum(established.get(zone.pk, zone.firms_established) for zone in covered),
                members=club.members_on_day or 0,
                target=club.target_of_year,
            )
        )
    return result


def _per_month(queryset, date_field: str) -> dict[tuple[int, datetime.date], int]:
    """Distinct organisations per (zone, month): a firm joining the cluster and its club the same month counts once."""
    rows = (
        queryset.annotate(month=TruncMonth(date_field))
        .values("organisation__zone", "month")
        .annotate(n=Count("organisation", distinct=True))
    )
    return {(row["organisation__zone"], _as_date(row["month"])): row["n"] for row in rows}


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def cluster_totals(zones: list[ZoneGrowth]) -> dict:
    established = sum(z.firms_established for z in zones)
    members = sum(z.members for z in zones)
    sse = sum(z.sse for z in zones)
    target = sum(z.target for z in zones if z.target)
    months = [month for month, _n in zones[0].joins] if zones else []
    return {
        "established": established,
        "members": members,
        "penetration": round(100 * members / established, 1) if established else 0.0,
        "sse": sse,
        "classic": sum(z.classic for z in zones),
        "other": sum(z.other for z in zones),
        "sse_share": round(100 * sse / members) if members else 0,
        "target": target or None,
        "joins": [(month, sum(z.joins[i][1] for z in zones)) for i, month in enumerate(months)],
        "departures": [(month, sum(z.departures[i][1] for z in zones)) for i, month in enumerate(months)],
    }


def all_member_counts() -> dict:
    """Members anywhere in the cluster, zone or not (the home page's figure), for the public summary."""
    active = Organisation.objects.filter(memberships__status=MembershipStatus.ACTIVE)
    return active.aggregate(
        total=Count("pk", distinct=True), sse=Count("pk", distinct=True, filter=Q(kind__in=SSE_KINDS))
    )


# --- The path to autonomy ------------------------------------------------------------------------


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from `start` to `end` (0 when end is before start)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    return max(months, 0)


def stage_limit() -> int:
    """The months a club may stay in one stage before its animators are warned (0: never), as the
    administrators set it (Settings → Clubs)."""
    from .models import ClubSettings

    return ClubSettings.load().stage_max_months


def stage_overdue(club: Club, today: datetime.date | None = None, *, limit: int | None = None) -> dict | None:
    """The warning of a club that stays in a stage longer than the cluster's setting (stage_limit;
    `limit` when the caller read it already): {"months", "limit"}, or None (in time, autonomous,
    merged, or no limit set)."""
    limit = stage_limit() if limit is None else limit
    if club.stage == ClubStage.AUTONOMOUS or club.is_merged or not limit:
        return None
    months = months_between(club.stage_since, today or timezone.localdate())
    return {"months": months, "limit": limit} if months >= limit else None


def autonomy_checklist(club: Club, milestones=None) -> list[dict]:
    """Every milestone of the path, stage by stage, with the date it was done (None: not yet)."""
    done = {m.milestone: m.done_on for m in (milestones if milestones is not None else club.milestones.all())}
    current = club.stage_number
    return [
        {
            "stage": stage.value,
            "stage_label": stage.label,
            "current": number == current,
            "items": [
                {"value": milestone.value, "label": milestone.label, "done_on": done.get(milestone.value)}
                for milestone in MILESTONES_OF_STAGE[stage]
            ],
        }
        for number, stage in enumerate(ClubStage, start=1)
        if MILESTONES_OF_STAGE[stage]
    ]


def stage_unfinished(club: Club) -> list:
    """The labels of the current stage's checklist items not done yet (the warning when moving on)."""
    done = set(club.milestones.values_list("milestone", flat=True))
    return [milestone.label for milestone in MILESTONES_OF_STAGE[ClubStage(club.stage)] if milestone not in done]


def current_stage_progress(club: Club, milestones=None) -> tuple[int, int]:
    """(done, total) of the current stage's milestones."""
    done = {m.milestone for m in (milestones if milestones is not None else club.milestones.all())}
    expected = MILESTONES_OF_STAGE[ClubStage(club.stage)]
    return sum(1 for milestone in expected if milestone in done), len(expected)


def clubs_overview(user, today: datetime.date | None = None) -> list[Club]:
    """The running clubs with where each stands on its path: the current stage's checklist, the planned
    autonomy date; the accompanying person and the overdue warning for those who follow the club."""
    clubs = list(active_clubs().select_related("accompanied_by").prefetch_related("milestones"))
    limit = stage_limit() if clubs else 0
    for club in clubs:
        milestones = list(club.milestones.all())
        club.checklist_done, club.checklist_total = current_stage_progress(club, milestones)
        club.follows_autonomy = permissions.can_follow_autonomy(user, club)
        club.overdue = stage_overdue(club, today, limit=limit) if club.follows_autonomy else None
    return clubs


def accompanying_choices(club: Club):
    """Who may accompany the club: its animators (and whoever accompanies it already)."""
    people = member_selectors.holders(Role.ANIMATOR, ScopeKind.CLUB, club.pk)
    if club.accompanied_by_id:
        people = people | Person.objects.filter(pk=club.accompanied_by_id)
    return people.distinct().order_by("user__last_name", "user__first_name")


# --- Campaigns ----------------------------------------------------------------------------------


def club_zone_ids(club: Club) -> set[int]:
    """The zones a club covers: its own and the others it took on."""
    return {club.zone_id, *club.other_zones.values_list("pk", flat=True)}


def campaign_zones(user) -> QuerySet[Zone]:
    """The zones the user's clubs cover (a campaign's zone is one of them)."""
    return permissions.zone_rows_visible(Zone.objects.all(), user, "pk").order_by("name")


def campaigns_for(user) -> QuerySet[Campaign]:
    """The campaigns of the user's clubs, latest first, with their funnel's counts."""
    counted = {
        "target_count": Count("targets"),
        "contacted_count": Count("targets", filter=~Q(targets__result=CampaignResult.PENDING)),
        "interested_count": Count(
            "targets", filter=Q(targets__result__in=[CampaignResult.INTERESTED, CampaignResult.JOINED])
        ),
        "joined_count": Count("targets", filter=Q(targets__result=CampaignResult.JOINED)),
    }
    queryset = Campaign.objects.select_related("club", "zone").annotate(**counted)
    return permissions.campaigns_visible(queryset, user).order_by("-starts_on", "-pk")


@dataclass
class Funnel:
    """A campaign's progress: how many firms, contacted, interested (joined included), joined."""

    total: int
    contacted: int
    interested: int
    joined: int
    declined: int
    per_person: list = field(default_factory=list)

    def share(self, count: int) -> int:
        return round(100 * count / self.total) if self.total else 0

    @property
    def steps(self) -> list[tuple[str, int, int]]:
        from django.utils.translation import gettext as _

        return [
            (_("Firms"), self.total, 100),
            (_("Contacted"), self.contacted, self.share(self.contacted)),
            (_("Interested"), self.interested, self.share(self.interested)),
            (_("Joined"), self.joined, self.share(self.joined)),
        ]


def campaign_funnel(campaign: Campaign) -> Funnel:
    counts = dict(campaign.targets.values_list("result").annotate(n=Count("pk")).order_by())
    total = sum(counts.values())
    pending = counts.get(CampaignResult.PENDING, 0)
    joined = counts.get(CampaignResult.JOINED, 0)
    per_person = list(
        campaign.targets.values("assigned_to__first_name", "assigned_to__last_name", "assigned_to__username")
        .annotate(total=Count("pk"), pending=Count("pk", filter=Q(result=CampaignResult.PENDING)))
        .order_by("assigned_to__first_name", "assigned_to__last_name")
    )
    for row in per_person:
        full_name = f"{row['assigned_to__first_name']} {row['assigned_to__last_name']}".strip()
        row["name"] = full_name or row["assigned_to__username"] or ""
    return Funnel(
        total=total,
        contacted=total - pending,
        interested=counts.get(CampaignResult.INTERESTED, 0) + joined,
        joined=joined,
        declined=counts.get(CampaignResult.NOT_INTERESTED, 0),
        per_person=per_person,
    )


# The filter of the campaign's list for the firms left to call: invited or not, they did not act.
TO_CALL = "a_appeler"


def _left_to_call(queryset):
    return queryset.filter(acted_at__isnull=True).exclude(
        result__in=[CampaignResult.JOINED, CampaignResult.NOT_INTERESTED]
    )


@dataclass
class InvitationFunnel:
    """An invitation's progress: e-mailed → link opened → registered (or answered) → joined."""

    invitable: object  # invitations.Invitable, or None when nothing is chosen yet
    acted_label: str
    total: int
    without_email: int
    objected: int
    sent: int
    opened: int
    acted: int
    joined: int
    to_call: int
    reminded: int

    def share(self, count: int) -> int:
        return round(100 * count / self.total) if self.total else 0

    @property
    def steps(self) -> list[tuple[str, int, int]]:
        from django.utils.translation import gettext as _

        return [
            (_("Invited by e-mail"), self.sent, self.share(self.sent)),
            (_("Opened the link"), self.opened, self.share(self.opened)),
            (self.acted_label, self.acted, self.share(self.acted)),
            (_("Joined"), self.joined, self.share(self.joined)),
        ]


def campaign_invitation_funnel(campaign: Campaign) -> InvitationFunnel:
    from . import invitations

    counts = campaign.targets.aggregate(
        total=Count("pk"),
        without_email=Count("pk", filter=Q(organisation__email="")),
        sent=Count("pk", filter=Q(invited_at__isnull=False)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        acted=Count("pk", filter=Q(acted_at__isnull=False)),
        joined=Count("pk", filter=Q(result=CampaignResult.JOINED)),
        reminded=Count("pk", filter=Q(reminder_count__gt=0)),
    )
    registered = invitations.kind(campaign.invite_kind)
    return InvitationFunnel(
        invitable=invitations.read(campaign),
        acted_label=str(registered.acted_label) if registered else "",
        to_call=_left_to_call(campaign.targets.all()).count(),
        objected=campaign.targets.filter(objected("organisation")).count(),
        **counts,
    )


def campaign_targets(campaign: Campaign, *, assigned_to=None, result: str = "") -> QuerySet[CampaignTarget]:
    """The firms of a campaign (those of `assigned_to` only, at `result` only, or left to call): the ones
    left first (to call: those without an e-mail address first, then the ones reminded most). Each says
    whether the firm objected to prospecting (`objected`): no invitation or reminder is e-mailed to it."""
    queryset = campaign.targets.select_related("organisation", "assigned_to").annotate(
        objected=objected("organisation")
    )
    if assigned_to is not None:
        queryset = queryset.filter(assigned_to=assigned_to)
    if result == TO_CALL:
        return _left_to_call(queryset).order_by(
            Case(When(organisation__email="", then=0), default=1), "-reminder_count", "organisation__name"
        )
    if result in CampaignResult.values:
        queryset = queryset.filter(result=result)
    return queryset.order_by(Case(When(result=CampaignResult.PENDING, then=0), default=1), "organisation__name")


def campaign_assignees(user):
    """Who may be given firms to contact: the animators of the user's clubs (and the user)."""
    clubs = permissions.animated_clubs(user)
    people = RoleAssignment.objects.filter(
        role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id__in=clubs.values("pk")
    ).values("person__user_id")
    return (
        get_user_model()
        .objects.filter(Q(pk__in=people) | Q(pk=user.pk), is_active=True)
        .order_by("first_name", "last_name", "pk")
    )


# --- Joining online -----------------------------------------------------------------------------


def zones_to_join() -> QuerySet[Zone]:
    """The business parks a firm may ask to join from the site: those a running club covers."""
    running = Club.objects.filter(merged_into__isnull=True)
    covered = Q(pk__in=running.values("zone_id")) | Q(
        pk__in=running.filter(other_zones__isnull=False).values("other_zones")
    )
    return Zone.objects.filter(covered).order_by("name")


def club_of_zone(zone: Zone) -> Club | None:
    """The running club of a zone: the one whose main zone it is, else one that took it on."""
    running = Club.objects.filter(merged_into__isnull=True)
    return running.filter(zone=zone).order_by("pk").first() or running.filter(other_zones=zone).order_by("pk").first()


def join_requests_for(user, *, status: str = JoinRequestStatus.PENDING) -> QuerySet[JoinRequest]:
    queryset = JoinRequest.objects.select_related("zone", "club", "organisation", "decided_by")
    if status:
        queryset = queryset.filter(status=status)
    return permissions.join_requests_visible(queryset, user).order_by("-created_at")
