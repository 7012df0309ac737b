"""Writes of the events: registrations, the waiting list, attendance and the follow-up room.

Registrations: every write to an event's registrations first locks the event's row
(`SELECT … FOR UPDATE OF events_eventpage`), so counting the confirmed places and taking one is a
single step however many requests arrive at once: no overbooking. E-mails leave on commit.
"""

import base64
import datetime
import logging
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms import selectors as cms_selectors
from cms.page_cache import page_cache_purge
from knowledge.exchange.models import ExchangeSession, SessionStatus
from portal import identity
from portal.clubs import selectors as club_selectors
from portal.clubs import services as club_services
from portal.clubs.models import InvitationKind
from portal.members import permissions as member_permissions
from portal.members import services as member_services
from portal.members.models import Person
from portal.members.scopes import ScopeKind
from workgroups import services as workgroup_services
from workgroups.models import Workgroup, WorkgroupRole

from . import permissions, selectors
from .models import EventFeedback, EventKind, EventPage, EventRegistration, EventSeriesPage, RegistrationStatus

logger = logging.getLogger(__name__)

# --- A Bourse d'échanges on the agenda ----------------------------------------------------

EXCHANGE_MORNING = (datetime.time(8, 30), datetime.time(12, 0))


def _free_slug(parent, text: str) -> str:
    base = slugify(text)[:200] or "bourse"
    slug, number = base, 1
    while Page.objects.child_of(parent).filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def exchange_session_publish(*, session: ExchangeSession, by) -> EventPage:
    """Puts the session on the public agenda (its club page's calendar, else the site's), or brings its
    event up to date: title, morning, venue. Firms then register there as organisations."""
    if not permissions.can_publish_exchange_session(by, session):
        raise PermissionDenied(_("Only the organisers of this session can do this."))
    if session.status == SessionStatus.DONE:
        raise ValidationError(_("This session is closed: nothing can be changed any more."))
    if session.is_cancelled:
        raise ValidationError(_("This session is cancelled: nothing can be changed any more."))
    start, end = (timezone.make_aware(datetime.datetime.combine(session.date, moment)) for moment in EXCHANGE_MORNING)
    fields = {
        "title": session.title,
        "kind": EventKind.EXCHANGE_SESSION,
        "start": start,
        "end": end,
        "place": session.venue,
        "summary": _(
            "A morning of the Bourse d'échanges: the firms of the zone announce their offers and needs at "
            "round tables. Firms register as organisations, with or without an account."
        ),
    }
    with transaction.atomic():
        page = EventPage.objects.filter(exchange_session=session).first()
        if page is None:
            parent = selectors.exchange_calendar(session)
            if parent is None:
                raise ValidationError(_("The site has no events calendar yet: ask an administrator to create one."))
            page = EventPage(slug=_free_slug(parent, f"{session.title} {session.date:%Y-%m-%d}"), **fields)
            page.exchange_session = session
            parent.add_child(instance=page)
        else:
            if page.start != start:  # moved: the agenda tells the first planned date
                EventPage.objects.filter(pk=page.pk).update(moved_from=page.moved_from or page.start)
                page.refresh_from_db()
            for name, value in fields.items():
                setattr(page, name, value)
        # The organisers of the session decide (permissions.py), not Wagtail's page rights: a club's
        # exchange organiser holds none in the page tree.
        page.save_revision(user=by).publish(user=by, skip_permission_checks=True)
    return page


def exchange_session_agenda_follow(*, session: ExchangeSession, by) -> EventPage | None:
    """A session already on the agenda brings its entry up to date after an organiser's change (title,
    morning, venue; a new date shows as moved). None when it is not on the agenda: nothing is put there
    without the organiser's explicit step. `by` was checked by the caller (knowledge.exchange.services)."""
    if not EventPage.objects.filter(exchange_session=session).exists():
        return None
    return exchange_session_publish(session=session, by=by)


def exchange_session_agenda_cancel(*, session: ExchangeSession) -> EventPage | None:
    """The session's agenda entry says the morning is cancelled and takes no more registrations; its
    registrants by e-mail, if any, are told. Called by knowledge.exchange.services.session_cancel,
    which checked who asks."""
    page = EventPage.objects.filter(exchange_session=session).first()
    if page is None or page.is_cancelled:
        return page
    with transaction.atomic():
        page = _locked_event(page.pk)
        _cancel_occurrence(page)
    return page


# --- Registrations ------------------------------------------------------------------------


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, selectors.token_hash(token)


def _locked_event(event_pk: int) -> EventPage:
    # Only the events_eventpage row is locked (not wagtailcore_page): editors keep working meanwhile.
    # SQLite ignores FOR UPDATE: the guarantee holds on PostgreSQL (tests, production), not in the
    # embedded SQLite demo, where two exactly simultaneous registrations could take the last place.
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event_pk)


def _duplicate_error() -> ValidationError:
    return ValidationError(_("This e-mail address is already registered for this event."), code="duplicate")


def registration_create(
    *,
    event: EventPage,
    name: str,
    email: str,
    organisation_name: str = "",
    person: Person | None = None,
    campaign_token: str = "",
    siret: str = "",
) -> EventRegistration:
    """Registers someone: confirmed while places remain, else on the waiting list.

    Raises ValidationError (code "closed" or "duplicate"). The returned registration carries the
    cancellation token in `cancel_token` (only its hash is stored); the e-mail gives the link.
    `campaign_token`: the club campaign's invitation link the person followed here, if any (the
    campaign counts the firm as registered; a link of another campaign or event counts nothing).
    A visitor's firm the directory does not know becomes a prospect of the zone of the event's club
    (`siret` looked up in the company register; without it, by its name if no other firm bears it),
    with its registration in its log; never a duplicate.
    """
    email = email.strip().lower()
    name = name.strip()
    organisation_name = organisation_name.strip()
    if not organisation_name and person is not None and person.organisation_id:
        organisation_name = person.organisation.name
    # A member registers for their organisation; a visitor's typed name or SIRET is looked up in the
    # directory (no match: the free text only — a prospect needs a SIRET the form does not ask for).
    register_entry = None
    if person is not None and person.organisation_id:
        organisation = person.organisation
    else:
        organisation = club_selectors.directory_match(siret or organisation_name)
        if organisation is None and siret:
            register_entry = club_selectors.register_firm(siret)  # before the lock: the register is remote
    club_id = _club_of(event)
    token, token_hash = _new_token()
    with transaction.atomic():
        event = _locked_event(event.pk)
        if not event.accepts_registrations:
            raise ValidationError(_("Registration for this event is closed."), code="closed")
        active = EventRegistration.objects.filter(event=event).exclude(status=RegistrationStatus.CANCELLED)
        if active.filter(email=email).exists():
            raise _duplicate_error()
        if person is not None and active.filter(person=person).exists():
            raise ValidationError(_("You are already registered for this event."), code="duplicate")
        confirmed = active.filter(status=RegistrationStatus.CONFIRMED).count()
        full = event.capacity is not None and confirmed >= event.capacity
        new_prospect = False
        if organisation is None and club_id is not None and (person is None or not person.organisation_id):
            organisation, new_prospect = club_services.prospect_from_registration(
                club_id=club_id, name=organisation_name, siret=siret, register_entry=register_entry
            )
            if organisation is not None and not organisation_name:
                organisation_name = organisation.name
        try:
            with transaction.atomic():
                registration = EventRegistration.objects.create(
                    event=event,
                    person=person,
                    name=name,
                    organisation_name=organisation_name,
                    organisation=organisation,
                    email=email,
                    status=RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED,
                    cancel_token_hash=token_hash,
                )
        except IntegrityError:
            raise _duplicate_error() from None
        club_services.campaign_invitation_acted(
            kind=InvitationKind.EVENT,
            object_id=event.pk,
            token=campaign_token,
            organisation_id=organisation.pk if organisation is not None else None,
        )
        if registration.status == RegistrationStatus.CONFIRMED or new_prospect:
            _prospect_log(registration, attended=False, new_prospect=new_prospect)
        _mail_on_commit(registration, kind=registration.status, token=token)
    registration.cancel_token = token
    return registration


def registration_cancel(*, token: str) -> EventRegistration:
    """Cancels the registration the token belongs to and gives its place to the waiting list.

    Raises EventRegistration.DoesNotExist for an unknown token and ValidationError (code "past")
    once the event has ended. Cancelling twice is harmless.
    """
    found = selectors.registration_by_token(token)
    if found is None:
        raise EventRegistration.DoesNotExist
    with transaction.atomic():
        event = _locked_event(found.event_id)
        registration = EventRegistration.objects.select_related("event").get(pk=found.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            return registration
        if event.is_past:
            raise ValidationError(_("This event is over: the registration can no longer be cancelled."), code="past")
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        _mail_on_commit(registration, kind="cancelled")
        _promote_waiting(event)
    return registration


def registration_promote_waiting(*, event: EventPage) -> list[EventRegistration]:
    """Moves people from the waiting list while places remain (after a cancellation or a larger capacity)."""
    with transaction.atomic():
        return _promote_waiting(_locked_event(event.pk))


def _promote_waiting(event: EventPage) -> list[EventRegistration]:
    """Under the event's lock: first come, first served. Each promoted person gets a new cancellation link."""
    if event.start <= timezone.now():
        return []
    waiting = EventRegistration.objects.filter(event=event, status=RegistrationStatus.WAITING).order_by(
        "created_at", "pk"
    )
    if event.capacity is not None:
        confirmed = EventRegistration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count()
        waiting = waiting[: max(event.capacity - confirmed, 0)]
    promoted = list(waiting.select_related("event"))
    for registration in promoted:
        token, registration.cancel_token_hash = _new_token()
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = timezone.now()
        registration.save(update_fields=["status", "promoted_at", "cancel_token_hash"])
        _prospect_log(registration, attended=False)
        _mail_on_commit(registration, kind="promoted", token=token)
    return promoted


EMAIL_SUBJECTS = {
    RegistrationStatus.CONFIRMED: lambda: _("Registration confirmed: %(event)s"),
    RegistrationStatus.WAITING: lambda: _("On the waiting list: %(event)s"),
    "promoted": lambda: _("A place is free for you: %(event)s"),
    "cancelled": lambda: _("Registration cancelled: %(event)s"),
    "moved": lambda: _("New date: %(event)s"),
    "date_cancelled": lambda: _("Date cancelled: %(event)s"),
    "carried": lambda: _("Your registration moves to another date: %(event)s"),
}


def _absolute(url: str) -> str:
    """The portal's public address (PORTAL_BASE_URL) before a path, as every other e-mail has it.

    Not the Wagtail Site record's hostname: the migrations leave it at http://localhost (port 80),
    which is no address of the demo nor of most deployments, and the links of the e-mail failed.
    """
    if url.startswith(("http://", "https://")):  # a page of another Wagtail site already has its own
        return url
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


def event_url(event: EventPage) -> str:
    return _absolute(event.get_url() or "/")


def cancel_url(event: EventPage, token: str) -> str:
    return event_url(event) + event.reverse_subpage("cancel", args=[token])


def _mail_on_commit(
    registration: EventRegistration, *, kind: str, token: str | None = None, previous: EventPage | None = None
) -> None:
    """Renders now (in the request's language) and sends once the transaction has committed."""
    event = registration.event
    context = {
        "previous": previous,
        "registration": registration,
        "event": event,
        "kind": kind,
        "event_url": event_url(event),
        "cancel_url": cancel_url(event, token) if token else "",
        "site_name": cms_selectors.site_identity().name,
    }
    subject = EMAIL_SUBJECTS[kind]() % {"event": event.title}
    body = render_to_string("events/emails/registration.txt", context)
    recipient = registration.email

    def send():
        try:
            send_mail(subject, body, identity.from_email(), [recipient])
        except Exception:  # noqa: BLE001 - the registration is saved; a lost e-mail must not turn it into a 500
            logger.exception("Could not send the %s e-mail of event registration %s", kind, registration.pk)

    transaction.on_commit(send)


def _club_of(event: EventPage) -> int | None:
    """The club whose page the event is under (its zone takes the unknown firms that register)."""
    scope = permissions.event_scope(event)
    return scope[1] if scope is not None and scope[0] == ScopeKind.CLUB else None


def _prospect_log(registration: EventRegistration, *, attended: bool, new_prospect: bool = False) -> None:
    """A prospect's registration (confirmed) or attendance, in its file's log (portal.clubs)."""
    if registration.organisation_id is None:
        return
    event = registration.event
    values = {"event": event.title, "date": date_format(timezone.localtime(event.start), "SHORT_DATE_FORMAT")}
    if attended:
        note = _("%(name)s came to “%(event)s” of %(date)s.")
    elif new_prospect:
        note = _("%(name)s registered for “%(event)s” of %(date)s: the firm is a new prospect of the zone.")
    else:
        note = _("%(name)s registered for “%(event)s” of %(date)s.")
    club_services.prospect_event_logged(organisation=registration.organisation, note=note % {
        **values, "name": registration.name})  # fmt: skip


# --- Participation: attendance and the follow-up workgroup ------------------------------------------


def attendance_record(*, event: EventPage, present_ids, by) -> int:
    """Marks who came among the confirmed registrants (the others: absent); returns how many came."""
    if not permissions.can_manage_participation(by, event):
        raise PermissionDenied(_("Only the people in charge of this event record who came."))
    present_ids = {int(pk) for pk in present_ids}
    with transaction.atomic():
        confirmed = EventRegistration.objects.select_for_update().filter(
            event=event, status=RegistrationStatus.CONFIRMED
        )
        unknown = present_ids - set(confirmed.values_list("pk", flat=True))
        if unknown:
            raise ValidationError(_("Some of the people ticked are not registered to this event."))
        came = list(confirmed.filter(pk__in=present_ids, organisation__isnull=False).exclude(attended=True))
        confirmed.filter(pk__in=present_ids).update(attended=True)
        for registration in came:
            _prospect_log(registration, attended=True)
        confirmed.exclude(pk__in=present_ids).update(attended=False)
    return len(present_ids)


def _normalised_code(code: str) -> str:
    return "".join(character for character in (code or "").upper() if character.isalnum())


def attendance_check_in(*, event: EventPage, code: str, by) -> EventRegistration:
    """At the door: the code of a badge (scanned or typed) records its holder as present.

    Raises ValidationError (code "unknown" or "waiting"); checking in twice is harmless."""
    if not permissions.can_manage_participation(by, event):
        raise PermissionDenied(_("Only the people in charge of this event record who came."))
    code = _normalised_code(code)
    with transaction.atomic():
        registration = (
            EventRegistration.objects.select_for_update()
            .filter(event=event, badge_code=code)
            .exclude(status=RegistrationStatus.CANCELLED)
            .first()
        )
        if registration is None:
            raise ValidationError(_("No registration of this event has the code %(code)s.") % {"code": code or "—"},
                                  code="unknown")  # fmt: skip
        if registration.status != RegistrationStatus.CONFIRMED:
            raise ValidationError(
                _("%(name)s is on the waiting list, not confirmed.") % {"name": registration.name}, code="waiting"
            )
        if registration.attended is not True:
            registration.attended = True
            registration.save(update_fields=["attended"])
            _prospect_log(registration, attended=True)
    return registration


def attendance_mark(*, event: EventPage, registration_id, present: bool, by) -> EventRegistration:
    """Ticks (or unticks) one confirmed registrant on the tablet list."""
    if not permissions.can_manage_participation(by, event):
        raise PermissionDenied(_("Only the people in charge of this event record who came."))
    with transaction.atomic():
        registration = (
            EventRegistration.objects.select_for_update()
            .filter(event=event, pk=int(registration_id), status=RegistrationStatus.CONFIRMED)
            .first()
        )
        if registration is None:
            raise ValidationError(_("Some of the people ticked are not registered to this event."), code="unknown")
        came = present and registration.attended is not True
        registration.attended = present
        registration.save(update_fields=["attended"])
        if came:
            _prospect_log(registration, attended=True)
    return registration


def followup_workgroup_open(*, event: EventPage, by) -> Workgroup:
    """A workshop's follow-up room: a workgroup of the event's axis (or a commission of its club, or of
    its participatory process whatever its theme) with
    the members who came (or, before attendance is recorded, who registered); the same room the
    second time."""
    if not permissions.can_manage_participation(by, event):
        raise PermissionDenied(_("Only the people in charge of this event open its follow-up room."))
    if event.kind != EventKind.WORKSHOP:
        raise ValidationError(_("Only a workshop is followed up in a workgroup room."))
    scope = permissions.event_scope(event)
    if scope is None and not event.process_id:
        raise ValidationError(
            _("Choose the event's thematic axis or its participatory process first: the room belongs to one.")
        )
    kind, scope_id = scope or (None, None)
    with transaction.atomic():
        event = EventPage.objects.select_for_update().get(pk=event.pk)
        if event.followup_workgroup_id:
            return event.followup_workgroup
        workgroup = Workgroup.objects.create(
            axis_id=scope_id if kind == ScopeKind.AXIS else None,
            club_id=scope_id if kind == ScopeKind.CLUB else None,
            # A workshop of a participatory process: its room belongs to the process (with the workshop's
            # title as its theme), as well as to the axis or club the event has, if any.
            process_id=event.process_id,
            theme=event.title[:150] if event.process_id else "",
            name=(_("Follow-up: %(title)s") % {"title": event.title})[:150],
            slug=member_services.unique_slug(Workgroup, f"suite-{event.slug}"),
            description=_("The follow-up of the workshop “%(title)s” of %(date)s.")
            % {"title": event.title, "date": date_format(timezone.localtime(event.start), "DATE_FORMAT")},
        )
        registrations = EventRegistration.objects.filter(
            event=event, status=RegistrationStatus.CONFIRMED, person__isnull=False
        ).exclude(attended=False)
        for registration in registrations.select_related("person"):
            workgroup_services.workgroup_add_member(workgroup=workgroup, person=registration.person)
        organiser = member_permissions.person_of(by)
        if organiser is not None:
            workgroup_services.workgroup_add_member(
                workgroup=workgroup, person=organiser, role=WorkgroupRole.COORDINATOR
            )
        EventPage.objects.filter(pk=event.pk).update(followup_workgroup=workgroup)
    return workgroup


# --- Recurring events: the occurrences of a series --------------------------------------------------

# What an occurrence takes from its series.
OCCURRENCE_FIELDS = (
    "kind",
    "axis_id",
    "place",
    "address",
    "capacity",
    "registration_open",
    "summary",
    "feature_image_id",
    "body",
)


def _occurrence_times(series: EventSeriesPage, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.datetime.combine(day, series.start_time), zone),
        timezone.make_aware(datetime.datetime.combine(day, series.end_time), zone),
    )


def _fill_occurrence(page: EventPage, series: EventSeriesPage, day: datetime.date) -> None:
    for field in OCCURRENCE_FIELDS:
        setattr(page, field, getattr(series, field))
    with translation.override(settings.LANGUAGE_CODE):  # the site's language, whoever publishes
        page.title = f"{series.title} — {date_format(day, 'DATE_FORMAT')}"
    page.start, page.end = _occurrence_times(series, day)
    page.series, page.occurrence_date = series, day


def _occurrence_slug(series: EventSeriesPage, day: datetime.date) -> str:
    slug, number = day.isoformat(), 1
    while series.get_children().filter(slug=slug).exists():
        number += 1
        slug = f"{day.isoformat()}-{number}"
    return slug


def _active_registrations(event: EventPage):
    return EventRegistration.objects.filter(event=event).exclude(status=RegistrationStatus.CANCELLED)


def series_sync(*, series: EventSeriesPage) -> dict:
    """Brings the coming occurrences of a published series in step with its rule (called on publish).

    Creates the missing dates; updates the coming ones; deletes those the rule no longer gives. A date
    that has registrations is left as it is unless the series says `reschedule_registered`: then it
    follows (its registrants are told of a new time, or of the cancellation of a date that went). A
    date moved or cancelled from the site is never touched again. Returns what changed, by kind.
    """
    now = timezone.now()
    changes = {"created": [], "updated": [], "deleted": [], "cancelled": [], "kept": []}
    with transaction.atomic():
        series = EventSeriesPage.objects.select_for_update(of=("self",)).get(pk=series.pk)
        existing = {
            occurrence.occurrence_date: occurrence
            for occurrence in EventPage.objects.filter(series=series, start__gt=now).order_by("start")
        }
        for day in series.dates():
            if _occurrence_times(series, day)[0] <= now:
                continue
            occurrence = existing.pop(day, None)
            if occurrence is None:
                occurrence = EventPage(slug=_occurrence_slug(series, day))
                _fill_occurrence(occurrence, series, day)
                series.add_child(instance=occurrence)
                occurrence.save_revision().publish()
                changes["created"].append(occurrence)
                continue
            if occurrence.is_cancelled or occurrence.moved_from is not None:
                changes["kept"].append(occurrence)
                continue
            registered = _active_registrations(occurrence).exists()
            if registered and not series.reschedule_registered:
                changes["kept"].append(occurrence)
                continue
            old_start = occurrence.start
            _fill_occurrence(occurrence, series, day)
            occurrence.save_revision().publish()
            if registered and occurrence.start != old_start:
                _mail_registrants(occurrence, kind="moved")
            changes["updated"].append(occurrence)
        for occurrence in existing.values():  # dates the rule no longer gives
            if occurrence.is_cancelled or occurrence.moved_from is not None:
                changes["kept"].append(occurrence)
            elif not _active_registrations(occurrence).exists():
                occurrence.delete()
                changes["deleted"].append(occurrence)
            elif series.reschedule_registered:
                _cancel_occurrence(occurrence)
                changes["cancelled"].append(occurrence)
            else:
                changes["kept"].append(occurrence)
    return changes


def _mail_registrants(event: EventPage, *, kind: str) -> None:
    """Under the event's lock: each active registrant gets the news with a new cancellation link."""
    for registration in _active_registrations(event).select_related("event"):
        token, registration.cancel_token_hash = _new_token()
        registration.save(update_fields=["cancel_token_hash"])
        _mail_on_commit(registration, kind=kind, token=token)


def _check_occurrence_organiser(event: EventPage, by) -> None:
    if not permissions.can_manage_participation(by, event):
        raise PermissionDenied(_("Only the people in charge of this event change its date."))
    if event.is_past or event.start <= timezone.now():
        raise ValidationError(_("This event has started: its date can no longer change."), code="past")
    if event.is_cancelled:
        raise ValidationError(_("This date is already cancelled."), code="cancelled")


def occurrence_move(*, event: EventPage, start: datetime.datetime, end: datetime.datetime, by) -> EventPage:
    """Moves one date (of a series or a single event); its registrations follow and are told by e-mail."""
    _check_occurrence_organiser(event, by)
    if end <= start:
        raise ValidationError(_("The end must be after the start."), code="times")
    if start <= timezone.now():
        raise ValidationError(_("The new date must be in the future."), code="times")
    with transaction.atomic():
        event = _locked_event(event.pk)
        EventPage.objects.filter(pk=event.pk).update(moved_from=event.moved_from or event.start)
        event.refresh_from_db()
        event.start, event.end = start, end
        event.save_revision(user=by, log_action=True).publish(user=by, skip_permission_checks=True)  # checked above
        _mail_registrants(event, kind="moved")
    return event


def occurrence_cancel(*, event: EventPage, by, move_to: EventPage | None = None) -> dict:
    """Cancels one date. Its registrants are told by e-mail; with `move_to` (another coming date of the
    same series) their registrations move there, confirmed while places remain, else waiting, in their
    order of registration. Returns {"moved": [...], "cancelled": [...]}, the registrations concerned."""
    _check_occurrence_organiser(event, by)
    if move_to is not None:
        if move_to.pk == event.pk or move_to.series_id is None or move_to.series_id != event.series_id:
            raise ValidationError(_("Choose another date of the same series."), code="move_to")
        if not move_to.accepts_registrations:
            raise ValidationError(_("Registration for this event is closed."), code="closed")
    with transaction.atomic():
        event = _locked_event(event.pk)
        return _cancel_occurrence(event, move_to=move_to)


def _cancel_occurrence(event: EventPage, *, move_to: EventPage | None = None) -> dict:
    now = timezone.now()
    EventPage.objects.filter(pk=event.pk).update(cancelled_at=now)
    event.cancelled_at = now
    # Not a publish, yet a cancelled date leaves the agenda: the cached pages and fragments showing it go.
    transaction.on_commit(page_cache_purge, robust=True)
    if move_to is not None:
        move_to = _locked_event(move_to.pk)
    result = {"moved": [], "cancelled": []}
    registrations = list(
        _active_registrations(event).select_related("event").order_by("status", "created_at", "pk")
    )  # confirmed before waiting: the confirmed keep their place first
    for registration in registrations:
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        moved = _carry(registration, move_to) if move_to is not None else None
        if moved is None:
            _mail_on_commit(registration, kind="date_cancelled")
            result["cancelled"].append(registration)
        else:
            result["moved"].append(moved)
    return result


def _carry(registration: EventRegistration, event: EventPage) -> EventRegistration | None:
    """Under both events' locks: the registration again on `event`; None if already registered there."""
    active = _active_registrations(event)
    if active.filter(email=registration.email).exists() or (
        registration.person_id and active.filter(person_id=registration.person_id).exists()
    ):
        return None
    confirmed = active.filter(status=RegistrationStatus.CONFIRMED).count()
    full = event.capacity is not None and confirmed >= event.capacity
    token, token_hash = _new_token()
    moved = EventRegistration.objects.create(
        event=event,
        person_id=registration.person_id,
        name=registration.name,
        organisation_name=registration.organisation_name,
        organisation_id=registration.organisation_id,
        email=registration.email,
        status=RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED,
        cancel_token_hash=token_hash,
    )
    _mail_on_commit(moved, kind="carried", token=token, previous=registration.event)
    return moved


# --- The satisfaction questionnaire, after the event ---------------------------------------------------

FEEDBACK_SALT = "events.feedback"
FEEDBACK_MAX_AGE = 60 * 24 * 3600  # the link of the e-mail answers for sixty days


def feedback_url(registration: EventRegistration) -> str:
    # Wagtail serves page paths made of [\w-] only: the signed value (with its ":") goes in base64.
    signed = signing.dumps(registration.pk, salt=FEEDBACK_SALT)
    token = base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")
    return event_url(registration.event) + registration.event.reverse_subpage("feedback", args=[token])


def feedback_registration(token: str) -> EventRegistration | None:
    """The registration a questionnaire link was sent to; None for a forged or expired link."""
    try:
        signed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        pk = signing.loads(signed, salt=FEEDBACK_SALT, max_age=FEEDBACK_MAX_AGE)
    except (signing.BadSignature, ValueError):
        return None
    return (
        EventRegistration.objects.select_related("event")
        .filter(pk=pk, status=RegistrationStatus.CONFIRMED)
        .exclude(attended=False)
        .first()
    )


def feedback_request_send(*, event: EventPage, by) -> int:
    """Once the event is over: e-mails the questionnaire's link to the participants (those recorded
    absent excepted) who have not answered yet. Returns how many e-mails leave."""
    if not permissions.can_manage_participation(by, event):
        raise PermissionDenied(_("Only the people in charge of this event send its questionnaire."))
    if not event.is_past:
        raise ValidationError(_("The questionnaire is sent once the event is over."), code="not_over")
    registrations = list(selectors.confirmed_registrations(event).exclude(attended=False).filter(feedback__isnull=True))
    site_name = cms_selectors.site_identity().name
    subject = _("Your opinion on %(event)s") % {"event": event.title}
    messages = []
    for registration in registrations:
        context = {"registration": registration, "event": event, "url": feedback_url(registration),
                   "site_name": site_name}  # fmt: skip
        messages.append((registration.pk, render_to_string("events/emails/feedback_request.txt", context),
                         registration.email))  # fmt: skip

    def send():
        for pk, body, recipient in messages:
            try:
                send_mail(subject, body, identity.from_email(), [recipient])
            except Exception:  # noqa: BLE001 - one refused address must not stop the others
                logger.exception("Could not send the questionnaire of event registration %s", pk)

    transaction.on_commit(send)
    return len(messages)


def feedback_submit(
    *, registration: EventRegistration, satisfaction: int, usefulness: int, would_return: bool, comment: str = ""
) -> EventFeedback:
    """Records one participant's answer; a second answer is refused (code "duplicate")."""
    if not registration.event.is_past:
        raise ValidationError(_("The questionnaire opens once the event is over."), code="not_over")
    with transaction.atomic():
        if EventFeedback.objects.filter(registration=registration).exists():
            raise ValidationError(_("You have already answered: thank you."), code="duplicate")
        try:
            with transaction.atomic():
                return EventFeedback.objects.create(
                    registration=registration,
                    event=registration.event,
                    satisfaction=satisfaction,
                    usefulness=usefulness,
                    would_return=would_return,
                    comment=comment.strip(),
                )
        except IntegrityError:
            raise ValidationError(_("You have already answered: thank you."), code="duplicate") from None
