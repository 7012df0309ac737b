"""Writes of the public site's pages: who may edit and publish which pages, the survey results
page, and the club pages after a merger (the events' writes: cms/events/services.py).

Publishing: a coordinator of an axis adds and edits pages under the axis's page but never
publishes; they submit to the "Validation par l'administration" workflow, whose only task is
approved by the cluster's administrators, who may publish anywhere on the site.
"""

import dataclasses

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.move_page import MovePageAction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, Workflow, WorkflowPage, WorkflowTask

from portal.clubs import permissions as club_permissions
from portal.clubs import selectors as club_selectors
from portal.clubs.models import Survey
from portal.members import services as member_services
from portal.members.models import PersonRole
from portal.members.roles import ROLE_GROUP_NAMES

from .models import AxisPage, ClubPage, HomePage, SurveyResultsPage

User = get_user_model()

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
    if not club_permissions.can_manage_survey(by, survey):
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
