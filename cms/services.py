"""Writes of the public site's pages: who may edit and publish which pages, the survey results
page, and the club pages after a merger (the events' writes: cms/events/services.py).

Publishing: a coordinator of an axis adds and edits pages under the axis's page, an animator of a
club under the club's page, but neither publishes; they submit to the "Validation par
l'administration" workflow, whose only task is approved by the cluster's administrators, who may
publish anywhere on the site. Each axis and each club has its Wagtail group (those rights, and
adding and choosing images and documents in the scope's own collection), whose members follow the
role assignments: see `scope_editors_sync` and `person_editor_groups_sync`.
"""

import dataclasses

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.move_page import MovePageAction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from portal.clubs import selectors as club_selectors
from portal.clubs.models import Club, Survey
from portal.members import services as member_services
from portal.members.models import PersonRole, Role, RoleAssignment
from portal.members.roles import ROLE_GROUP_NAMES
from portal.members.scopes import ScopeKind
from workgroups.models import Axis

from . import permissions
from .models import AxisPage, ClubPage, HomePage, ScopeEditors, SurveyResultsPage

User = get_user_model()

# --- Publishing rights and the approval workflow ------------------------------------------------

WORKFLOW_NAME = "Validation par l'administration"
APPROVAL_TASK_NAME = "Approbation par les administrateurs du pôle"
# Wagtail's page permission types: https://docs.wagtail.org/en/stable/topics/permissions.html
ADMINISTRATOR_PAGE_PERMISSIONS = ("add", "change", "publish", "bulk_delete", "lock", "unlock")
EDITOR_PAGE_PERMISSIONS = ("add", "change")


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


# --- Who edits which part of the site: one group and one collection per axis and per club ---------

COORDINATION_GROUP_PREFIX = "Coordination — "
ANIMATION_GROUP_PREFIX = "Animation — "
# The role that edits a scope's pages, and the prefix of its group's and collection's names.
SCOPE_EDITORS = {
    ScopeKind.AXIS: (Role.COORDINATOR, COORDINATION_GROUP_PREFIX, "Axe — "),
    ScopeKind.CLUB: (Role.ANIMATOR, ANIMATION_GROUP_PREFIX, "Club — "),
}
# Wagtail's collection permissions (images, documents): "add" also lets a person change and delete
# what they uploaded themselves; "choose" picks from the collection in a chooser.
EDITOR_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
)
ADMINISTRATOR_COLLECTION_PERMISSIONS = EDITOR_COLLECTION_PERMISSIONS + (
    ("wagtailimages", "change_image"),
    ("wagtailimages", "delete_image"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "delete_document"),
)


def _permissions(pairs) -> list[Permission]:
    wanted = Q(pk__in=[])
    for app_label, codename in pairs:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(wanted))


def _access_admin() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def _scope_object(kind: str, scope_id: int):
    model = Axis if kind == ScopeKind.AXIS else Club
    return model.objects.filter(pk=scope_id).first()


def _scope_label(scope) -> str:
    return scope.title if isinstance(scope, Axis) else scope.name


def _scope_page(kind: str, scope_id: int) -> Page | None:
    if kind == ScopeKind.AXIS:
        return AxisPage.objects.filter(axis_id=scope_id).first()
    return ClubPage.objects.filter(club_id=scope_id).first()


def _free_group_name(name: str, scope_id: int, group: Group | None) -> str:
    """`name`, or `name (id)` when another group already has it (two clubs of the same name)."""
    name = name[:150]
    taken = Group.objects.filter(name=name)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    return name if not taken.exists() else f"{name[:140]} ({scope_id})"


def _editors_group(kind: str, scope_id: int, label: str) -> tuple[ScopeEditors | None, Group]:
    """The scope's row and group. An axis's coordination group made by the first release (found by its
    rights on the axis's page) is adopted, so nobody loses what they had."""
    _role, group_prefix, _collection_prefix = SCOPE_EDITORS[kind]
    editors = ScopeEditors.objects.select_related("group", "collection").filter(scope_kind=kind, scope_id=scope_id)
    editors = editors.first()
    if editors is not None:
        group = editors.group
    else:
        page = _scope_page(kind, scope_id)
        group = None
        if page is not None:
            group = (
                Group.objects.filter(name__startswith=group_prefix, page_permissions__page=page, scope_editors=None)
                .distinct()
                .first()
            )
        if group is None:
            group = Group.objects.create(name=_free_group_name(f"{group_prefix}{label}", scope_id, None))
    name = _free_group_name(f"{group_prefix}{label}", scope_id, group)
    if group.name != name:
        group.name = name
        group.save(update_fields=["name"])
    return editors, group


def _editors_collection(editors: ScopeEditors | None, kind: str, label: str) -> Collection:
    _role, _group_prefix, collection_prefix = SCOPE_EDITORS[kind]
    name = f"{collection_prefix}{label}"[:255]
    collection = editors.collection if editors is not None else None
    if collection is None:
        collection = Collection.get_first_root_node().add_child(instance=Collection(name=name))
    elif collection.name != name:
        collection.name = name
        collection.save(update_fields=["name"])
    return collection


def _scope_holders(kind: str, scope_id: int):
    role = SCOPE_EDITORS[kind][0]
    return User.objects.filter(
        is_active=True,
        person__role_assignments__role=role,
        person__role_assignments__scope_kind=kind,
        person__role_assignments__scope_id=scope_id,
    ).distinct()


def scope_editors_sync(*, kind: str, scope_id: int) -> ScopeEditors | None:
    """The group and collection of one axis or club (None when the scope no longer exists): named
    after it; adding and editing (never publishing) under its page; adding and choosing images and
    documents in its collection; its members the people who hold the scope's role. Idempotent."""
    scope = _scope_object(kind, scope_id)
    if scope is None:
        return None
    label = _scope_label(scope)
    with transaction.atomic():
        editors, group = _editors_group(kind, scope_id, label)
        collection = _editors_collection(editors, kind, label)
        if editors is None:
            editors = ScopeEditors.objects.create(
                scope_kind=kind, scope_id=scope_id, group=group, collection=collection
            )
        elif editors.collection_id != collection.pk:
            editors.collection = collection
            editors.save(update_fields=["collection"])
        group.permissions.add(_access_admin())

        page = _scope_page(kind, scope_id)
        wanted = _page_permissions(EDITOR_PAGE_PERMISSIONS)
        stale = GroupPagePermission.objects.filter(group=group)
        if page is not None:
            stale = stale.exclude(page=page, permission__in=wanted)
            for permission in wanted:
                GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
        stale.delete()  # a page that is no longer the scope's (a club's page after a merger)

        wanted = _permissions(EDITOR_COLLECTION_PERMISSIONS)
        GroupCollectionPermission.objects.filter(group=group).exclude(
            collection=collection, permission__in=wanted
        ).delete()
        for permission in wanted:
            GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)

        group.user_set.set(_scope_holders(kind, scope_id))
    return editors


def person_editor_groups_sync(person) -> None:
    """The person's user is in the group of each axis they coordinate and each club they animate, and
    in no other scope's group: runs at every grant and withdrawal (portal.members.scopes.follow_roles)."""
    held = set(
        RoleAssignment.objects.filter(
            person=person,
            **{"role__in": [role for role, _g, _c in SCOPE_EDITORS.values()], "scope_kind__in": list(SCOPE_EDITORS)},
        ).values_list("role", "scope_kind", "scope_id")
    )
    wanted = {(kind, scope_id) for role, kind, scope_id in held if SCOPE_EDITORS[kind][0] == role}
    groups = []
    for kind, scope_id in wanted:
        editors = ScopeEditors.objects.select_related("group").filter(scope_kind=kind, scope_id=scope_id).first()
        editors = editors or scope_editors_sync(kind=kind, scope_id=scope_id)
        if editors is not None:
            groups.append(editors.group)
    user = person.user
    user.groups.remove(*Group.objects.filter(scope_editors__isnull=False).exclude(pk__in=[g.pk for g in groups]))
    user.groups.add(*groups)


def administrators_rights_ensure() -> Group:
    """Administrators add, edit and publish every page of every site, and manage every image and
    document (Wagtail reads collection rights only from GroupCollectionPermission)."""
    administrators = _administrators_group()
    for home in HomePage.objects.all():
        for permission in _page_permissions(ADMINISTRATOR_PAGE_PERMISSIONS):
            GroupPagePermission.objects.get_or_create(group=administrators, page=home, permission=permission)
    root = Collection.get_first_root_node()
    if root is not None:
        for permission in _permissions(ADMINISTRATOR_COLLECTION_PERMISSIONS):
            GroupCollectionPermission.objects.get_or_create(
                group=administrators, collection=root, permission=permission
            )
    return administrators


def site_rights_sync() -> list[ScopeEditors]:
    """Idempotent: the administrators' rights, and the editors of every axis and club that has a page
    or someone holding its role (run after every migrate, so a cluster upgraded keeps its editors)."""
    with transaction.atomic():
        administrators_rights_ensure()
        scopes = set(AxisPage.objects.values_list("axis_id", flat=True).order_by())
        scopes = {(ScopeKind.AXIS, scope_id) for scope_id in scopes}
        scopes |= {(ScopeKind.CLUB, scope_id) for scope_id in ClubPage.objects.values_list("club_id", flat=True)}
        scopes |= {
            (kind, scope_id)
            for role, kind, scope_id in RoleAssignment.objects.filter(scope_kind__in=list(SCOPE_EDITORS)).values_list(
                "role", "scope_kind", "scope_id"
            )
            if SCOPE_EDITORS[kind][0] == role
        }
        scopes |= set(ScopeEditors.objects.values_list("scope_kind", "scope_id"))
        synced = [scope_editors_sync(kind=kind, scope_id=scope_id) for kind, scope_id in sorted(scopes)]
    return [editors for editors in synced if editors is not None]


def publishing_setup() -> dict:
    """Idempotent: the workflow on every home page, the administrators' rights, one group and one
    collection per axis and per club."""
    with transaction.atomic():
        workflow = None
        for home in HomePage.objects.all():
            workflow = publishing_workflow_ensure(site_root=home)
        editors = site_rights_sync()
    return {"workflow": workflow, "groups": [row.group for row in editors]}


# --- Needs survey results as a page -------------------------------------------------------------


def survey_results_page_publish(*, survey, by) -> SurveyResultsPage:
    """Publishes (or, the next time, refreshes) the survey's results page: one per survey, never two.

    Under the club's page when it has one, else under the home page. Organisers publish here without
    the editorial workflow: the page holds nothing but the survey's aggregated figures and quotes.
    """
    if not permissions.can_publish_survey_results(by, survey):
        raise PermissionDenied(_("Only the club's animators can publish the results of its survey."))
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
