"""Reads of the Bourse d'échanges, with the permission checks built in."""

import datetime
import hashlib
from collections import defaultdict

from django.conf import settings
from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

import search
from portal.clubs.models import Club
from portal.members.models import Person
from portal.privacy.models import Purpose
from portal.privacy.selectors import people_with_consent

from . import permissions
from .models import (
    ACTIVE_SHEET_STATUSES,
    Category,
    Direction,
    ExchangeObjective,
    ExchangeSession,
    Interest,
    ParticipationLink,
    Registration,
    ResourceSheet,
    SatisfactionResponse,
    SessionStatus,
    SessionTable,
    Synergy,
    SynergyStatus,
    WorkbookExport,
)


def _sheets() -> QuerySet[ResourceSheet]:
    return ResourceSheet.objects.select_related("organisation", "zone").prefetch_related("tags")


def visible_sheets(
    user, *, direction: str = "", category: str = "", zone=None, text: str = "", mine: bool = False
) -> QuerySet[ResourceSheet]:
    """The sheets a member may read: open ones and those in discussion, plus all of their own firm's."""
    if not permissions.is_member(user):
        return ResourceSheet.objects.none()
    own = permissions.organisation_id_of(user)
    queryset = _sheets().filter(Q(status__in=ACTIVE_SHEET_STATUSES) | Q(organisation_id=own))
    if mine:
        queryset = queryset.filter(organisation_id=own)
    if direction in Direction.values:
        queryset = queryset.filter(direction=direction)
    if category in Category.values:
        queryset = queryset.filter(category=category)
    if zone is not None:
        queryset = queryset.filter(zone=zone)
    if text:
        queryset = queryset.filter(
            Q(title__icontains=text) | Q(description__icontains=text) | Q(organisation__name__icontains=text)
        )
    return queryset.order_by("-updated_at", "-pk")


def sheet_for(user, pk) -> ResourceSheet | None:
    """A sheet by id, under the list's rule: closed or matched sheets only for their own firm
    (and the organisers of its clubs, who edit its sheets)."""
    if not permissions.is_member(user):
        return None
    sheet = _sheets().select_related("created_by__user").filter(pk=pk).first()
    return sheet if sheet is not None and permissions.can_view_sheet(user, sheet) else None


def sheet_contact_email(sheet: ResourceSheet) -> str:
    """The author's e-mail, only while they agree to be shown as a contact."""
    author = sheet.created_by
    if author is None or not people_with_consent(Purpose.CONTACT).filter(pk=author.pk).exists():
        return ""
    return author.user.email


SUGGESTION_POOL = 30


def matching_sheets(sheet: ResourceSheet, *, user, limit: int = 5) -> list[ResourceSheet]:
    """For a need, the open offers most likely to answer it (for an offer, the needs), from another firm:
    same category first, then same zone, then by text similarity (more-like-this in the search index).
    When the index knows too few, sheets of the same category complete the list."""
    opposite = Direction.NEED if sheet.is_offer else Direction.OFFER
    candidates = (
        _sheets()
        .filter(direction=opposite, status__in=ACTIVE_SHEET_STATUSES)
        .exclude(organisation_id=sheet.organisation_id)
    )
    similar = search.more_like_this("resource_sheet", sheet.pk, user=user, limit=SUGGESTION_POOL)
    rank = {int(s.id): position for position, s in enumerate(similar) if s.type == "resource_sheet"}
    found = list(candidates.filter(pk__in=rank))
    if len(found) < limit:
        found += list(candidates.filter(category=sheet.category).exclude(pk__in=rank)[: limit - len(found)])

    def key(candidate):
        return (
            candidate.category != sheet.category,
            candidate.zone_id != sheet.zone_id or sheet.zone_id is None,
            rank.get(candidate.pk, SUGGESTION_POOL),
            -candidate.pk,
        )

    return sorted(found, key=key)[:limit]


# --- Sessions -----------------------------------------------------------------------------------


def sessions_for(user) -> QuerySet[ExchangeSession]:
    if not permissions.is_member(user):
        return ExchangeSession.objects.none()
    return (
        ExchangeSession.objects.select_related("club")
        .annotate(firm_count=Count("registrations", distinct=True))
        .order_by("-date", "-pk")
    )


def session_for(user, pk) -> ExchangeSession | None:
    if not permissions.is_member(user):
        return None
    return ExchangeSession.objects.select_related("club").filter(pk=pk).first()


def seating(session: ExchangeSession) -> list[SessionTable]:
    """The tables with their firms (each with `zone`), facilitators and secretaries."""
    return list(
        session.tables.select_related("facilitator__user", "secretary__user", "facilitator__organisation")
        .prefetch_related(
            Prefetch(
                "registrations",
                queryset=Registration.objects.select_related("organisation__zone").order_by("organisation__name"),
            )
        )
        .order_by("number")
    )


def unseated(session: ExchangeSession) -> QuerySet[Registration]:
    return session.registrations.filter(table__isnull=True).select_related("organisation__zone")


def registrations(session: ExchangeSession) -> QuerySet[Registration]:
    return session.registrations.select_related("organisation__zone", "table").order_by("organisation__name")


def badges(session: ExchangeSession) -> list[dict]:
    """One badge per person of each registered firm (a firm without people gets one blank badge)."""
    result = []
    for registration in registrations(session):
        people = list(
            Person.objects.filter(organisation=registration.organisation, user__is_active=True)
            .select_related("user")
            .order_by("user__last_name")
        )
        for person in people or [None]:
            result.append({"person": person, "registration": registration})
    return result


def round_sheets(session: ExchangeSession, round_number: int) -> list[ResourceSheet]:
    """The sheets announced in a round: the offers (odd rounds) or needs (even) of the registered firms."""
    if not round_number:
        return []
    return list(
        ResourceSheet.objects.filter(
            direction=session.direction_of_round(round_number),
            organisation__exchange_registrations__session=session,
        )
        .exclude(status="closed")
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


def table_answers(table: SessionTable, round_number: int) -> dict[str, bool]:
    """{"<sheet>:<firm>": yes/no} of the answers already recorded at a table in a round."""
    rows = Interest.objects.filter(session_id=table.session_id, table=table, round=round_number).values_list(
        "sheet_id", "organisation_id", "interested"
    )
    return {f"{sheet}:{firm}": interested for sheet, firm, interested in rows}


def live_state(session: ExchangeSession) -> dict:
    """What the organiser's screen shows, as a frame: every table's progress in the current round."""
    sheets = len(round_sheets(session, session.current_round))
    counts = {
        row["table__number"]: row
        for row in Interest.objects.filter(session=session, round=session.current_round)
        .values("table__number")
        .annotate(sheets=Count("sheet", distinct=True), answers=Count("pk"), yes=Count("pk", filter=Q(interested=True)))
    }
    tables = []
    for table in session.tables.select_related("secretary__user").order_by("number"):
        row = counts.get(table.number, {})
        tables.append(
            {
                "table": table.number,
                "secretary": str(table.secretary) if table.secretary else "",
                "sheets": row.get("sheets", 0),
                "answers": row.get("answers", 0),
                "yes": row.get("yes", 0),
            }
        )
    return {
        "type": "state",
        "status": session.status,
        "round": session.current_round,
        "rounds": session.rounds,
        "round_minutes": session.round_minutes,
        "direction": session.current_direction,
        "round_sheets": sheets,
        "started_at": session.round_started_at.isoformat() if session.round_started_at else None,
        "tables": tables,
    }


def interests_of_session(session: ExchangeSession, *, user) -> QuerySet[Interest]:
    """YES answers, for the session's organisers (all) or a member (those involving their firm)."""
    queryset = Interest.objects.filter(session=session, interested=True).select_related(
        "sheet__organisation", "organisation", "table"
    )
    if permissions.can_manage_session(user, session):
        return queryset.order_by("round", "sheet__title", "organisation__name")
    own = permissions.organisation_id_of(user)
    return queryset.filter(Q(organisation_id=own) | Q(sheet__organisation_id=own)).order_by("round", "sheet__title")


def latest_export(session: ExchangeSession) -> WorkbookExport | None:
    return session.exports.defer("organiser_workbook", "archive").first()


# --- Synergies, objectives, satisfaction ---------------------------------------------------------------


def synergies_for(user) -> QuerySet[Synergy]:
    """Those of the user's clubs (as their organiser) and of their own firm."""
    if not permissions.is_member(user):
        return Synergy.objects.none()
    queryset = Synergy.objects.select_related("provider", "beneficiary", "offer", "need", "club")
    return permissions.synergies_visible(queryset, user)


def objectives_dashboard(club: Club | None) -> list[dict]:
    """Per year: sessions and synergies planned against sessions held and synergies implemented."""
    objectives = {o.year: o for o in ExchangeObjective.objects.filter(club=club)}
    held = defaultdict(int)
    for row in (
        ExchangeSession.objects.filter(club=club, status=SessionStatus.DONE)
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(n=Count("pk"))
    ):
        held[row["year"]] = row["n"]
    implemented = defaultdict(int)
    for row in (
        Synergy.objects.filter(club=club, status=SynergyStatus.IMPLEMENTED)
        .annotate(year=ExtractYear("implemented_on"))
        .values("year")
        .annotate(n=Count("pk"))
    ):
        implemented[row["year"]] = row["n"]
    years = sorted(set(objectives) | set(held) | set(implemented))
    rows = []
    for year in years:
        objective = objectives.get(year)
        rows.append(
            {
                "year": year,
                "sessions_planned": objective.sessions_planned if objective else None,
                "sessions_held": held[year],
                "synergies_planned": objective.synergies_planned if objective else None,
                "synergies_implemented": implemented[year],
            }
        )
    return rows


def satisfaction_summary(session: ExchangeSession) -> dict:
    responses = SatisfactionResponse.objects.filter(session=session)
    averages = responses.aggregate(
        logistics=Avg("logistics"), method=Avg("method"), atmosphere=Avg("atmosphere"), count=Count("pk")
    )
    distribution = {}
    for field in ("logistics", "method", "atmosphere"):
        counts = dict(responses.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
        distribution[field] = [(score, counts.get(score, 0)) for score in range(1, 6)]
    comments = list(
        responses.exclude(comment="").select_related("organisation").values_list("comment", "organisation__name")
    )
    return {"averages": averages, "distribution": distribution, "comments": comments}


# --- Firms' links (no account) ---------------------------------------------------------------------

EXPECTED_SHEETS = 5  # offers and needs each firm brings to the morning (shared/context/004)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_last_day(session: ExchangeSession) -> datetime.date:
    """The last day a firm's link opens (shown to the firm): the end of the session's follow-up period."""
    return session.date + datetime.timedelta(days=settings.EXCHANGE_LINK_FOLLOW_UP_DAYS)


def link_expires_at(session: ExchangeSession) -> datetime.datetime:
    """When the firms' links stop opening: midnight after their last day, local time."""
    return timezone.make_aware(
        datetime.datetime.combine(link_last_day(session) + datetime.timedelta(days=1), datetime.time.min)
    )


def link_by_token(token: str) -> ParticipationLink | None:
    """The link a token opens, whatever its state (the view refuses an expired or revoked one)."""
    if not token or len(token) > 100:
        return None
    return (
        ParticipationLink.objects.select_related("registration__session__club", "registration__organisation")
        .filter(token_hash=token_hash(token))
        .first()
    )


def firm_sheets(organisation) -> dict:
    """A firm's open sheets by direction, and how ready they are against the five and five expected."""
    sheets = list(
        ResourceSheet.objects.filter(organisation=organisation, status__in=ACTIVE_SHEET_STATUSES).order_by(
            "direction", "title"
        )
    )
    offers = [sheet for sheet in sheets if sheet.direction == Direction.OFFER]
    needs = [sheet for sheet in sheets if sheet.direction == Direction.NEED]
    return {
        "offers": offers,
        "needs": needs,
        "expected": EXPECTED_SHEETS,
        "offers_missing": max(0, EXPECTED_SHEETS - len(offers)),
        "needs_missing": max(0, EXPECTED_SHEETS - len(needs)),
        "ready": len(offers) >= EXPECTED_SHEETS and len(needs) >= EXPECTED_SHEETS,
    }


def firm_sheet(organisation, pk) -> ResourceSheet | None:
    """One of the firm's own sheets; another firm's is None (its link never opens it)."""
    return ResourceSheet.objects.filter(organisation=organisation, pk=pk).first()


def firm_workbook(session: ExchangeSession, organisation):
    from .models import ExportStatus, FirmWorkbook

    return (
        FirmWorkbook.objects.filter(
            export__session=session, export__status=ExportStatus.DONE, organisation=organisation
        )
        .order_by("-export__created_at")
        .first()
    )


def session_links(session: ExchangeSession) -> list[dict]:
    """Each registered firm, its link's state and its sheets' counts: the organisers' links page."""
    now = timezone.now()
    expires = link_expires_at(session)
    registrations = (
        session.registrations.select_related("organisation", "link", "table")
        .annotate(
            offers=Count(
                "organisation__resource_sheets",
                filter=Q(
                    organisation__resource_sheets__direction=Direction.OFFER,
                    organisation__resource_sheets__status__in=ACTIVE_SHEET_STATUSES,
                ),
            ),
            needs=Count(
                "organisation__resource_sheets",
                filter=Q(
                    organisation__resource_sheets__direction=Direction.NEED,
                    organisation__resource_sheets__status__in=ACTIVE_SHEET_STATUSES,
                ),
            ),
        )
        .order_by("organisation__name")
    )
    rows = []
    for registration in registrations:
        link = getattr(registration, "link", None)
        if link is None:
            state = "none"
        elif link.revoked_at:
            state = "revoked"
        elif now >= expires:
            state = "expired"
        else:
            state = "active"
        rows.append({"registration": registration, "link": link, "state": state})
    return rows


def readiness(session: ExchangeSession) -> list[dict]:
    """Per registered firm before the morning: its sheets against the five and five expected, whether
    its contact is agreed (through its link, or a person of the firm consenting to be shown), its seat."""
    consenting = set(
        people_with_consent(Purpose.CONTACT)
        .filter(organisation__exchange_registrations__session=session)
        .values_list("organisation_id", flat=True)
    )
    rows = []
    for row in session_links(session):
        registration = row["registration"]
        contact = registration.contact_agreed_at is not None or registration.organisation_id in consenting
        offers_missing = max(0, EXPECTED_SHEETS - registration.offers)
        needs_missing = max(0, EXPECTED_SHEETS - registration.needs)
        rows.append(
            {
                "registration": registration,
                "link_state": row["state"],
                "offers": registration.offers,
                "needs": registration.needs,
                "offers_missing": offers_missing,
                "needs_missing": needs_missing,
                "contact": contact,
                "table": registration.table,
                "ready": contact and not offers_missing and not needs_missing,
            }
        )
    return rows
