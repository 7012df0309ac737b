"""Writes of the clubs' life, each checking who acts, validating, and saving atomically.

A club goes through four stages in about three years (emergence, needs collected, common
actions chosen, autonomous); each change is dated in its history. A merger moves everything
pointing at the absorbed club to the other one and keeps the absorbed row, marked as merged,
so nothing is lost and its old address redirects. Needs surveys give each firm a link with a
signed token (no account needed), answered once. Firm imports and mergers touch organisations
in bulk, past their save signals: they schedule the search updates of those organisations here.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, send_mail
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import identity
from portal.members import permissions as member_permissions
from portal.members import services as member_services
from portal.members.models import (
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Role,
    RoleAssignment,
    Zone,
)
from portal.members.scopes import ScopeKind
from portal.members.validators import normalise_siret
from search import indexing

from . import invitations, objections, permissions, selectors
from .firm_files import ImportFileError, Layout, assign_slugs, check_table, open_table, organisations_to_write
from .links import LinkError, link_row, link_token, new_nonce
from .models import (
    CLUB_STAGE_ORDER,
    ActionKind,
    Campaign,
    CampaignKind,
    CampaignResult,
    CampaignTarget,
    Club,
    ClubBoardMember,
    ClubMilestone,
    ClubStageChange,
    CommonProblem,
    ContactKind,
    ContactOutcome,
    ContactStatus,
    FirmImport,
    GrowthTarget,
    Importance,
    ImportMode,
    ImportStatus,
    InvitationKind,
    JoinRequest,
    JoinRequestStatus,
    Milestone,
    ObjectionSource,
    ProspectContact,
    ProspectFile,
    ProspectingObjection,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)
from .signals import club_merged, survey_results_public_changed

# --- Clubs: details, stages, mergers ------------------------------------------------------------


def club_save(*, club: Club, by) -> Club:
    """Creates or edits a club's details; a new club starts its history at its current stage."""
    if not permissions.can_create_clubs(by):
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


def club_board_seat_save(*, seat: ClubBoardMember, by) -> ClubBoardMember:
    """Gives a person a seat on a club's board, or changes it: the club's animators and administrators.
    The public page names them only once they agree to it (privacy Purpose.BOARD); saving the seat
    purges the cached pages (cms.page_cache)."""
    if not permissions.can_animate(by, seat.club) or (
        seat.pk and not permissions.can_animate(by, ClubBoardMember.objects.get(pk=seat.pk).club)
    ):
        raise PermissionDenied(_("Only the club's animators and the administrators change its board."))
    if seat.club.is_merged:
        raise ValidationError(_("This club has merged into another one: edit that one instead."))
    seat.full_clean()
    with transaction.atomic():
        seat.save()
    return seat


def club_board_seat_remove(*, seat: ClubBoardMember, by) -> None:
    if not permissions.can_animate(by, seat.club):
        raise PermissionDenied(_("Only the club's animators and the administrators change its board."))
    seat.delete()


def club_set_stage(
    *, club: Club, stage: str, by, changed_on: datetime.date | None = None, note: str = "", unfinished_ok: bool = False
) -> Club:
    """Moves a club to a stage (forward, or back if it stalls) and dates it in the history.

    Moving forward while items of the checklist of the stage being left are not done is refused with
    the list of those items, unless the caller confirms (`unfinished_ok`: the animator ticked "move
    anyway"); the move is then dated like any other."""
    if not permissions.can_set_stage(by, club):
        raise PermissionDenied(_("Only the club's animators and the administrators change its stage."))
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
        if not unfinished_ok and CLUB_STAGE_ORDER.index(stage) > CLUB_STAGE_ORDER.index(club.stage):
            unfinished = selectors.stage_unfinished(club)
            if unfinished:
                raise ValidationError(
                    {"unfinished_ok": _("Not done yet at the stage “%(stage)s”: %(items)s. Tick “move anyway” to "
                                        "move the club on all the same.")
                     % {"stage": club.get_stage_display(), "items": ", ".join(str(item) for item in unfinished)}},
                    code="checklist_open",
                )  # fmt: skip
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


def _merge_growth_targets(absorbed: Club, into: Club) -> None:
    """A year both clubs had a target for: the merged club aims for both (one row, the sum); the
    absorbed club's other targets move with its other rows."""
    theirs = {target.year: target for target in GrowthTarget.objects.filter(club=into)}
    for target in GrowthTarget.objects.filter(club=absorbed, year__in=theirs):
        kept = theirs[target.year]
        kept.target_members += target.target_members
        kept.save(update_fields=["target_members"])
        target.delete()


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


def _carry_roles_over(absorbed: Club, into: Club, *, by) -> None:
    """The absorbed club's animators and exchange organisers carry on with the club that took over its
    firms: their roles move there (each move logged on the roles screen, where an administrator may
    narrow them)."""
    from portal.members import services as member_services

    held = RoleAssignment.objects.filter(scope_kind=ScopeKind.CLUB, scope_id=absorbed.pk).select_related("person")
    for assignment in held:
        already = RoleAssignment.objects.filter(
            person=assignment.person, role=assignment.role, scope_kind=ScopeKind.CLUB, scope_id=into.pk
        ).exists()
        if not already:
            member_services.role_grant(
                person=assignment.person, role=assignment.role, scope_kind=ScopeKind.CLUB, scope_id=into.pk, by=by
            )
        member_services.role_withdraw(assignment=assignment, by=by)


def club_merge(*, absorbed: Club, into: Club, by, merged_on: datetime.date | None = None) -> Club:
    """`into` absorbs `absorbed`: members, commissions, board, history, surveys, plans, its animators and
    exchange organisers… move; nothing is deleted."""
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
        # The memberships move by queryset update, past their save signals: their firms are
        # reindexed explicitly (a firm's directory entry depends on its current memberships).
        touched = set(Membership.objects.filter(club=absorbed).values_list("organisation_id", flat=True))
        _move_memberships(absorbed, into, merged_on)
        _merge_growth_targets(absorbed, into)
        left_behind = _move_related_rows(absorbed, into)
        zones = {absorbed.zone_id, *absorbed.other_zones.values_list("pk", flat=True)} - {into.zone_id}
        into.other_zones.add(*zones)
        absorbed.other_zones.clear()
        absorbed.merged_into, absorbed.merged_on = into, merged_on
        absorbed.save(update_fields=["merged_into", "merged_on"])
        _carry_roles_over(absorbed, into, by=by)
        ClubStageChange.objects.create(
            club=into,
            stage=into.stage,
            changed_on=merged_on,
            club_name=into.name,
            note=_("Merger: “%(absorbed)s” joined this club.") % {"absorbed": absorbed.name},
            by=by,
        )
        club_merged.send(sender=Club, absorbed=absorbed, into=into, by=by, left_behind=left_behind)
        indexing.schedule_index_many(Organisation, sorted(touched))
    return into


# --- Prospects ----------------------------------------------------------------------------------


KEEP_PLAN = object()  # prospect_contact_record: leave the next action as it is


def _prospects_of_zone_only(by, organisation: Organisation) -> None:
    if not permissions.can_follow_prospects(by, organisation.zone):
        raise PermissionDenied(
            _("Only the animators of the clubs of the firm's zone and the administrators follow it.")
        )


def _plan(
    prospect_file: ProspectFile, *, next_action: str, next_action_due: datetime.date | None, past_allowed: bool
) -> None:
    next_action = next_action or ""
    if next_action and next_action not in ActionKind.values:
        raise ValidationError({"next_action": _("Choose a call, a visit, an e-mail or a letter.")})
    if next_action and next_action_due is None:
        raise ValidationError({"next_action_due": _("Give the day the next action is due.")})
    if next_action_due is not None and not next_action:
        raise ValidationError({"next_action": _("Choose the next action due on this day.")})
    if next_action_due and not past_allowed and next_action_due < timezone.localdate():
        raise ValidationError({"next_action_due": _("The next action cannot be due in the past.")})
    prospect_file.next_action = next_action
    prospect_file.next_action_due = next_action_due if next_action else None


def prospect_file_plan(
    *, organisation: Organisation, by, assigned_to, next_action: str = "", next_action_due=None
) -> ProspectFile:
    """Who follows the firm, and what is to be done next by when (no action: nothing planned)."""
    _prospects_of_zone_only(by, organisation)
    if assigned_to is not None and not permissions.may_be_assigned_prospect(assigned_to, organisation.zone):
        raise ValidationError({"assigned_to": _("Choose an animator of a club covering the firm's zone.")})
    with transaction.atomic():
        prospect_file, _created = ProspectFile.objects.select_for_update().get_or_create(organisation=organisation)
        unchanged_due = prospect_file.next_action_due == next_action_due
        _plan(prospect_file, next_action=next_action, next_action_due=next_action_due, past_allowed=unchanged_due)
        prospect_file.assigned_to = assigned_to
        prospect_file.full_clean()
        prospect_file.save()
    return prospect_file


def prospect_latest_refresh(organisation_ids) -> None:
    """Points each firm's file at the latest contact of its log (its status in the prospect list),
    creating the file of a firm contacted for the first time. Called in the transaction of every write
    to the log (a contact logged, changed, moved to another firm or deleted), after it; the retention
    purge needs none (privacy.purge_prospect_contacts). The files are locked before the pointer is
    set: of two contacts logged for a firm at once, the one committed last then sees the other, and
    the file ends on the latest of both."""
    ids = sorted(set(organisation_ids) - {None})
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        files = ProspectFile.objects.filter(organisation_id__in=chunk).order_by()
        with transaction.atomic():
            without_file = set(chunk) - set(files.values_list("organisation_id", flat=True))
            contacted = ProspectContact.objects.filter(organisation_id__in=without_file)
            firms = contacted.order_by("organisation_id").values_list("organisation_id", flat=True).distinct()
            # A file another transaction is making for the same firm: this waits for it, then skips it.
            ProspectFile.objects.bulk_create([ProspectFile(organisation_id=pk) for pk in firms], ignore_conflicts=True)
            # Locked once they all exist: a transaction that updated one first commits first, and the
            # update below, a new statement, then sees its contact.
            list(files.select_for_update().order_by("pk").values_list("pk", flat=True))  # one order: no deadlock
            files.update(latest_contact=selectors.latest_contact_of_file())


def prospect_contact_admin_save(*, instance: ProspectContact, by, save) -> ProspectContact:
    """A contact written in the admin's screen (its choices are the user's zones): saved as the form
    says, then the files of its firm, and of the firm it was moved from, point at their latest contact."""
    with transaction.atomic():
        moved_from = ProspectContact.objects.filter(pk=instance.pk).values_list("organisation_id", flat=True).first()
        contact = save()
        prospect_latest_refresh([contact.organisation_id, moved_from])
    return contact


def prospect_contact_delete(*, instance: ProspectContact, by) -> None:
    """A contact deleted in the admin's screen: its firm's status is its latest contact left, or none."""
    with transaction.atomic():
        instance.delete()
        prospect_latest_refresh([instance.organisation_id])


def prospect_contact_record(
    *,
    organisation: Organisation,
    status: str,
    by,
    contacted_on: datetime.date | None = None,
    note: str = "",
    kind: str = "",
    outcome: str = "",
    next_action=KEEP_PLAN,
    next_action_due: datetime.date | None = None,
    email: str = "",
) -> ProspectContact:
    """Logs an invitation, a call, a visit… (the latest one is the firm's status in the list).

    `email`: the professional address the firm gave during the contact, kept as its contact e-mail
    (the campaigns' invitations go there); the log says it was given.

    With `next_action` (an ActionKind, or "" for nothing more to do) the same form plans what comes
    next: what was planned has been done. A firm that joined or declined has nothing more planned.
    The one who logs follows the firm if nobody did."""
    _prospects_of_zone_only(by, organisation)
    if status not in ContactStatus.values:
        raise ValidationError({"status": _("Choose a contact status.")})
    if kind and kind not in ContactKind.values:
        raise ValidationError({"kind": _("Choose how the firm was contacted.")})
    if outcome and outcome not in ContactOutcome.values:
        raise ValidationError({"outcome": _("Choose what came of the contact.")})
    contacted_on = contacted_on or timezone.localdate()
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": _("A contact cannot be dated in the future.")})
    contact = ProspectContact(
        organisation=organisation,
        status=status,
        kind=kind,
        outcome=outcome,
        contacted_on=contacted_on,
        note=note.strip()[:300],
        by=by,
    )
    contact.full_clean()
    email = email.strip().lower()
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    with transaction.atomic():
        if email and email != organisation.email:
            organisation.email = email
            organisation.save(update_fields=["email", "updated_at"])
        contact.save()
        if status == ContactStatus.JOINED:
            _campaigns_joined(organisation)
            _membership_of_joined(organisation, by=by)
        closed = status in {ContactStatus.JOINED, ContactStatus.DECLINED}
        if closed or next_action is not KEEP_PLAN:
            prospect_file, _created = ProspectFile.objects.select_for_update().get_or_create(organisation=organisation)
            _plan(
                prospect_file,
                next_action="" if closed else next_action,
                next_action_due=None if closed else next_action_due,
                past_allowed=False,
            )
            if prospect_file.assigned_to_id is None and permissions.may_be_assigned_prospect(by, organisation.zone):
                prospect_file.assigned_to = by
            prospect_file.full_clean()
            prospect_file.save()
        prospect_latest_refresh([organisation.pk])
    return contact


def prospecting_objection_from_link(*, email: str) -> ProspectingObjection:
    """The address followed the one-click opt-out of a letter to prospects: it objects to the
    cluster's prospecting, and nothing is written to it again (letters, campaign invitations and
    reminders, survey links). No account needed: the signed link is the proof."""
    email = email.strip().lower()
    with transaction.atomic():
        objection, _created = ProspectingObjection.objects.get_or_create(
            email=email, defaults={"source": ObjectionSource.LINK}
        )
        objections.objected(email=email)
    return objection


def prospecting_objection_record(*, organisation: Organisation, by) -> ProspectingObjection:
    """The firm told the cluster (a call, a visit, a letter) that it objects to being prospected:
    recorded by one of its zone's animators, the whole firm is left out whatever its address."""
    _prospects_of_zone_only(by, organisation)
    with transaction.atomic():
        objection, _created = ProspectingObjection.objects.get_or_create(
            organisation=organisation, email="", defaults={"source": ObjectionSource.TOLD, "recorded_by": by}
        )
        objections.objected(organisation=organisation)
    return objection


def _membership_of_joined(organisation: Organisation, *, by) -> None:
    """Logged "joined": the firm becomes a member of the club of its zone, as when the club accepts
    its request (nobody to invite: its people ask for their accounts or a member invites them). No
    club runs on the zone, or the one who logs does not animate it: the log line only."""
    club = selectors.club_of_zone(organisation.zone) if organisation.zone_id else None
    if club is None or not selectors.is_prospect(organisation):
        return
    if not member_permissions.can_welcome_to_club(by, club.pk):
        return
    member_services.organisation_welcome(
        by=by, club_id=club.pk, organisation_fields={}, emails=[], base_url="", organisation=organisation
    )


def prospect_event_logged(*, organisation: Organisation, note: str) -> ProspectContact | None:
    """A prospect registered for an event or came to it (the agenda calls this in its own
    transaction): its log says so, dated today, and it moves on — never contacted or only invited, it
    is now contacted; the campaigns still at "to contact" or "contacted" count it interested. A
    member's registration logs nothing (its file is closed)."""
    if not selectors.is_prospect(organisation):
        return None
    log = ProspectContact.objects.filter(organisation=organisation).order_by(*selectors.LATEST_CONTACT_ORDER)
    latest = log.values_list("status", flat=True).first()  # the list's status, read from the log itself
    moved = {None, ContactStatus.INVITED, ContactStatus.DECLINED}
    contact = ProspectContact.objects.create(
        organisation=organisation, status=ContactStatus.CALLED if latest in moved else latest,
        kind=ContactKind.EVENT, note=note[:300],
    )  # fmt: skip
    prospect_latest_refresh([organisation.pk])
    CampaignTarget.objects.filter(
        organisation=organisation, result__in=[CampaignResult.PENDING, CampaignResult.CALLED]
    ).update(result=CampaignResult.INTERESTED, updated_at=timezone.now())
    return contact


REGISTER_FIELDS = ("address", "postcode", "commune", "naf_code", "headcount_band", "latitude", "longitude")


def prospect_from_registration(
    *, club_id: int, name: str, siret: str = "", register_entry: dict | None = None
) -> tuple[Organisation | None, bool]:
    """The firm of a visitor's registration for a club's event, which the directory did not know:
    (organisation, created). With a SIRET, the firm that bears it, else a new prospect of the club's
    zone with the register's entry (`register_entry`, looked up by the caller) or the typed name;
    without one, the only firm of that name, else a new prospect by that name — none when two firms
    bear it (ambiguous) or no name was typed. Never a duplicate (the SIRET is unique; the name is
    checked under the caller's transaction)."""
    club = Club.objects.select_related("zone").filter(pk=club_id).first()
    if club is None or club.zone_id is None:
        return None, False
    name = " ".join((name or "").split())
    if siret:
        known = Organisation.objects.filter(siret=siret).first()
        if known is not None:
            return known, False
    else:
        if not name:
            return None, False
        found = list(Organisation.objects.filter(name__iexact=name)[:2])
        if found:
            return (found[0] if len(found) == 1 else None), False
    entry = register_entry or {}
    name = (entry.get("name") or name)[:200]
    if not name:
        return None, False
    fields = {key: entry[key] for key in REGISTER_FIELDS if entry.get(key) not in (None, "")}
    kind = entry.get("kind") or OrganisationKind.CLASSIC_FIRM
    organisation = Organisation(
        name=name, slug=member_services.unique_slug(Organisation, name), kind=kind, siret=siret, zone=club.zone,
        **fields,
    )  # fmt: skip
    try:
        # Fields and uniqueness, not the member's rule that a firm has a SIRET: a prospect known by its
        # name only gets its SIRET when it asks to join (the join form requires it).
        organisation.clean_fields()
        organisation.validate_constraints()
    except ValidationError:
        return None, False  # values the directory refuses: the registration goes on with the free text
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:  # the same SIRET registered at the same moment
        return Organisation.objects.filter(siret=siret).first() if siret else None, False
    return organisation, True


# --- Imports of a zone's firms ------------------------------------------------------------------


def firm_import_create(*, zone: Zone, filename: str, content: bytes, mode: str, by) -> FirmImport:
    """Stores the file and queues the background task once the row is committed."""
    if not permissions.can_import_firms(by, zone):
        raise PermissionDenied(
            _("Only the animators of the clubs of this zone and the administrators import its firms.")
        )
    if mode not in ImportMode.values:
        raise ValidationError({"mode": _("Choose what to do with lines in error.")})
    from .tasks import run_firm_import

    with transaction.atomic():
        firm_import = FirmImport.objects.create(
            zone=zone, filename=filename[:255], content=content, mode=mode, created_by=by
        )
        transaction.on_commit(lambda: run_firm_import.enqueue(firm_import.pk))
    return firm_import


def firm_import_good_rows(*, firm_import: FirmImport, by) -> FirmImport:
    """After a refusal, imports the same file again, keeping the correct lines only."""
    if firm_import.status != ImportStatus.REFUSED or not firm_import.content:
        raise ValidationError(_("This import cannot be run again: upload the file again."))
    return firm_import_create(
        zone=firm_import.zone,
        filename=firm_import.filename,
        content=bytes(firm_import.content),
        mode=ImportMode.GOOD_ROWS_ONLY,
        by=by,
    )


def firm_import_run(import_id: int) -> FirmImport:
    """Reads and checks the whole file, then (all or good lines only) imports it by batches in one
    transaction; reports progress on the row as it goes. An extract of the business register also
    sets the zone's firms-established figure, dated, from its count of the zone's open establishments."""
    firm_import = FirmImport.objects.select_related("zone").defer("content").get(pk=import_id)
    if firm_import.is_finished:
        return firm_import
    FirmImport.objects.filter(pk=import_id).update(status=ImportStatus.RUNNING)
    content = FirmImport.objects.values_list("content", flat=True).get(pk=import_id)
    content = bytes(content) if content is not None else b""
    zone = firm_import.zone
    try:
        table = open_table(firm_import.filename, content)
        FirmImport.objects.filter(pk=import_id).update(total_rows=table.estimated_rows)

        def progress(done):
            FirmImport.objects.filter(pk=import_id).update(
                processed_rows=done, total_rows=max(done, table.estimated_rows)
            )

        check, known = check_table(table, zone, progress=progress)
    except ImportFileError as error:
        return _finish(firm_import, ImportStatus.FAILED, errors=[{"line": 0, "errors": [str(error)]}])
    FirmImport.objects.filter(pk=import_id).update(total_rows=check.lines, processed_rows=check.lines)
    register = table.layout == Layout.REGISTER
    summary = check.summary() if register else {}
    errors = check.error_list
    if not check.lines:
        return _finish(firm_import, ImportStatus.FAILED, errors=[{"line": 0, "errors": [_("The file has no firm.")]}])
    if register and not summary["firms_established"]:
        communes = ", ".join(zone.commune_code_list) or zone.commune
        message = _(
            "No open establishment of this extract is in the zone's communes (%(communes)s): check the extract, "
            "or the INSEE codes of the zone's communes."
        ) % {"communes": communes}
        return _finish(firm_import, ImportStatus.FAILED, errors=[{"line": 0, "errors": [message]}], summary=summary)
    if errors and firm_import.mode == ImportMode.ALL_OR_NOTHING:
        return _finish(firm_import, ImportStatus.REFUSED, errors=errors, summary=summary)
    created = 0
    try:
        with transaction.atomic():
            for batch in organisations_to_write(open_table(firm_import.filename, content), zone, check, known):
                assign_slugs(batch)
                Organisation.objects.bulk_create(batch)
                # bulk_create sends no save signal: the new firms reach the search explicitly.
                indexing.schedule_index_many(Organisation, [organisation.pk for organisation in batch])
                created += len(batch)
            if register:
                summary["counted_on"] = timezone.localdate().isoformat()
                Zone.objects.filter(pk=zone.pk).update(
                    firms_established=summary["firms_established"], firms_established_on=timezone.localdate()
                )
    except IntegrityError:
        # Someone registered one of these SIRETs meanwhile: nothing was written, the organiser runs it again.
        message = _("A firm of the file was registered by someone else meanwhile: nothing was imported, try again.")
        return _finish(firm_import, ImportStatus.FAILED, errors=[{"line": 0, "errors": [message]}])
    return _finish(firm_import, ImportStatus.DONE, errors=errors, created=created, summary=summary)


def _finish(
    firm_import: FirmImport, status: str, *, errors: list, created: int = 0, summary: dict | None = None
) -> FirmImport:
    firm_import.status, firm_import.errors, firm_import.created_count = status, errors, created
    firm_import.register_summary = summary or {}
    firm_import.finished_at = timezone.now()
    firm_import.processed_rows = firm_import.total_rows = FirmImport.objects.values_list("total_rows", flat=True).get(
        pk=firm_import.pk
    )
    fields = ["status", "errors", "created_count", "finished_at", "processed_rows", "total_rows", "register_summary"]
    if status != ImportStatus.REFUSED:
        firm_import.content = b""  # kept only while the organiser may still import the correct lines
        fields.append("content")
    firm_import.save(update_fields=fields)
    return firm_import


# --- Needs surveys ------------------------------------------------------------------------------

# The salt of the links already sent when this lived in the members app: keep it, or they break.
TOKEN_SALT = "members.survey-invitation"  # noqa: S105 - a signing salt, not a secret


# However long a survey stays open, a link never works for more than a year.
TOKEN_MAX_AGE = datetime.timedelta(days=366)


# Why a survey link cannot be used: "invalid" (tampered or unknown), "expired", "answered".
SurveyLinkError = LinkError


def survey_firms(club: Club | None) -> QuerySet[Organisation]:
    """Who is asked: every firm of the club's zones (members or not), or every organisation of the cluster."""
    if club is None:
        return Organisation.objects.all()
    zones = [club.zone_id, *club.other_zones.values_list("pk", flat=True)]
    return Organisation.objects.filter(zone_id__in=zones)


def survey_open(*, title: str, club: Club | None, closes_on: datetime.date, by, introduction: str = "") -> Survey:
    if not permissions.can_open_survey(by, club):
        raise PermissionDenied(
            _("Only the club's animators open its surveys; the administrators open the whole cluster's.")
        )
    if club is not None and club.is_merged:
        raise ValidationError({"club": _("This club has merged into another one: survey that one.")})
    survey = Survey(title=title.strip(), club=club, closes_on=closes_on, introduction=introduction, created_by=by)
    survey.full_clean()
    with transaction.atomic():
        survey.save()
        invitations = [
            SurveyInvitation(survey=survey, organisation_id=pk, nonce=new_nonce())
            for pk in survey_firms(club).values_list("pk", flat=True)
        ]
        SurveyInvitation.objects.bulk_create(invitations, batch_size=1000)
    return survey


def survey_invite(*, survey: Survey, organisation: Organisation, by) -> SurveyInvitation:
    """Adds one firm (a newcomer on the zone) to an open survey; returns its existing link if it has one."""
    if not permissions.can_manage_survey(by, survey):
        raise PermissionDenied(_("This survey is managed by its club's animators and the administrators."))
    invitation, _created = SurveyInvitation.objects.get_or_create(
        survey=survey, organisation=organisation, defaults={"nonce": new_nonce()}
    )
    return invitation


def survey_email_links(*, survey: Survey, by) -> int:
    """Queues an e-mail with its own link to every firm with a contact address that has neither
    answered nor been e-mailed yet; returns how many will leave. The sending is a background task."""
    if not permissions.can_manage_survey(by, survey):
        raise PermissionDenied(_("This survey is managed by its club's animators and the administrators."))
    if not survey.is_open:
        raise ValidationError(_("This survey is closed: its links no longer work."))
    pending = _invitations_to_email(survey)
    count = pending.count()
    if count:
        from .tasks import email_survey_links

        transaction.on_commit(lambda: email_survey_links.enqueue(survey.pk))
    return count


def _invitations_to_email(survey: Survey) -> QuerySet[SurveyInvitation]:
    return (
        SurveyInvitation.objects.filter(survey=survey, emailed_at__isnull=True, response__isnull=True)
        .exclude(organisation__email="")
        .exclude(selectors.objected("organisation"))
    )


def survey_email_links_run(survey_id: int) -> int:
    """The task's work: one e-mail per firm, each marked as sent at once so a retry skips it."""
    from django.conf import settings

    survey = Survey.objects.select_related("club").get(pk=survey_id)
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    sent = 0
    for invitation in _invitations_to_email(survey).select_related("organisation").iterator(chunk_size=200):
        link = base_url + reverse("club:survey_answer", args=[invitation_token(invitation)])
        email = invitation.organisation.email
        objection_link = objections.link(email)
        context = {"survey": survey, "organisation": invitation.organisation, "link": link,
                   "objection_link": objection_link}  # fmt: skip
        _prospecting_mail(
            subject=_("%(title)s: your firm's opinion") % {"title": survey.title},
            body=render_to_string("clubs/email/survey_link.txt", context),
            to=email,
            objection_link=objection_link,
        )
        SurveyInvitation.objects.filter(pk=invitation.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def invitation_token(invitation: SurveyInvitation) -> str:
    return link_token(invitation.pk, invitation.nonce, salt=TOKEN_SALT)


def invitation_from_token(token: str, *, for_update: bool = False) -> SurveyInvitation:
    """The invitation a link stands for, or SurveyLinkError: tampered, unknown, expired or already answered."""
    queryset = SurveyInvitation.objects.select_related("survey__club__zone", "organisation")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    invitation = link_row(token, queryset, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    if not invitation.survey.is_open:
        raise SurveyLinkError("expired")
    if SurveyResponse.objects.filter(invitation=invitation).exists():
        raise SurveyLinkError("answered")
    return invitation


def survey_answer(*, token: str, answers: list[dict], free_text: str = "", respondent_name: str = "") -> SurveyResponse:
    """Stores a firm's answer once: a second submission of the same link is refused, even concurrently."""
    problems = set(CommonProblem.values)
    for answer in answers:
        if answer["problem"] not in problems or answer["importance"] not in Importance.values:
            raise ValidationError(_("This answer does not match the questionnaire."))
    if not answers and not free_text.strip():
        raise ValidationError(_("Tick at least one problem or write a remark."))
    try:
        with transaction.atomic():
            invitation = invitation_from_token(token, for_update=True)
            response = SurveyResponse.objects.create(
                invitation=invitation,
                survey=invitation.survey,
                free_text=free_text.strip()[:3000],
                respondent_name=respondent_name.strip()[:150],
            )
            SurveyAnswer.objects.bulk_create(
                SurveyAnswer(
                    response=response,
                    survey=invitation.survey,
                    problem=answer["problem"],
                    importance=answer["importance"],
                    comment=answer.get("comment", "").strip()[:500],
                )
                for answer in answers
            )
            campaign_invitation_acted(
                kind=InvitationKind.SURVEY, object_id=invitation.survey_id, organisation_id=invitation.organisation_id
            )
    except IntegrityError:
        raise SurveyLinkError("answered") from None
    return response


def survey_update(*, survey: Survey, by) -> Survey:
    """An animator's edit of a survey's wording, dates or publication; its club (hence its firms) stays."""
    previous_club, was_public = Survey.objects.values_list("club_id", "results_public").get(pk=survey.pk)
    if survey.club_id != previous_club:
        raise ValidationError({"club": _("The club of a survey cannot change once its links exist: open a new one.")})
    if not permissions.can_manage_survey(by, survey):
        raise PermissionDenied(_("This survey is managed by its club's animators and the administrators."))
    survey.full_clean()
    with transaction.atomic():
        survey.save()
        if survey.results_public != was_public:
            survey_results_public_changed.send(sender=Survey, survey=survey, public=survey.results_public, by=by)
    return survey


def survey_set_public(*, survey: Survey, public: bool, by) -> Survey:
    """Shows or hides the results on the site: the public's results are the survey's page there
    (published, refreshed or withdrawn by the `survey_results_public_changed` receivers)."""
    if not permissions.can_manage_survey(by, survey):
        raise PermissionDenied(_("This survey is managed by its club's animators and the administrators."))
    with transaction.atomic():
        survey.results_public = public
        survey.save(update_fields=["results_public"])
        survey_results_public_changed.send(sender=Survey, survey=survey, public=public, by=by)
    return survey


# --- The path to autonomy ------------------------------------------------------------------------


def club_autonomy_update(
    *, club: Club, by, accompanied_by, autonomy_planned_on: datetime.date | None,
    milestones: dict[str, datetime.date | None],
) -> Club:  # fmt: skip
    """The club's checklist to autonomy (each milestone's date, or none: not done), its accompanying
    person (one of its animators) and its planned autonomy date, saved together or not at all."""
    from . import selectors

    if not permissions.can_follow_autonomy(by, club):
        raise PermissionDenied(_("Only the club's animators and the administrators follow its path to autonomy."))
    if club.is_merged:
        raise ValidationError(_("This club has merged into another one: its path goes on there."))
    if accompanied_by is not None and not selectors.accompanying_choices(club).filter(pk=accompanied_by.pk).exists():
        raise ValidationError({"accompanied_by": _("Choose one of the club's animators.")})
    unknown = set(milestones) - set(Milestone.values)
    if unknown:
        raise ValidationError(_("Unknown step of the path: %(steps)s") % {"steps": ", ".join(sorted(unknown))})
    today = timezone.localdate()
    if any(done_on and done_on > today for done_on in milestones.values()):
        raise ValidationError(_("A step cannot be done in the future."))
    with transaction.atomic():
        club.accompanied_by, club.autonomy_planned_on = accompanied_by, autonomy_planned_on
        club.save(update_fields=["accompanied_by", "autonomy_planned_on"])
        stored = {row.milestone: row for row in ClubMilestone.objects.select_for_update().filter(club=club)}
        for milestone, done_on in milestones.items():
            row = stored.get(milestone)
            if done_on is None:
                if row is not None:
                    row.delete()
            elif row is None:
                ClubMilestone.objects.create(club=club, milestone=milestone, done_on=done_on, by=by)
            elif row.done_on != done_on:
                row.done_on, row.by = done_on, by
                row.save(update_fields=["done_on", "by", "updated_at"])
    return club


# --- Campaigns ----------------------------------------------------------------------------------

# What a campaign's result says in the prospect's log: its status there, and the kind of contact.
_RESULT_STATUS = {
    CampaignResult.CALLED: ContactStatus.CALLED,
    CampaignResult.INTERESTED: ContactStatus.CALLED,
    CampaignResult.NOT_INTERESTED: ContactStatus.DECLINED,
    CampaignResult.JOINED: ContactStatus.JOINED,
}


class Audience:
    PROSPECTS = "prospects"  # the zone's prospects (by their latest status)
    MEMBERS = "members"  # the zone's member firms
    PARTICIPANTS = "participants"  # the firms that took part in one of the club's past events


def campaign_create(
    *, club: Club, zone: Zone, title: str, kind: str, by, assignees, status: str = "", goal: str = "",
    audience: str = Audience.PROSPECTS, past_event: int | None = None,
) -> Campaign:  # fmt: skip
    """Groups firms into a campaign, shared in turn among `assignees`: the prospects of a zone the club
    covers (those at the latest status `status`, "none" for the never contacted, "" for all), the
    zone's members, or the firms that took part in one of the club's past events (`past_event`)."""
    if not permissions.can_animate(by, club):
        raise PermissionDenied(_("Only the club's animators and the administrators run its campaigns."))
    if zone.pk not in selectors.club_zone_ids(club):
        raise ValidationError({"zone": _("Choose a zone the club covers.")})
    if kind not in CampaignKind.values:
        raise ValidationError({"kind": _("Choose a phoning or a mailing.")})
    assignees = list(assignees)
    if not assignees:
        raise ValidationError({"assignees": _("Choose who contacts the firms.")})
    for person in assignees:
        if not permissions.may_take_part_in_campaign(person, club):
            raise ValidationError({"assignees": _("The firms are shared among the club's animators only.")})
    if audience == Audience.MEMBERS:
        firms = list(selectors.zone_members(zone).values_list("pk", flat=True))
        empty = _("The zone has no member firm: the campaign would be empty.")
    elif audience == Audience.PARTICIPANTS:
        if past_event is None or past_event not in {pk for pk, _label in invitations.past_event_choices(club)}:
            raise ValidationError({"past_event": _("Choose one of the club's past events.")})
        firms = invitations.participants(club, past_event)
        empty = _("No firm took part in this event: the campaign would be empty.")
    elif audience == Audience.PROSPECTS:
        firms = list(selectors.zone_prospects(zone, status=status).values_list("pk", flat=True))
        empty = _("No prospect of this zone matches: the campaign would be empty.")
    else:
        raise ValidationError({"audience": _("Choose the prospects, the members or an event's participants.")})
    if not firms:
        raise ValidationError(empty)
    campaign = Campaign(club=club, zone=zone, title=title.strip(), kind=kind, goal=goal.strip(), created_by=by)
    campaign.full_clean()
    with transaction.atomic():
        campaign.save()
        CampaignTarget.objects.bulk_create(
            CampaignTarget(campaign=campaign, organisation_id=firm, assigned_to=assignees[n % len(assignees)])
            for n, firm in enumerate(firms)
        )
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, by, title: str, goal: str = "", starts_on=None) -> Campaign:
    """Renames a campaign, restates its goal or its start date; its club, zone, kind and firms (shared
    out when it started, some already called) stay as they are."""
    if not permissions.can_manage_campaign(by, campaign):
        raise PermissionDenied(_("Only the club's animators and the administrators run its campaigns."))
    campaign.title = " ".join((title or "").split())
    campaign.goal = " ".join((goal or "").split())
    if starts_on is not None:
        campaign.starts_on = starts_on
    if not campaign.title:
        raise ValidationError({"title": _("Give the campaign a title.")})
    changed = {"title", "goal", "starts_on"}
    campaign.clean_fields(exclude=[field.name for field in Campaign._meta.fields if field.name not in changed])
    campaign.save(update_fields=sorted(changed))
    return campaign


def campaign_target_record(*, target: CampaignTarget, result: str, by, note: str = "") -> CampaignTarget:
    """Where the firm stands after the call (or the letter); the prospect's log says it too."""
    campaign = target.campaign
    if not permissions.can_manage_campaign(by, campaign):
        raise PermissionDenied(_("Only the club's animators and the administrators run its campaigns."))
    if result not in _RESULT_STATUS:
        raise ValidationError({"result": _("Choose what came of the contact.")})
    kind = ContactKind.CALL if campaign.kind == CampaignKind.PHONING else ContactKind.EMAIL
    status = _RESULT_STATUS[result]
    if campaign.kind == CampaignKind.MAILING and result == CampaignResult.CALLED:
        status = ContactStatus.INVITED
    text = f"{campaign.title} : {CampaignResult(result).label}"
    if note.strip():
        text = f"{text} — {note.strip()}"
    with transaction.atomic():
        target = CampaignTarget.objects.select_for_update().select_related("campaign").get(pk=target.pk)
        target.result = result
        if target.assigned_to_id is None and permissions.may_take_part_in_campaign(by, campaign.club):
            target.assigned_to = by
        target.save()
        prospect_contact_record(
            organisation=target.organisation, status=status, kind=kind, note=text[:300], by=by,
            outcome=ContactOutcome.REACHED if kind == ContactKind.CALL and result != CampaignResult.CALLED else "",
        )  # fmt: skip
    return target


# --- Joining online -----------------------------------------------------------------------------

JOIN_FIELDS = ("name", "siret", "naf_code", "kind", "headcount_band", "address", "postcode", "commune", "phone")


def _club_animator_emails(club: Club) -> list[str]:
    people = RoleAssignment.objects.filter(role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk)
    return sorted({email for email in people.values_list("person__user__email", flat=True) if email})


def _mail_after_commit(*, subject: str, template: str, context: dict, recipients: list[str]) -> None:
    if recipients:
        transaction.on_commit(
            lambda: send_mail(subject=subject, message=render_to_string(template, context),
                              from_email=identity.from_email(), recipient_list=recipients)
        )  # fmt: skip


def join_request_submit(*, zone: Zone, base_url: str, **fields) -> JoinRequest:
    """A firm's request from the site, to the club of its park: stored whole or not at all; the firm
    gets an acknowledgement and the club's animators a notice (after commit)."""
    club = selectors.club_of_zone(zone)
    if club is None:
        raise ValidationError({"zone": _("No club covers this business park yet.")})
    join_request = JoinRequest(zone=zone, club=club, **fields)
    join_request.siret = "".join(join_request.siret.split())
    join_request.full_clean()
    # What the organisation will need once accepted (a SIRET for a firm, one not registered yet…) is
    # asked now, while the firm fills the form. A prospect of the directory (imported from the business
    # register, called by the animators) may ask: it is the organisation that joins when accepted.
    prospect = _prospect_of(join_request.siret)
    Organisation(zone=zone, **{name: getattr(join_request, name) for name in JOIN_FIELDS}).full_clean(
        exclude=["slug", "siret"] if prospect else ["slug"]
    )
    for email in join_request.colleague_emails():
        try:
            EmailValidator()(email)
        except ValidationError:
            raise ValidationError(
                {"colleagues": _("“%(email)s” is not an e-mail address.") % {"email": email}}
            ) from None
    with transaction.atomic():
        join_request.save()
        context = {"join_request": join_request, "link": base_url.rstrip("/") + reverse("club:join_requests")}
        _mail_after_commit(
            subject=_("Your request to join %(club)s") % {"club": club.name},
            template="clubs/email/join_request_received.txt", context=context, recipients=[join_request.email],
        )  # fmt: skip
        _mail_after_commit(
            subject=_("%(firm)s asks to join %(club)s") % {"firm": join_request.name, "club": club.name},
            template="clubs/email/join_request_notice.txt", context=context, recipients=_club_animator_emails(club),
        )  # fmt: skip
    return join_request


def _prospect_of(siret: str) -> Organisation | None:
    """The directory's organisation with this SIRET if it is a prospect (no current membership);
    ValidationError if it is a member already; None if the directory does not know the SIRET."""
    siret = normalise_siret(siret)
    if not siret:
        return None
    organisation = Organisation.objects.filter(siret=siret).first()
    if organisation is None:
        return None
    if Membership.objects.filter(organisation=organisation).exclude(status=MembershipStatus.LEFT).exists():
        raise ValidationError(
            {"siret": _("This firm is already a member: ask the person who manages it on the portal to invite you.")}
        )
    return organisation


def _prospect_joined(organisation: Organisation, *, by, note: str) -> None:
    """The prospect joined: its log says so, nothing more is planned in its file, and every campaign
    that counted it shows it joined (its funnel's last step)."""
    ProspectContact.objects.create(organisation=organisation, status=ContactStatus.JOINED, note=note[:300], by=by)
    prospect_latest_refresh([organisation.pk])
    ProspectFile.objects.filter(organisation=organisation).update(
        next_action="", next_action_due=None, updated_at=timezone.now()
    )
    _campaigns_joined(organisation)


def _campaigns_joined(organisation: Organisation) -> int:
    return (
        CampaignTarget.objects.filter(organisation=organisation)
        .exclude(result=CampaignResult.JOINED)
        .update(result=CampaignResult.JOINED, updated_at=timezone.now())
    )


def _decidable(join_request: JoinRequest, by) -> JoinRequest:
    if not permissions.can_decide_join_request(by, join_request):
        raise PermissionDenied(_("Only the club's animators and the administrators answer its membership requests."))
    join_request = JoinRequest.objects.select_for_update().select_related("club", "zone").get(pk=join_request.pk)
    if join_request.status != JoinRequestStatus.PENDING:
        raise ValidationError(_("This request has already been answered."))
    return join_request


def join_request_accept(*, join_request: JoinRequest, by, base_url: str) -> JoinRequest:
    """The firm joins: its organisation, its membership of the club, invitations to the person who
    asked and the colleagues named, and the prospect's log, in one step."""
    with transaction.atomic():
        join_request = _decidable(join_request, by)
        fields = {name: getattr(join_request, name) for name in JOIN_FIELDS}
        prospect = _prospect_of(join_request.siret)  # a member meanwhile: ValidationError, nothing written
        if prospect is not None:
            prospect = Organisation.objects.select_for_update().get(pk=prospect.pk)
        organisation, _membership = member_services.organisation_welcome(
            by=by, club_id=join_request.club_id, organisation_fields={**fields, "zone": join_request.zone},
            emails=[join_request.email, *join_request.colleague_emails()], base_url=base_url,
            organisation=prospect,
        )  # fmt: skip
        join_request.status = JoinRequestStatus.ACCEPTED
        join_request.organisation = organisation
        join_request.decided_by, join_request.decided_at = by, timezone.now()
        join_request.save()
        _prospect_joined(organisation, by=by, note=_("Asked to join on the site: accepted."))
        _mail_after_commit(
            subject=_("Welcome to %(club)s") % {"club": join_request.club.name},
            template="clubs/email/join_request_accepted.txt", context={"join_request": join_request},
            recipients=[join_request.email],
        )  # fmt: skip
    return join_request


def join_request_refuse(*, join_request: JoinRequest, by, reason: str) -> JoinRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the firm is told.")})
    with transaction.atomic():
        join_request = _decidable(join_request, by)
        join_request.status = JoinRequestStatus.REFUSED
        join_request.refusal_reason = reason[:500]
        join_request.decided_by, join_request.decided_at = by, timezone.now()
        join_request.save()
        _mail_after_commit(
            subject=_("Your request to join %(club)s") % {"club": join_request.club.name},
            template="clubs/email/join_request_refused.txt", context={"join_request": join_request},
            recipients=[join_request.email],
        )  # fmt: skip
    return join_request


# --- Campaign invitations and reminders ---------------------------------------------------------

CAMPAIGN_LINK_SALT = "clubs.campaign-invitation"
# A campaign's link never works for more than a year, whatever it invites to.
CAMPAIGN_LINK_MAX_AGE = datetime.timedelta(days=366)
# The session key where the link leaves the invitation, for the registration that follows it.
CAMPAIGN_SESSION_KEY = "clubs_campaign_invitation"


def _campaign_runners_only(by, campaign: Campaign) -> None:
    if not permissions.can_manage_campaign(by, campaign):
        raise PermissionDenied(_("Only the club's animators and the administrators run its campaigns."))


def _invitable(campaign: Campaign) -> invitations.Invitable:
    """What the campaign invites to, still to come; ValidationError otherwise."""
    invitable = invitations.read(campaign)
    if invitable is None:
        raise ValidationError(_("Choose first what the campaign invites the firms to."))
    if invitable.ends_at is not None and invitable.ends_at <= timezone.now():
        raise ValidationError(
            _("“%(title)s” is over: the firms can no longer be invited.") % {"title": invitable.title}
        )
    return invitable


def campaign_set_invitation(
    *, campaign: Campaign, by, invite_kind: str, invite_id: int, reminder_days: list[int], reminder_max: int
) -> Campaign:
    """What the campaign invites its firms to, and its reminders' schedule (days after the sending, at
    most `reminder_max`). The thing invited to is fixed once the invitations are sent (the links name
    it); the schedule may change at any time."""
    _campaign_runners_only(by, campaign)
    registered = invitations.kind(invite_kind)
    if registered is None:
        raise ValidationError({"invitation": _("Choose an event, a Bourse session or a needs survey.")})
    if invite_id not in {pk for pk, _label in registered.choices(campaign.club)}:
        raise ValidationError({"invitation": _("Choose one of the coming events, sessions or open surveys.")})
    sent = Campaign.objects.filter(pk=campaign.pk, invitations_sent_at__isnull=False).exists()
    if sent and (invite_kind, invite_id) != (campaign.invite_kind, campaign.invite_id):
        raise ValidationError(
            {"invitation": _("The invitations are sent: start another campaign to invite to something else.")}
        )
    days = sorted(set(reminder_days))
    if any(day < 1 or day > 90 for day in days):
        raise ValidationError({"reminder_days": _("Reminders come 1 to 90 days after the sending.")})
    if not 0 <= reminder_max <= 5:
        raise ValidationError({"reminder_max": _("Between 0 and 5 reminders.")})
    campaign.invite_kind, campaign.invite_id = invite_kind, invite_id
    campaign.reminder_days = ", ".join(str(day) for day in days)
    campaign.reminder_max = reminder_max
    campaign.save(update_fields=["invite_kind", "invite_id", "reminder_days", "reminder_max"])
    return campaign


def _targets_to_invite(campaign: Campaign) -> QuerySet[CampaignTarget]:
    return (
        campaign.targets.filter(invited_at__isnull=True, acted_at__isnull=True)
        .exclude(organisation__email="")
        .exclude(selectors.objected("organisation"))
    )


def campaign_send_invitations(*, campaign: Campaign, by) -> int:
    """Queues the invitations: each firm of the campaign with a contact address, not invited yet, gets
    its own link by e-mail (a background task); returns how many will leave. The firms without an
    address are the ones to call."""
    _campaign_runners_only(by, campaign)
    _invitable(campaign)
    count = _targets_to_invite(campaign).count()
    if count:
        from .tasks import email_campaign_invitations

        with transaction.atomic():
            Campaign.objects.filter(pk=campaign.pk, invitations_sent_at__isnull=True).update(
                invitations_sent_at=timezone.now()
            )
            transaction.on_commit(lambda: email_campaign_invitations.enqueue(campaign.pk))
    return count


def campaign_link_token(target: CampaignTarget) -> str:
    return link_token(target.pk, target.nonce, salt=CAMPAIGN_LINK_SALT)


def _campaign_link(base_url: str, target: CampaignTarget) -> str:
    return base_url + reverse("club:campaign_link", args=[target.campaign_id, campaign_link_token(target)])


def _campaign_mail(campaign: Campaign, invitable, target: CampaignTarget, *, base_url: str, reminder: bool) -> None:
    objection_link = objections.link(target.organisation.email)
    context = {
        "campaign": campaign,
        "club": campaign.club,
        "invitable": invitable,
        "organisation": target.organisation,
        "link": _campaign_link(base_url, target),
        "reminder": reminder,
        "objection_link": objection_link,
    }
    subject = _("Reminder: %(title)s") if reminder else _("Invitation: %(title)s")
    _prospecting_mail(
        subject=subject % {"title": invitable.title},
        body=render_to_string("clubs/email/campaign_invitation.txt", context),
        to=target.organisation.email,
        objection_link=objection_link,
    )


def _prospecting_mail(*, subject: str, body: str, to: str, objection_link: str) -> None:
    """An e-mail to a firm's contact address with the one-click objection in its headers (RFC 8058),
    the same link as its body offers: every prospecting e-mail lets the firm object at once (CNIL)."""
    EmailMessage(
        subject=subject,
        body=body,
        from_email=identity.from_email(),
        to=[to],
        headers=objections.headers(objection_link),
    ).send()


def campaign_send_invitations_run(campaign_id: int) -> int:
    """The task's work: one e-mail per firm, each marked as sent at once so a retry skips it."""
    from django.conf import settings

    campaign = Campaign.objects.select_related("club").get(pk=campaign_id)
    invitable = invitations.read(campaign)
    if invitable is None or (invitable.ends_at is not None and invitable.ends_at <= timezone.now()):
        return 0
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    sent = 0
    for target in _targets_to_invite(campaign).select_related("organisation").iterator(chunk_size=200):
        if not target.nonce:
            target.nonce = new_nonce()
            CampaignTarget.objects.filter(pk=target.pk).update(nonce=target.nonce)
        invitations.prepare(campaign, target.organisation)  # what the link leads to exists before it leaves
        _campaign_mail(campaign, invitable, target, base_url=base_url, reminder=False)
        CampaignTarget.objects.filter(pk=target.pk).update(invited_at=timezone.now())
        sent += 1
    return sent


def campaign_link_open(*, campaign_id: int, token: str) -> CampaignTarget:
    """The firm followed its link: the target it names (its opening dated once), or LinkError —
    "invalid" (tampered, unknown, another campaign's, withdrawn) or "expired" (the thing is over)."""
    queryset = CampaignTarget.objects.select_related("campaign__club", "organisation")
    target = link_row(token, queryset, salt=CAMPAIGN_LINK_SALT, max_age=CAMPAIGN_LINK_MAX_AGE)
    if target.campaign_id != campaign_id:
        raise LinkError("invalid")
    invitable = invitations.read(target.campaign)
    if invitable is None:
        raise LinkError("invalid")
    if invitable.ends_at is not None and invitable.ends_at <= timezone.now():
        raise LinkError("expired")
    if target.opened_at is None:
        target.opened_at = timezone.now()
        CampaignTarget.objects.filter(pk=target.pk, opened_at__isnull=True).update(opened_at=target.opened_at)
    return target


def campaign_link_prepare(*, target: CampaignTarget) -> None:
    """The firm confirmed (a POST) that it opens a link sent before what it leads to was made at the
    sending: it is made now (once)."""
    invitations.prepare(target.campaign, target.organisation)


def campaign_invitation_acted(*, kind: str, object_id: int, token: str = "", organisation_id: int | None = None) -> int:
    """The firm registered for the event or the session, or answered the survey: the apps that own
    those call this in their own service (in its transaction). The firm is found by the campaign link
    it followed (`token`, for a registration that names no organisation) or by its organisation; only
    the campaigns inviting to that very thing count. Returns how many invitations it closes."""
    targets = CampaignTarget.objects.filter(
        campaign__invite_kind=kind, campaign__invite_id=object_id, acted_at__isnull=True
    )
    found = Q(pk__in=[])
    if organisation_id is not None:
        found |= Q(organisation_id=organisation_id)
    if token:
        try:
            target = link_row(token, CampaignTarget.objects.all(), salt=CAMPAIGN_LINK_SALT,
                              max_age=CAMPAIGN_LINK_MAX_AGE)  # fmt: skip
        except LinkError:
            pass
        else:
            found |= Q(pk=target.pk)
    now = timezone.now()
    return targets.filter(found).update(acted_at=now, opened_at=Coalesce("opened_at", Value(now)))


def _targets_to_remind(campaign: Campaign, today: datetime.date) -> QuerySet[CampaignTarget]:
    """Invited, not acted, not reminded today, with an address, under the campaign's maximum."""
    return (
        campaign.targets.filter(invited_at__isnull=False, acted_at__isnull=True)
        .exclude(reminded_on=today)
        .exclude(organisation__email="")
        .exclude(selectors.objected("organisation"))
        .filter(reminder_count__lt=campaign.reminder_max)
        .exclude(result__in=[CampaignResult.NOT_INTERESTED, CampaignResult.JOINED])
    )


def _reminder_due(campaign: Campaign, target: CampaignTarget, today: datetime.date) -> bool:
    days = campaign.reminder_day_list
    if target.reminder_count >= len(days):
        return False
    return today >= timezone.localdate(target.invited_at) + datetime.timedelta(days=days[target.reminder_count])


def _remind(campaign: Campaign, *, today: datetime.date, scheduled: bool) -> int:
    from django.conf import settings

    invitable = invitations.read(campaign)
    if invitable is None or (invitable.ends_at is not None and invitable.ends_at <= timezone.now()):
        return 0  # never after the event, the session, the survey's closing
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    sent = 0
    for target in _targets_to_remind(campaign, today).select_related("organisation").iterator(chunk_size=200):
        if scheduled and not _reminder_due(campaign, target, today):
            continue
        # Claimed before the e-mail leaves: a second run the same day finds nothing to send.
        claimed = (
            CampaignTarget.objects.filter(pk=target.pk, acted_at__isnull=True)
            .exclude(reminded_on=today)
            .update(reminded_on=today, reminder_count=F("reminder_count") + 1)
        )
        if claimed:
            invitations.prepare(campaign, target.organisation)  # a firm invited before it was made at sending
            _campaign_mail(campaign, invitable, target, base_url=base_url, reminder=True)
            sent += 1
    return sent


def campaign_reminders_send(today: datetime.date | None = None) -> int:
    """The daily run (manage.py send_campaign_reminders): each campaign's firms that did not act get
    the reminder their schedule says is due — at most one a day each, never after the thing."""
    today = today or timezone.localdate()
    sent = 0
    for campaign in Campaign.objects.filter(invitations_sent_at__isnull=False, reminder_max__gt=0).select_related(
        "club"
    ):
        sent += _remind(campaign, today=today, scheduled=True)
    return sent


def campaign_remind_now(*, campaign: Campaign, by) -> int:
    """The "remind now" button: the firms invited that did not act and were not reminded today, within
    the campaign's maximum of reminders; sent by a background task. Returns how many will leave."""
    _campaign_runners_only(by, campaign)
    _invitable(campaign)
    count = _targets_to_remind(campaign, timezone.localdate()).count()
    if count:
        from .tasks import remind_campaign

        transaction.on_commit(lambda: remind_campaign.enqueue(campaign.pk))
    return count


def campaign_remind_now_run(campaign_id: int) -> int:
    campaign = Campaign.objects.select_related("club").get(pk=campaign_id)
    return _remind(campaign, today=timezone.localdate(), scheduled=False)
