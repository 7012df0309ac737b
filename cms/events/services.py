"""Writes of the events: registrations, the waiting list, attendance and the follow-up room.

Registrations: every write to an event's registrations first locks the event's row
(`SELECT … FOR UPDATE OF events_eventpage`), so counting the confirmed places and taking one is a
single step however many requests arrive at once: no overbooking. E-mails leave on commit.
"""

import datetime
import logging
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms import selectors as cms_selectors
from knowledge.exchange.models import ExchangeSession, SessionStatus
from portal.members import permissions as member_permissions
from portal.members import services as member_services
from portal.members.models import Person
from portal.members.scopes import ScopeKind
from workgroups import services as workgroup_services
from workgroups.models import Workgroup, WorkgroupRole

from . import permissions, selectors
from .models import EventKind, EventPage, EventRegistration, RegistrationStatus

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
            for name, value in fields.items():
                setattr(page, name, value)
        # The organisers of the session decide (permissions.py), not Wagtail's page rights: a club's
        # exchange organiser holds none in the page tree.
        page.save_revision(user=by).publish(user=by, skip_permission_checks=True)
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
    *, event: EventPage, name: str, email: str, organisation_name: str = "", person: Person | None = None
) -> EventRegistration:
    """Registers someone: confirmed while places remain, else on the waiting list.

    Raises ValidationError (code "closed" or "duplicate"). The returned registration carries the
    cancellation token in `cancel_token` (only its hash is stored); the e-mail gives the link.
    """
    email = email.strip().lower()
    name = name.strip()
    organisation_name = organisation_name.strip()
    if not organisation_name and person is not None and person.organisation_id:
        organisation_name = person.organisation.name
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
        try:
            with transaction.atomic():
                registration = EventRegistration.objects.create(
                    event=event,
                    person=person,
                    name=name,
                    organisation_name=organisation_name,
                    email=email,
                    status=RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED,
                    cancel_token_hash=token_hash,
                )
        except IntegrityError:
            raise _duplicate_error() from None
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
        _mail_on_commit(registration, kind="promoted", token=token)
    return promoted


EMAIL_SUBJECTS = {
    RegistrationStatus.CONFIRMED: lambda: _("Registration confirmed: %(event)s"),
    RegistrationStatus.WAITING: lambda: _("On the waiting list: %(event)s"),
    "promoted": lambda: _("A place is free for you: %(event)s"),
    "cancelled": lambda: _("Registration cancelled: %(event)s"),
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


def _mail_on_commit(registration: EventRegistration, *, kind: str, token: str | None = None) -> None:
    """Renders now (in the request's language) and sends once the transaction has committed."""
    event = registration.event
    context = {
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
            send_mail(subject, body, None, [recipient])
        except Exception:  # noqa: BLE001 - the registration is saved; a lost e-mail must not turn it into a 500
            logger.exception("Could not send the %s e-mail of event registration %s", kind, registration.pk)

    transaction.on_commit(send)


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
        confirmed.filter(pk__in=present_ids).update(attended=True)
        confirmed.exclude(pk__in=present_ids).update(attended=False)
    return len(present_ids)


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
