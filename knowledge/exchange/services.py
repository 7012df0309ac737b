"""Writes of the Bourse d'échanges. Each runs in one transaction; broadcasts, index updates and
background tasks are queued to run once it commits.
"""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection, send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import identity, realtime
from portal.clubs import services as club_services
from portal.clubs.models import InvitationKind
from portal.members.models import Organisation, OrganisationKind, Person
from portal.members.permissions import person_of
from portal.members.services import unique_slug
from portal.members.validators import normalise_siret
from search import indexing

from . import followers, permissions, seating, selectors
from .models import (
    Direction,
    ExchangeSession,
    ExportStatus,
    FirmWorkbook,
    Interest,
    MatchSuggestion,
    ParticipationLink,
    Registration,
    ResourceSheet,
    SatisfactionResponse,
    SessionStatus,
    SessionTable,
    SheetStatus,
    SuggestionDecision,
    Synergy,
    SynergyNote,
    SynergyStatus,
    WorkbookExport,
)

SHEET_FIELDS = (
    "direction",
    "category",
    "title",
    "description",
    "quantity",
    "unit",
    "frequency",
    "available_from",
    "available_until",
    "zone",
    "status",
)


def _validated(instance, *, exclude=None):
    instance.full_clean(exclude=exclude)
    return instance


# --- Resource sheets -------------------------------------------------------------------------------


def sheet_create(*, by, organisation: Organisation, tags=(), **fields) -> ResourceSheet:
    """A new sheet of `organisation`: members file their own firm's, organisers those of their clubs' firms."""
    if not permissions.can_file_sheet_for(by, organisation):
        raise PermissionDenied(_("You can only file sheets for your own organisation."))
    values = {key: value for key, value in fields.items() if key in SHEET_FIELDS}
    values.setdefault("zone", organisation.zone)
    with transaction.atomic():
        sheet = _validated(
            ResourceSheet(organisation=organisation, created_by=person_of(by), **values), exclude=["tags"]
        )
        sheet.save()
        sheet.tags.set(_clean_tags(tags))
        indexing.schedule_index(sheet)
    return sheet


def sheet_update(*, sheet: ResourceSheet, by, tags=None, **fields) -> ResourceSheet:
    if not permissions.can_edit_sheet(by, sheet):
        raise PermissionDenied(_("You can only edit your own organisation's sheets."))
    with transaction.atomic():
        for key, value in fields.items():
            if key in SHEET_FIELDS:
                setattr(sheet, key, value)
        _validated(sheet, exclude=["tags"]).save()
        if tags is not None:
            sheet.tags.set(_clean_tags(tags))
        indexing.schedule_index(sheet)
    return sheet


def sheet_admin_save(*, instance: ResourceSheet, by, save) -> ResourceSheet:
    """An organiser's save in the Wagtail admin: `save()` writes the form (fields and tags), then the
    index follows, in one transaction."""
    if not permissions.can_manage_sheet(by, instance):
        raise PermissionDenied(_("Only the organisers of the firm's clubs can do this."))
    with transaction.atomic():
        sheet = save()
        indexing.schedule_index(sheet)
    return sheet


def sheet_delete(*, instance: ResourceSheet, by) -> None:
    if not permissions.can_manage_sheet(by, instance):
        raise PermissionDenied(_("Only the organisers of the firm's clubs can do this."))
    with transaction.atomic():
        pk = instance.pk
        instance.delete()
        indexing.schedule_delete("resource_sheet", pk)


def _clean_tags(tags) -> list[str]:
    return list(dict.fromkeys(tag.strip()[:100] for tag in tags if tag and tag.strip()))


# --- Sessions, registrations and seating ---------------------------------------------------------


def _require_organiser(by, session: ExchangeSession) -> None:
    if not permissions.can_manage_session(by, session):
        raise PermissionDenied(_("Only the organisers of this session can do this."))


def _require_open(session: ExchangeSession) -> None:
    if session.status == SessionStatus.DONE:
        raise ValidationError(_("This session is closed: nothing can be changed any more."), code="closed")
    if session.is_cancelled:
        raise ValidationError(_("This session is cancelled: nothing can be changed any more."), code="cancelled")


SESSION_FIELDS = ("title", "date", "venue", "club", "rounds", "round_minutes", "registrations_open")


def session_create(*, by, on_agenda: bool = False, **fields) -> ExchangeSession:
    """A new session planned from the organiser's screens, for one of their clubs (or the cluster's own).
    With `on_agenda`, its public agenda entry (where firms register) is made in the same transaction: if
    it cannot be (no events calendar yet), nothing is planned and the organiser is told why."""
    values = {key: value for key, value in fields.items() if key in SESSION_FIELDS}
    session = ExchangeSession(**values)
    if not permissions.can_plan_session(by, session.club_id):
        raise PermissionDenied(_("You can only plan sessions of your own clubs."))
    with transaction.atomic():
        _validated(session).save()
        if on_agenda:
            followers.session_published(session=session, by=by)
    return session


def session_update(*, session: ExchangeSession, by, **fields) -> ExchangeSession:
    """Its title, date, venue, club (among the organiser's), rounds and timing; never fewer rounds than
    already played, nothing once closed."""
    _require_organiser(by, session)
    with transaction.atomic():
        session = ExchangeSession.objects.select_for_update().get(pk=session.pk)
        _require_open(session)
        for key, value in fields.items():
            if key in SESSION_FIELDS:
                setattr(session, key, value)
        if not permissions.can_plan_session(by, session.club_id):
            raise PermissionDenied(_("You can only plan sessions of your own clubs."))
        if session.rounds < session.current_round:
            raise ValidationError(
                {"rounds": _("%(count)d rounds are already played.") % {"count": session.current_round}}
            )
        _validated(session).save()
        # Its agenda entry, if it has one, follows: a new date shows there as moved.
        followers.session_changed(session=session, by=by)
        realtime.broadcast_on_commit(realtime.exchange_session_group(session.pk), selectors.live_state(session))
    return session


def session_cancel(*, session: ExchangeSession, by) -> ExchangeSession:
    """Calls a planned morning off: registrations close, its agenda entry says it is cancelled, and each
    registered firm's contact is told by e-mail once it commits (one SMTP connection for all). The
    registered firms and their sheets stay (the organisers may plan another date for them)."""
    _require_organiser(by, session)
    with transaction.atomic():
        session = ExchangeSession.objects.select_for_update().get(pk=session.pk)
        _require_open(session)
        if session.status != SessionStatus.PLANNED:
            raise ValidationError(_("The session has started: it can no longer be cancelled."), code="started")
        session.cancelled_at = timezone.now()
        session.registrations_open = False
        session.save(update_fields=["cancelled_at", "registrations_open"])
        followers.session_cancelled(session=session)
        subject = _("Cancelled: the Bourse d'échanges of %(date)s") % {"date": f"{session.date:%d/%m/%Y}"}
        messages = []
        for registration in session.registrations.select_related("organisation").order_by("organisation__name"):
            email = (registration.contact_email or registration.organisation.email or "").strip()
            if email:
                context = {"session": session, "firm": registration.organisation}
                body = render_to_string("exchange/email/session_cancelled.txt", context)
                messages.append(EmailMessage(subject, body, identity.from_email(), [email]))
        if messages:
            transaction.on_commit(lambda: get_connection().send_messages(messages))
    return session


def session_registrations_set(*, session: ExchangeSession, by, open: bool) -> ExchangeSession:
    """Opens or closes the firms' own registration (members' and the agenda's); organisers always register."""
    _require_organiser(by, session)
    if open and session.is_cancelled:
        raise ValidationError(_("This session is cancelled: nothing can be changed any more."), code="cancelled")
    if open and session.status != SessionStatus.PLANNED:
        raise ValidationError(_("The session has started: registrations can no longer be opened."))
    with transaction.atomic():
        ExchangeSession.objects.filter(pk=session.pk).update(registrations_open=open)
    session.registrations_open = open
    return session


def registration_add(*, session: ExchangeSession, organisation: Organisation, by) -> Registration:
    """Registers a firm: the session's organisers register any firm, a member their own while the
    registrations are open."""
    if not permissions.can_register(by, session, organisation):
        raise PermissionDenied(_("You can only register your own organisation."))
    _require_open(session)
    if not session.registrations_open and not permissions.can_manage_session(by, session):
        raise ValidationError(_("The registrations of this session are closed."), code="registrations_closed")
    with transaction.atomic():
        registration, _created = Registration.objects.get_or_create(session=session, organisation=organisation)
        club_services.campaign_invitation_acted(
            kind=InvitationKind.SESSION, object_id=session.pk, organisation_id=organisation.pk
        )
    return registration


def registration_by_firm(
    *,
    session: ExchangeSession,
    name: str,
    siret: str,
    contact_name: str,
    contact_email: str,
    base_url: str,
    campaign_token: str = "",
) -> Registration:
    """A firm registers itself from the public agenda, account or not (#19).

    A SIRET already known registers that organisation, but its link is left to the organisers (whoever
    typed the SIRET may not speak for the firm); an unknown firm becomes an organisation (SIRET
    optional: the cluster's team completes it) and gets its own link at its contact's address. The same
    firm twice (same SIRET, or same name without one) is registered once, and told nothing more."""
    siret = normalise_siret(siret)
    name = " ".join(name.split())
    with transaction.atomic():
        session = ExchangeSession.objects.select_for_update(of=("self",)).select_related("club").get(pk=session.pk)
        if not session.accepts_firms:
            raise ValidationError(_("The registrations of this session are closed."), code="registrations_closed")
        if siret:
            organisation = Organisation.objects.filter(siret=siret).first()
        else:
            organisation = Organisation.objects.filter(
                exchange_registrations__session=session, name__iexact=name
            ).first()
        known = organisation is not None
        if organisation is None:
            organisation = Organisation(
                name=name,
                siret=siret,
                kind=OrganisationKind.CLASSIC_FIRM,
                email=contact_email,
                zone=session.club.zone if session.club else None,
            )
            organisation.slug = unique_slug(Organisation, name)
            organisation.clean_fields()
            organisation.validate_constraints()
            organisation.save()
            indexing.schedule_index(organisation)
        registration, created = Registration.objects.get_or_create(
            session=session,
            organisation=organisation,
            defaults={"contact_name": contact_name.strip(), "contact_email": contact_email.strip()},
        )
        if created and not known:
            _link_issue(registration, base_url=base_url, email=contact_email)
        # A club campaign that invited this firm (or the visitor, by its link) counts it as registered.
        club_services.campaign_invitation_acted(
            kind=InvitationKind.SESSION, object_id=session.pk, token=campaign_token, organisation_id=organisation.pk
        )
    return registration


def registration_remove(*, session: ExchangeSession, organisation: Organisation, by) -> None:
    if not permissions.can_register(by, session, organisation):
        raise PermissionDenied(_("You can only unregister your own organisation."))
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(_("The session has started: registrations can no longer be withdrawn."))
    Registration.objects.filter(session=session, organisation=organisation).delete()


def seating_plan(*, session: ExchangeSession, by) -> list[SessionTable]:
    """Seats every registered firm (zones together, tables of 3 to 5) and gives each table a facilitator
    and a secretary from the session's team, in order. Replaces any earlier plan and hand moves."""
    _require_organiser(by, session)
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(_("The seating can only be planned before the session starts."))
    with transaction.atomic():
        registrations = list(
            Registration.objects.select_for_update(of=("self",))
            .filter(session=session)
            .select_related("organisation")
            .order_by("organisation__name", "pk")
        )
        plan = seating.plan_tables([(r.pk, r.organisation.zone_id) for r in registrations])
        old = {table.number: table for table in session.tables.all()}
        team = list(session.team.order_by("user__last_name", "user__first_name", "pk"))
        tables = []
        for index, firms in enumerate(plan):
            number = index + 1
            table = old.pop(number, None) or SessionTable(session=session, number=number)
            if table.pk is None:
                if 2 * index + 1 < len(team):
                    table.facilitator, table.secretary = team[2 * index], team[2 * index + 1]
                elif index < len(team):
                    table.secretary = team[index]
                table.save()
            Registration.objects.filter(pk__in=firms).update(table=table, moved_by_hand=False)
            tables.append(table)
        Registration.objects.filter(session=session, table__number__in=list(old)).update(table=None)
        SessionTable.objects.filter(pk__in=[table.pk for table in old.values()]).delete()
    realtime.broadcast_on_commit(realtime.exchange_session_group(session.pk), {"type": "seating"})
    return tables


def seating_move(*, session: ExchangeSession, organisation: Organisation, table: SessionTable, by) -> Registration:
    """The organiser seats a firm at another table by hand (at most 5 firms a table)."""
    _require_organiser(by, session)
    _require_open(session)
    if table.session_id != session.pk:
        raise ValidationError(_("This table belongs to another session."))
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update().filter(session=session, organisation=organisation).first()
        )
        if registration is None:
            raise ValidationError(_("This firm is not registered for this session."))
        if registration.table_id == table.pk:
            return registration
        SessionTable.objects.select_for_update().filter(pk=table.pk).first()
        if table.registrations.count() >= seating.MAX_SIZE:
            raise ValidationError(
                _("Table %(number)d already seats %(max)d firms: move one of them elsewhere first.")
                % {"number": table.number, "max": seating.MAX_SIZE}
            )
        registration.table, registration.moved_by_hand = table, True
        registration.save(update_fields=["table", "moved_by_hand"])
    return registration


def table_assign(*, table: SessionTable, facilitator: Person | None, secretary: Person | None, by) -> SessionTable:
    _require_organiser(by, table.session)
    _require_open(table.session)
    if facilitator is not None and secretary is not None and facilitator.pk == secretary.pk:
        raise ValidationError(_("The facilitator and the secretary of a table must be two people."))
    table.facilitator, table.secretary = facilitator, secretary
    table.save(update_fields=["facilitator", "secretary"])
    return table


# --- The live rounds -------------------------------------------------------------------------------


def round_advance(*, session: ExchangeSession, by) -> ExchangeSession:
    """Starts the first round, or the next one."""
    _require_organiser(by, session)
    with transaction.atomic():
        session = ExchangeSession.objects.select_for_update().get(pk=session.pk)
        _require_open(session)
        if session.current_round >= session.rounds:
            raise ValidationError(_("This was the last round: close the session."))
        if not session.tables.exists():
            raise ValidationError(_("Seat the firms before starting the first round."))
        session.status = SessionStatus.RUNNING
        session.current_round += 1
        session.round_started_at = timezone.now()
        session.save(update_fields=["status", "current_round", "round_started_at"])
        realtime.broadcast_on_commit(
            realtime.exchange_session_group(session.pk),
            {
                "type": "round",
                "round": session.current_round,
                "direction": session.current_direction,
                "started_at": session.round_started_at.isoformat(),
                "status": session.status,
            },
        )
    return session


def session_close(*, session: ExchangeSession, by) -> ExchangeSession:
    _require_organiser(by, session)
    with transaction.atomic():
        session = ExchangeSession.objects.select_for_update().get(pk=session.pk)
        session.status = SessionStatus.DONE
        session.save(update_fields=["status"])
        synergies_from_yes(session=session, by=by)  # every YES is followed up from now on
        realtime.broadcast_on_commit(
            realtime.exchange_session_group(session.pk),
            {"type": "round", "round": session.current_round, "status": "done"},
        )
    return session


def interest_record(
    *, table: SessionTable, sheet_id: int, organisation_id: int, interested: bool, by
) -> tuple[Interest, dict]:
    """Saves one firm's YES or NO to the sheet announced at its table; the same answer twice changes
    nothing, a changed answer replaces the earlier one. Returns the interest and the table's progress."""
    if not permissions.can_record_at(by, table):
        raise PermissionDenied(_("Only the secretary of this table can record its answers."))
    # One query reads the session as it is now (the organiser may have moved on since the table was
    # read) and checks the sheet (announced in this round, of a registered firm) and the firm
    # (seated at this table): a toggle is the hot path of the morning.
    registered_sheet = ResourceSheet.objects.filter(
        pk=sheet_id, organisation__exchange_registrations__session=OuterRef("pk")
    )[:1]
    seat = Registration.objects.filter(session=OuterRef("pk"), table=table, organisation_id=organisation_id)
    session = ExchangeSession.objects.annotate(
        sheet_owner_id=Subquery(registered_sheet.values("organisation_id")),
        sheet_direction=Subquery(registered_sheet.values("direction")),
        firm_seated=Exists(seat),
    ).get(pk=table.session_id)
    if session.status != SessionStatus.RUNNING:
        raise ValidationError(
            _("This session is closed: answers can no longer be changed.")
            if session.status == SessionStatus.DONE
            else _("The session has not started yet."),
            code="not_running",
        )
    if session.sheet_owner_id is None or session.sheet_direction != session.current_direction:
        raise ValidationError(_("This sheet is not announced in the current round."), code="wrong_sheet")
    if session.sheet_owner_id == organisation_id:
        raise ValidationError(_("A firm does not answer its own sheet."), code="own_sheet")
    if not session.firm_seated:
        raise ValidationError(_("This firm does not sit at this table."), code="wrong_table")
    interest = Interest(
        session=session,
        round=session.current_round,
        sheet_id=sheet_id,
        organisation_id=organisation_id,
        interested=interested,
        table=table,
        recorded_by=person_of(by),
        recorded_at=timezone.now(),
    )
    # The write is one statement, atomic by itself and idempotent under retries and races
    # (INSERT … ON CONFLICT DO UPDATE): no explicit transaction, so no BEGIN/COMMIT round trips on
    # the morning's hot path. Inside a caller's transaction the broadcast still waits for its commit.
    Interest.objects.bulk_create(
        [interest],
        update_conflicts=True,
        unique_fields=["session", "sheet", "organisation"],
        update_fields=["interested", "table", "recorded_by", "recorded_at", "round"],
    )
    progress = table_progress(table, session.current_round)
    realtime.broadcast_on_commit(realtime.exchange_session_group(session.pk), {"type": "progress", **progress})
    return interest, progress


def table_progress(table: SessionTable, round_number: int) -> dict:
    counts = Interest.objects.filter(session_id=table.session_id, table=table, round=round_number).aggregate(
        sheets=Count("sheet", distinct=True), answers=Count("pk"), yes=Count("pk", filter=Q(interested=True))
    )
    return {"table": table.number, "round": round_number, **counts}


# --- After the session ------------------------------------------------------------------------------


def export_request(*, session: ExchangeSession, by) -> WorkbookExport:
    """Queues the building of every firm's workbook, the zip and the organiser's workbook."""
    _require_organiser(by, session)
    from .tasks import build_workbooks

    with transaction.atomic():
        export = WorkbookExport.objects.create(
            session=session, requested_by=person_of(by), total_count=session.registrations.count()
        )
        transaction.on_commit(lambda: build_workbooks.enqueue(export.pk))
    return export


def export_mark(export_id: int, **fields) -> None:
    WorkbookExport.objects.filter(pk=export_id).update(**fields)


def workbooks_rebuild_without(person) -> int:
    """The stored workbooks that may name `person` as a contact (sessions where her firm's sheets got
    a YES) are replaced by fresh ones built after commit, which leave her out: called when she
    withdraws her consent or deletes her account. Returns the number of sessions rebuilt."""
    from .tasks import build_workbooks

    named_in = Q(interests__sheet__created_by=person)
    if person.organisation_id:
        named_in |= Q(interests__sheet__organisation_id=person.organisation_id)
    sessions = (
        ExchangeSession.objects.filter(named_in, exports__isnull=False, interests__interested=True)
        .distinct()
        .annotate(firms=Count("registrations", distinct=True))
    )
    rebuilt = 0
    for session in sessions:
        WorkbookExport.objects.filter(session=session).delete()
        export = WorkbookExport.objects.create(session=session, total_count=session.firms)
        transaction.on_commit(lambda pk=export.pk: build_workbooks.enqueue(pk))
        rebuilt += 1
    return rebuilt


def _synergy_of_interest(interest: Interest, by) -> tuple[Synergy, bool]:
    """The potential synergy a YES opens (created once): the sheet's firm and the interested firm become
    provider and beneficiary (an offer goes from its owner to the interested firm; a need is answered
    by the interested firm). Returns (synergy, created)."""
    existing = Synergy.objects.filter(interest=interest).first()
    if existing is not None:
        return existing, False
    sheet = interest.sheet
    offer, need = (sheet, None) if sheet.is_offer else (None, sheet)
    provider, beneficiary = (
        (sheet.organisation, interest.organisation) if sheet.is_offer else (interest.organisation, sheet.organisation)
    )
    synergy = Synergy.objects.create(
        offer=offer,
        need=need,
        provider=provider,
        beneficiary=beneficiary,
        club=interest.session.club,
        session=interest.session,
        interest=interest,
        created_by=person_of(by),
    )
    if sheet.status == SheetStatus.OPEN:
        sheet.status = SheetStatus.IN_DISCUSSION
        sheet.save(update_fields=["status", "updated_at"])
        indexing.schedule_index(sheet)
    return synergy, True


def synergy_from_interest(*, interest: Interest, by) -> Synergy:
    """One click on a YES: its potential synergy, to contact."""
    if not permissions.can_create_synergy_from(by, interest):
        raise PermissionDenied(_("Only the organisers and the two firms can start this synergy."))
    if not interest.interested:
        raise ValidationError(_("The firm answered NO to this sheet."))
    with transaction.atomic():
        synergy, _created = _synergy_of_interest(interest, by)
    return synergy


def suggestion_decide(
    *, offer: ResourceSheet, need: ResourceSheet, confirm: bool, link: ParticipationLink | None = None, by=None
) -> MatchSuggestion:
    """Either firm (through its link) or an organiser of either confirms a suggested offer and need (they
    become a potential synergy to contact, from the offer's firm to the need's) or dismisses it."""
    if offer.direction != Direction.OFFER or need.direction != Direction.NEED:
        raise ValidationError(_("A suggestion pairs an offer and a need."))
    if offer.organisation_id == need.organisation_id:
        raise ValidationError(_("The provider and the beneficiary must be two different firms."))
    if link is not None:
        _require_link(link)
        firm_id = link.registration.organisation_id
        if firm_id not in (offer.organisation_id, need.organisation_id):
            raise PermissionDenied(_("This suggestion is not your firm's."))
        session = link.registration.session
    else:
        if not permissions.can_decide_suggestion(by, offer, need):
            raise PermissionDenied(_("Only the two firms and their organisers can decide on this suggestion."))
        firm_id, session = None, None
    with transaction.atomic():
        if MatchSuggestion.objects.filter(offer=offer, need=need).exists():
            raise ValidationError(_("This suggestion has already been decided."))
        synergy = None
        if confirm:
            synergy = Synergy.objects.create(
                offer=offer,
                need=need,
                provider_id=offer.organisation_id,
                beneficiary_id=need.organisation_id,
                session=session,
                club=session.club if session else None,
                created_by=person_of(by) if by else None,
            )
        return MatchSuggestion.objects.create(
            offer=offer,
            need=need,
            decision=SuggestionDecision.CONFIRMED if confirm else SuggestionDecision.DISMISSED,
            decided_by_firm_id=firm_id,
            decided_by=person_of(by) if by else None,
            synergy=synergy,
        )


def synergies_from_yes(*, session: ExchangeSession, by) -> int:
    """Every YES of the session becomes a potential synergy to contact (those already opened stay as
    they are). Returns how many were opened."""
    _require_organiser(by, session)
    created = 0
    with transaction.atomic():
        interests = (
            Interest.objects.filter(session=session, interested=True, synergy__isnull=True)
            .exclude(organisation_id=F("sheet__organisation_id"))
            .select_related("sheet__organisation", "organisation", "session__club")
            .order_by("pk")
        )
        for interest in interests:
            created += _synergy_of_interest(interest, by)[1]
    return created


SYNERGY_FOLLOW_UP_FIELDS = (
    "status",
    "abandon_reason",
    "next_step",
    "next_step_on",
    "implemented_on",
    "tonnes_per_year",
    "euros_per_year",
    "jobs",
    "notes",
)


def synergy_update(*, synergy: Synergy, by, **fields) -> Synergy:
    """The follow-up of a potential synergy: its status, next step and, once done, what it brought."""
    if not permissions.can_follow_synergy(by, synergy):
        raise PermissionDenied(_("Only the organisers of the synergy's club can follow it up."))
    with transaction.atomic():
        for key, value in fields.items():
            if key in SYNERGY_FOLLOW_UP_FIELDS:
                setattr(synergy, key, value)
        synergy.abandon_reason = (synergy.abandon_reason or "").strip()
        if synergy.status == SynergyStatus.ABANDONED and not synergy.abandon_reason:
            raise ValidationError({"abandon_reason": _("Say why the synergy is abandoned.")})
        if synergy.status != SynergyStatus.ABANDONED:
            synergy.abandon_reason = ""
        if synergy.status == SynergyStatus.IMPLEMENTED and synergy.implemented_on is None:
            synergy.implemented_on = timezone.localdate()
        _validated(synergy).save()
        if synergy.status == SynergyStatus.IMPLEMENTED:
            _mark_matched(synergy)
    return synergy


def synergy_note_add(*, synergy: Synergy, by, text: str, written_on=None) -> SynergyNote:
    """A dated note of the follow-up (today unless the organiser dates it)."""
    if not permissions.can_follow_synergy(by, synergy):
        raise PermissionDenied(_("Only the organisers of the synergy's club can follow it up."))
    note = SynergyNote(
        synergy=synergy, text=text.strip(), written_on=written_on or timezone.localdate(), author=person_of(by)
    )
    with transaction.atomic():
        _validated(note).save()
    return note


def _mark_matched(synergy: Synergy) -> None:
    for sheet in (synergy.offer, synergy.need):
        if sheet is not None and sheet.status != SheetStatus.MATCHED:
            sheet.status = SheetStatus.MATCHED
            sheet.save(update_fields=["status", "updated_at"])
            indexing.schedule_index(sheet)


def synergy_admin_save(*, instance: Synergy, by, save) -> Synergy:
    """An organiser's save in the Wagtail admin: the form writes every field, then the same rule as
    synergy_update (an implemented synergy's sheets are marked matched, and the index follows)."""
    if not permissions.can_manage_synergy(by, instance):
        raise PermissionDenied(_("Only the organisers of the synergy's club can do this."))
    with transaction.atomic():
        synergy = save()
        if synergy.status == SynergyStatus.IMPLEMENTED:
            _mark_matched(synergy)
    return synergy


def satisfaction_submit(
    *, session: ExchangeSession, by, logistics: int, method: int, atmosphere: int, comment: str = ""
) -> SatisfactionResponse:
    if not permissions.can_answer_questionnaire(by, session):
        raise PermissionDenied(_("Only the people of the registered firms answer this questionnaire."))
    if session.status == SessionStatus.PLANNED:
        raise ValidationError(_("The questionnaire opens when the session starts."))
    person = person_of(by)
    response = SatisfactionResponse(
        session=session,
        respondent=person,
        organisation_id=person.organisation_id,
        logistics=logistics,
        method=method,
        atmosphere=atmosphere,
        comment=comment.strip()[:2000],
    )
    _validated(response)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        raise ValidationError(_("You have already answered the questionnaire of this session.")) from None
    return response


def _satisfaction_save(response: SatisfactionResponse) -> SatisfactionResponse:
    _validated(response, exclude=["respondent"])
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        raise ValidationError(_("Your firm has already answered the questionnaire of this session.")) from None
    return response


def satisfaction_submit_by_link(
    *, link: ParticipationLink, logistics: int, method: int, atmosphere: int, comment: str = ""
) -> SatisfactionResponse:
    """The firm answers through its own link, once per session (no account: the firm is the respondent)."""
    _require_link(link)
    registration = link.registration
    if registration.session.status == SessionStatus.PLANNED:
        raise ValidationError(_("The questionnaire opens when the session starts."))
    response = SatisfactionResponse(
        session=registration.session,
        respondent=None,
        organisation=registration.organisation,
        logistics=logistics,
        method=method,
        atmosphere=atmosphere,
        comment=comment.strip()[:2000],
    )
    response = _satisfaction_save(response)
    ParticipationLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return response


def satisfaction_enter_paper(
    *,
    session: ExchangeSession,
    organisation: Organisation,
    by,
    logistics: int,
    method: int,
    atmosphere: int,
    comment: str = "",
) -> SatisfactionResponse:
    """An organiser types in a registered firm's questionnaire filled in on paper."""
    _require_organiser(by, session)
    if not session.registrations.filter(organisation=organisation).exists():
        raise ValidationError(_("This firm is not registered for this session."))
    response = SatisfactionResponse(
        session=session,
        respondent=None,
        organisation=organisation,
        entered_by=person_of(by),
        logistics=logistics,
        method=method,
        atmosphere=atmosphere,
        comment=comment.strip()[:2000],
    )
    return _satisfaction_save(response)


# --- Firms' links (no account) ---------------------------------------------------------------------


def link_issue(
    *, registration: Registration, by, base_url: str, email: str = "", send: bool = True, missing: dict | None = None
) -> str:
    """Gives the firm a new link (the previous one, if any, stops opening) and returns its token.

    With `send`, e-mails it to `email` (by default the firm's contact address) once the transaction
    commits; without, the organiser prints it. Only the token's hash is stored."""
    _require_organiser(by, registration.session)
    _require_open(registration.session)
    return _link_issue(registration, base_url=base_url, email=email, send=send, missing=missing)


def _link_issue(
    registration: Registration, *, base_url: str, email: str = "", send: bool = True, missing: dict | None = None
) -> str:
    session = registration.session
    if send:
        email = (email or registration.contact_email or registration.organisation.email or "").strip()
        if not email:
            raise ValidationError(
                _("%(firm)s has no contact e-mail: enter one, or print its link.")
                % {"firm": registration.organisation.name},
                code="no_email",
            )
        validate_email(email)
    with transaction.atomic():
        token = _link_new(registration, email if send else "")
        if send:
            context = {
                "session": session,
                "firm": registration.organisation,
                "link": base_url.rstrip("/") + reverse("exchange:firm", args=[token]),
                "expires_at": selectors.link_last_day(session),
                "expected": selectors.EXPECTED_SHEETS,
                "missing": missing,
            }
            subject = _("Your sheets for the Bourse d'échanges of %(date)s") % {"date": f"{session.date:%d/%m/%Y}"}
            if missing:
                subject = _("Reminder: %(subject)s") % {"subject": subject}
            body = render_to_string("exchange/email/firm_link.txt", context)
            transaction.on_commit(lambda: send_mail(subject, body, identity.from_email(), [email]))
    return token


def _link_new(registration: Registration, sent_to: str) -> str:
    """A new token for the firm (its previous link stops opening); only its hash is stored."""
    token = secrets.token_urlsafe(32)
    ParticipationLink.objects.update_or_create(
        registration=registration,
        defaults={
            "token_hash": selectors.token_hash(token),
            "issued_at": timezone.now(),
            "sent_to": sent_to,
            "revoked_at": None,
        },
    )
    return token


def workbooks_send(*, session: ExchangeSession, by, base_url: str) -> dict:
    """After the morning: e-mails each firm's contact a fresh link to its own page, where its workbook
    and the satisfaction questionnaire wait. Firms whose link an organiser revoked get nothing; those
    without an e-mail are listed for the organiser to call or print their link."""
    _require_organiser(by, session)
    ready = set(
        FirmWorkbook.objects.filter(export__session=session, export__status=ExportStatus.DONE).values_list(
            "organisation_id", flat=True
        )
    )
    if not ready:
        raise ValidationError(_("Build the workbooks first."), code="no_workbook")
    sent, without_email, messages = [], [], []
    subject = _("Your workbook of the Bourse d'échanges of %(date)s") % {"date": f"{session.date:%d/%m/%Y}"}
    registrations = session.registrations.select_related("organisation", "link").order_by("organisation__name")
    with transaction.atomic():
        for registration in registrations:
            link = getattr(registration, "link", None)
            if registration.organisation_id not in ready or (link is not None and link.revoked_at):
                continue
            email = (registration.contact_email or registration.organisation.email or "").strip()
            if not email:
                without_email.append(registration.organisation.name)
                continue
            token = _link_new(registration, email)
            context = {
                "session": session,
                "firm": registration.organisation,
                "link": base_url.rstrip("/") + reverse("exchange:firm", args=[token]),
                "expires_at": selectors.link_last_day(session),
            }
            body = render_to_string("exchange/email/workbook_link.txt", context)
            messages.append(EmailMessage(subject, body, identity.from_email(), [email]))
            sent.append(registration.organisation.name)
        transaction.on_commit(lambda: get_connection().send_messages(messages))
    return {"sent": sent, "without_email": without_email}


def link_revoke(*, registration: Registration, by) -> None:
    _require_organiser(by, registration.session)
    with transaction.atomic():
        updated = ParticipationLink.objects.filter(registration=registration, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    if not updated:
        raise ValidationError(_("This firm has no link to revoke."), code="no_link")


def _require_link(link: ParticipationLink) -> None:
    if not permissions.link_opens(link):
        raise PermissionDenied(_("This link has expired or was revoked."))


def sheet_create_by_link(*, link: ParticipationLink, tags=(), **fields) -> ResourceSheet:
    """A sheet the firm files through its link: always the link's own firm's, filed by no account."""
    _require_link(link)
    organisation = link.registration.organisation
    values = {key: value for key, value in fields.items() if key in SHEET_FIELDS}
    values.setdefault("zone", organisation.zone)
    with transaction.atomic():
        sheet = _validated(ResourceSheet(organisation=organisation, created_by=None, **values), exclude=["tags"])
        sheet.save()
        sheet.tags.set(_clean_tags(tags))
        indexing.schedule_index(sheet)
        ParticipationLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return sheet


def sheet_update_by_link(*, link: ParticipationLink, sheet: ResourceSheet, tags=None, **fields) -> ResourceSheet:
    _require_link(link)
    if sheet.organisation_id != link.registration.organisation_id:
        raise PermissionDenied(_("This sheet is not your firm's."))
    with transaction.atomic():
        for key, value in fields.items():
            if key in SHEET_FIELDS:
                setattr(sheet, key, value)
        _validated(sheet, exclude=["tags"]).save()
        if tags is not None:
            sheet.tags.set(_clean_tags(tags))
        indexing.schedule_index(sheet)
        ParticipationLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return sheet


def contact_agree(*, link: ParticipationLink, name: str, email: str) -> Registration:
    """The firm, through its link, gives the contact that appears in the other firms' workbooks."""
    _require_link(link)
    registration = link.registration
    registration.contact_name, registration.contact_email = name.strip(), email.strip()
    registration.contact_agreed_at = timezone.now()
    with transaction.atomic():
        _validated(registration, exclude=["session", "organisation", "table"]).save(
            update_fields=["contact_name", "contact_email", "contact_agreed_at"]
        )
    return registration


def reminders_send(*, session: ExchangeSession, by, base_url: str) -> dict:
    """E-mails a fresh link to each registered firm still behind (sheets missing or contact not
    agreed), and to those only; firms without an e-mail are listed for the organiser to call."""
    _require_organiser(by, session)
    _require_open(session)
    sent, without_email = [], []
    for row in selectors.readiness(session):
        if row["ready"]:
            continue
        registration = row["registration"]
        if row["link_state"] == "revoked":
            continue
        if not (registration.contact_email or registration.organisation.email):
            without_email.append(registration.organisation.name)
            continue
        link_issue(registration=registration, by=by, base_url=base_url, missing=row)
        sent.append(registration.organisation.name)
    return {"sent": sent, "without_email": without_email}
