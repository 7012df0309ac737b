"""Clubs' life cycle and mergers: writes (club_*) and reads (club_page_*), rules built in.

A club goes through four stages in about three years (emergence, needs collected, common
actions chosen, autonomous); each change is dated in its history. A merger moves everything
pointing at the absorbed club to the other one and keeps the absorbed row, marked as merged,
so nothing is lost and its old address redirects.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .models import (
    CLUB_STAGE_ORDER,
    BoardPosition,
    Club,
    ClubBoardMember,
    ClubStage,
    ClubStageChange,
    Membership,
    MembershipStatus,
)
from .signals import club_merged

# --- Writes -------------------------------------------------------------------------------------


def club_save(*, club: Club, by) -> Club:
    """Creates or edits a club's details; a new club starts its history at its current stage."""
    if not permissions.is_administrator(by):
        raise PermissionDenied(_("Only cluster administrators create and edit clubs."))
    if club.pk and club.is_merged:
        raise ValidationError(_("This club has merged into another one: edit that one instead."))
    created = club.pk is None
    club.full_clean(exclude=["other_zones"])
    with transaction.atomic():
        club.save()
        if created:
            club_record_creation(club=club, by=by)
    return club


def club_set_stage(*, club: Club, stage: str, by, changed_on: datetime.date | None = None, note: str = "") -> Club:
    """Moves a club to a stage (forward, or back if it stalls) and dates it in the history."""
    if not permissions.can_organise_clubs(by):
        raise PermissionDenied(_("Only organisers and administrators change a club's stage."))
    if stage not in CLUB_STAGE_ORDER:
        raise ValidationError({"stage": _("Choose one of the four stages.")})
    if club.is_merged:
        raise ValidationError(_("This club has merged into another one: its stage no longer changes."))
    changed_on = changed_on or timezone.localdate()
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": _("The date of a stage cannot be in the future.")})
    if stage == club.stage:
        raise ValidationError({"stage": _("The club is already at this stage.")})
    with transaction.atomic():
        club = Club.objects.select_for_update().get(pk=club.pk)
        last = club.stage_changes.order_by("-changed_on").values_list("changed_on", flat=True).first()
        if last and changed_on < last:
            raise ValidationError(
                {"changed_on": _("The history already has a step on %(date)s: a new stage cannot be older.")
                 % {"date": last.strftime("%d/%m/%Y")}}
            )  # fmt: skip
        club.stage, club.stage_since = stage, changed_on
        club.save(update_fields=["stage", "stage_since"])
        ClubStageChange.objects.create(
            club=club, stage=stage, changed_on=changed_on, club_name=club.name, note=note[:300], by=by
        )
    return club


def club_record_creation(*, club: Club, by=None) -> ClubStageChange:
    """The first step of a new club's history: its stage on its founding date."""
    return ClubStageChange.objects.create(
        club=club,
        stage=club.stage,
        changed_on=club.founded or club.stage_since,
        club_name=club.name,
        note=_("Club created"),
        by=by,
    )


def _move_memberships(absorbed: Club, into: Club, merged_on: datetime.date) -> None:
    """A firm current in both clubs keeps its membership of `into`; its other one ends on the merger date."""
    current = ~Q(status=MembershipStatus.LEFT)
    both = set(Membership.objects.filter(current, club=into).values_list("organisation_id", flat=True)) & set(
        Membership.objects.filter(current, club=absorbed).values_list("organisation_id", flat=True)
    )
    for membership in Membership.objects.filter(current, club=absorbed, organisation_id__in=both):
        membership.status = MembershipStatus.LEFT
        membership.ended_on = max(merged_on, membership.started_on)
        membership.save(update_fields=["status", "ended_on", "updated_at"])
    Membership.objects.filter(club=absorbed).update(club=into)


def _move_related_rows(absorbed: Club, into: Club) -> list[str]:
    """Repoints every foreign key to `absorbed` (whatever app declares it) at `into`.

    Returns the one-to-one relations that could not move because `into` already has one (the
    `club_merged` receivers deal with those, e.g. the public site's page of each club).
    """
    left_behind = []
    for relation in Club._meta.related_objects:
        model, field = relation.related_model, relation.field
        if relation.many_to_many:
            through = field.remote_field.through
            source = field.m2m_reverse_field_name()
            target = field.m2m_field_name()
            existing = set(through.objects.filter(**{source: into}).values_list(target, flat=True))
            through.objects.filter(**{source: absorbed}, **{f"{target}__in": existing}).delete()
            through.objects.filter(**{source: absorbed}).update(**{source: into})
            continue
        if relation.one_to_one and model._default_manager.filter(**{field.name: into}).exists():
            if model._default_manager.filter(**{field.name: absorbed}).exists():
                left_behind.append(model._meta.label)
            continue
        if model is Membership:
            continue  # moved by _move_memberships, which keeps the one-current-membership rule
        model._default_manager.filter(**{field.name: absorbed}).update(**{field.name: into})
    return left_behind


def club_merge(*, absorbed: Club, into: Club, by, merged_on: datetime.date | None = None) -> Club:
    """`into` absorbs `absorbed`: members, commissions, board, history, surveys, plans… move; nothing is deleted."""
    if not permissions.can_merge_clubs(by):
        raise PermissionDenied(_("Only cluster administrators merge clubs."))
    if absorbed.pk == into.pk:
        raise ValidationError(_("A club cannot merge with itself."))
    merged_on = merged_on or timezone.localdate()
    with transaction.atomic():
        # Lock both rows in a fixed order so two mergers of the same pair cannot cross.
        locked = {club.pk: club for club in Club.objects.select_for_update().filter(pk__in=[absorbed.pk, into.pk])}
        absorbed, into = locked[absorbed.pk], locked[into.pk]
        if absorbed.is_merged:
            raise ValidationError(_("“%(name)s” has already merged into another club.") % {"name": absorbed.name})
        if into.is_merged:
            raise ValidationError(_("“%(name)s” has merged into another club: choose that one.") % {"name": into.name})
        _move_memberships(absorbed, into, merged_on)
        left_behind = _move_related_rows(absorbed, into)
        zones = {absorbed.zone_id, *absorbed.other_zones.values_list("pk", flat=True)} - {into.zone_id}
        into.other_zones.add(*zones)
        absorbed.other_zones.clear()
        absorbed.merged_into, absorbed.merged_on = into, merged_on
        absorbed.save(update_fields=["merged_into", "merged_on"])
        ClubStageChange.objects.create(
            club=into,
            stage=into.stage,
            changed_on=merged_on,
            club_name=into.name,
            note=_("Merger: “%(absorbed)s” joined this club.") % {"absorbed": absorbed.name},
            by=by,
        )
        club_merged.send(sender=Club, absorbed=absorbed, into=into, by=by, left_behind=left_behind)
    return into


# --- Reads --------------------------------------------------------------------------------------


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


def club_commissions(club: Club) -> list:
    """The club's workgroups (declared by the workgroups app as Workgroup.club, related name "commissions")."""
    related = getattr(club, "commissions", None)
    if related is None:
        return []
    return list(related.order_by("name"))


def club_public_plans(club: Club) -> list:
    """The club's public action plans (declared by the plans app, workgroups.plans, as ActionPlan.club)."""
    related = getattr(club, "action_plans", None)
    if related is None:
        return []
    return list(related.filter(is_public=True).order_by("title"))


def club_public_surveys(club: Club):
    return club.surveys.filter(results_public=True).order_by("-opened_on")
