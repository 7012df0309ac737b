"""Writes of the public site: event registrations, and who may edit and publish which pages.

Registrations: every write to an event's registrations first locks the event's row
(`SELECT … FOR UPDATE OF cms_eventpage`), so counting the confirmed places and taking one is a
single step however many requests arrive at once: no overbooking. E-mails leave on commit.

Publishing: a coordinator of an axis adds and edits pages under the axis's page but never
publishes; they submit to the "Validation par l'administration" workflow, whose only task is
approved by the cluster's administrators, who may publish anywhere on the site.
"""

import dataclasses
import logging
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.actions.move_page import MovePageAction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, Workflow, WorkflowPage, WorkflowTask

from portal.clubs import permissions as club_permissions
from portal.clubs import selectors as club_selectors
from portal.clubs.models import Survey
from portal.members import permissions as member_permissions
from portal.members import services as member_services
from portal.members.models import Person, PersonRole
from portal.members.roles import ROLE_GROUP_NAMES
from workgroups import services as workgroup_services
from workgroups.models import Workgroup, WorkgroupRole

from . import permissions as cms_permissions
from . import selectors
from .models import (
    AxisPage,
    ClubPage,
    EventKind,
    EventPage,
    EventRegistration,
    HomePage,
    RegistrationStatus,
    SurveyResultsPage,
)

logger = logging.getLogger(__name__)
User = get_user_model()

# --- Event registrations ------------------------------------------------------------------------


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, selectors.token_hash(token)


def _locked_event(event_pk: int) -> EventPage:
    # Only the cms_eventpage row is locked (not wagtailcore_page): editors keep working meanwhile.
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
    }
    subject = EMAIL_SUBJECTS[kind]() % {"event": event.title}
    body = render_to_string("cms/emails/registration.txt", context)
    recipient = registration.email

    def send():
        try:
            send_mail(subject, body, None, [recipient])
        except Exception:  # noqa: BLE001 - the registration is saved; a lost e-mail must not turn it into a 500
            logger.exception("Could not send the %s e-mail of event registration %s", kind, registration.pk)

    transaction.on_commit(send)


# --- Publishing rights and the approval workflow ------------------------------------------------

WORKFLOW_NAME = "Validation par l'administration"
APPROVAL_TASK_NAME = "Approbation par les administrateurs du pôle"
COORDINATION_GROUP_PREFIX = "Coordination — "
# Wagtail's page permission types: https://docs.wagtail.org/en/stable/topics/permissions.html
ADMINISTRATOR_PAGE_PERMISSIONS = ("add", "change", "publish", "bulk_delete", "lock", "unlock")
COORDINATOR_PAGE_PERMISSIONS = ("add", "change")


def _page_permissions(types) -> list[Permission]:
    content_type = ContentType.objects.get_for_model(Page)
    return list(Permission.objects.filter(content_type=content_type, codename__in=[f"{t}_page" for t in types]))


def _administrators_group() -> Group:
    name = ROLE_GROUP_NAMES[PersonRole.ADMINISTRATOR]
    return Group.objects.filter(name=name).first() or member_services.ensure_role_groups()[PersonRole.ADMINISTRATOR]


def publishing_workflow_ensure(*, site_root: Page) -> Workflow:
    """The approval workflow on the whole site, approved by the administrators, who may publish anywhere."""
    administrators = _administrators_group()
    task = GroupApprovalTask.objects.filter(name=APPROVAL_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=APPROVAL_TASK_NAME)
    task.groups.set([administrators])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=site_root, defaults={"workflow": workflow})
    for permission in _page_permissions(ADMINISTRATOR_PAGE_PERMISSIONS):
        GroupPagePermission.objects.get_or_create(group=administrators, page=site_root, permission=permission)
    return workflow


def axis_coordination_sync(*, axis_page: AxisPage) -> Group:
    """The group "Coordination — <axis>": add and edit (never publish) under the axis's page.

    Its members mirror the axis's active coordinators: someone who stops coordinating the axis
    leaves the group at the next sync (run when the coordinators change, see cms/apps.py).
    """
    axis = axis_page.axis
    name = f"{COORDINATION_GROUP_PREFIX}{axis.title}"[:150]
    group = (
        Group.objects.filter(name__startswith=COORDINATION_GROUP_PREFIX, page_permissions__page=axis_page)
        .distinct()
        .first()
    )
    if group is None:
        group, _created = Group.objects.get_or_create(name=name)
    elif group.name != name and not Group.objects.filter(name=name).exists():
        group.name = name
        group.save(update_fields=["name"])
    wanted = _page_permissions(COORDINATOR_PAGE_PERMISSIONS)
    GroupPagePermission.objects.filter(group=group, page=axis_page).exclude(permission__in=wanted).delete()
    for permission in wanted:
        GroupPagePermission.objects.get_or_create(group=group, page=axis_page, permission=permission)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    group.user_set.set(User.objects.filter(person__coordinated_axes=axis, is_active=True))
    return group


def publishing_setup() -> dict:
    """Idempotent: the workflow on every home page, the administrators' rights, one group per axis page."""
    with transaction.atomic():
        workflow = None
        for home in HomePage.objects.all():
            workflow = publishing_workflow_ensure(site_root=home)
        groups = [axis_coordination_sync(axis_page=page) for page in AxisPage.objects.select_related("axis")]
    return {"workflow": workflow, "groups": groups}


def axes_coordination_sync(*, axis_ids=None) -> list[Group]:
    """Re-syncs the coordination groups of these axes' pages (every axis page when None)."""
    pages = AxisPage.objects.select_related("axis")
    if axis_ids is not None:
        pages = pages.filter(axis_id__in=axis_ids)
    with transaction.atomic():
        return [axis_coordination_sync(axis_page=page) for page in pages]


# --- Needs survey results as a page -------------------------------------------------------------


def survey_results_page_publish(*, survey, by) -> SurveyResultsPage:
    """Publishes (or, the next time, refreshes) the survey's results page: one per survey, never two.

    Under the club's page when it has one, else under the home page. Organisers publish here without
    the editorial workflow: the page holds nothing but the survey's aggregated figures and quotes.
    """
    if not club_permissions.can_organise_clubs(by):
        raise PermissionDenied(_("Only the organisers can publish the results of a survey."))
    results = club_selectors.survey_results(survey)
    if not results["responses"]:
        raise ValidationError(_("No firm has answered this survey yet: there is nothing to publish."))
    snapshot = {
        **{key: results[key] for key in ("responses", "invitations", "rate", "remarks", "max_firms")},
        "ranking": [dataclasses.asdict(result) for result in results["ranking"]],
        "taken_at": timezone.now().isoformat(),
    }
    with transaction.atomic():
        # Two clicks at once: the survey's row is the lock, so the second finds the first's page.
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        page = SurveyResultsPage.objects.filter(survey=survey).first()
        if page is None:
            parent = ClubPage.objects.filter(club_id=survey.club_id).first() if survey.club_id else None
            parent = parent or HomePage.objects.first()
            if parent is None:
                raise ValidationError(_("The site has no home page to publish under."))
            page = SurveyResultsPage(title=_("Results: %(title)s") % {"title": survey.title}, survey=survey)
            page.results = snapshot
            parent.add_child(instance=page)
        else:
            page.results = snapshot
        # The organiser is no Wagtail editor: the service decided, Wagtail records who published.
        page.save_revision(user=by, log_action=True).publish(user=by, skip_permission_checks=True)
    return page


def survey_results_page_show(*, survey, public: bool, by) -> SurveyResultsPage | None:
    """The survey's "results public" switch (portal.clubs.signals.survey_results_public_changed): on,
    the results page is published or refreshed (once a firm has answered); off, it is withdrawn.
    The public's results are this page: /clubs/enquetes/<id>/resultats/ leads there."""
    if public:
        try:
            return survey_results_page_publish(survey=survey, by=by)
        except ValidationError:
            return None  # no answer yet (or no home page): the organiser publishes once firms have answered
    for page in SurveyResultsPage.objects.live().filter(survey=survey):
        # The organiser is no Wagtail editor: the switch decided, Wagtail records who withdrew it.
        UnpublishPageAction(page, user=by, log_action=True).execute(skip_permission_checks=True)
    return None


# --- Club mergers ---------------------------------------------------------------------------------


def club_pages_merge(*, absorbed, into, by) -> Redirect | None:
    """After `into` absorbed `absorbed` (portal.clubs.signals.club_merged): when both clubs had a
    page, the absorbed club's page is unpublished (kept, with its history), its survey results move
    under the other's, and its address answers with a permanent redirect to the other's page."""
    absorbed_page = ClubPage.objects.filter(club=absorbed).first()
    into_page = ClubPage.objects.filter(club=into).first()
    if absorbed_page is None or into_page is None or absorbed_page.pk == into_page.pk:
        return None  # no page, or the only page moved over with the club's rows
    # The merger was decided by an administrator of the clubs, who need not be a Wagtail editor.
    for child in absorbed_page.get_children():
        MovePageAction(child.specific, into_page, pos="last-child", user=by).execute(skip_permission_checks=True)
    site = absorbed_page.get_site()
    old_path = Redirect.normalise_path(absorbed_page.get_url(current_site=site))
    if absorbed_page.live:
        UnpublishPageAction(absorbed_page, user=by).execute(skip_permission_checks=True)
    # Addresses that led to the absorbed club's page (an earlier merger) now lead straight on: one hop.
    Redirect.objects.filter(redirect_page=absorbed_page).update(redirect_page=into_page)
    redirect, _created = Redirect.objects.update_or_create(
        old_path=old_path, site=site, defaults={"redirect_page": into_page, "is_permanent": True}
    )
    return redirect


# --- Participation: attendance and the follow-up workgroup ------------------------------------------


def attendance_record(*, event: EventPage, present_ids, by) -> int:
    """Marks who came among the confirmed registrants (the others: absent); returns how many came."""
    if not cms_permissions.can_export_attendance(by, event):
        raise PermissionDenied(_("Only the organisers record who came."))
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
    """A workshop's follow-up room: a workgroup of the event's axis with the members who came (or,
    before attendance is recorded, who registered); the same room the second time."""
    if not cms_permissions.can_export_attendance(by, event):
        raise PermissionDenied(_("Only the organisers open a workshop's follow-up room."))
    if event.kind != EventKind.WORKSHOP:
        raise ValidationError(_("Only a workshop is followed up in a workgroup room."))
    if event.axis_id is None:
        raise ValidationError(_("Choose the event's thematic axis first: the room belongs to an axis."))
    with transaction.atomic():
        event = EventPage.objects.select_for_update().get(pk=event.pk)
        if event.followup_workgroup_id:
            return event.followup_workgroup
        workgroup = Workgroup.objects.create(
            axis_id=event.axis_id,
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
