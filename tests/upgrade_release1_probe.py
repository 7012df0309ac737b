"""Asks today's code what every person of an upgraded first-release database may do, and opens pages.

Run by tests/test_upgrade_release1.py in a process of its own, on the upgraded database
(DATABASE_URL), so the test's own database and connections stay untouched:

    python -m tests.upgrade_release1_probe < checks.json > answers.json

The input names the rights the first release gave (computed by the test from the old tables with plain
SQL) as [user id, right, object id]; the output lists those today's permissions.py refuses, with the
status of a few pages opened as the right person.
"""

import json
import os
import sys


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django

    django.setup()


def _deciders():
    from wagtail.documents.permissions import permission_policy as document_policy
    from wagtail.images.permissions import permission_policy as image_policy
    from wagtail.models import Collection, Page
    from wagtail.permission_policies.pages import PagePermissionPolicy

    from knowledge import permissions as knowledge
    from knowledge.exchange import permissions as exchange
    from knowledge.exchange.models import ExchangeSession
    from portal.clubs import permissions as clubs
    from portal.clubs.models import Club
    from portal.members import permissions as members
    from portal.members.models import Organisation
    from workgroups import permissions as workgroups
    from workgroups.models import Workgroup
    from workgroups.plans import permissions as plans
    from workgroups.plans.models import ActionPlan, CommonIssue

    pages = PagePermissionPolicy()
    collection_policy = {"image": image_policy, "document": document_policy}

    def in_collection(user, key):
        model, action, collection_id = key.split(":")
        return (
            Collection.objects.filter(pk=int(collection_id))
            .filter(pk__in=collection_policy[model].collections_user_has_permission_for(user, action))
            .exists()
        )

    def django_perm(user, key):
        """A model permission, or what the app now asks instead: an app may answer its admin's questions
        from the role assignments (a permission policy registered with Wagtail) rather than from
        Django's model permissions (the newsletters do)."""
        from django.contrib.contenttypes.models import ContentType
        from wagtail.permissions import policy_registry

        content_type_id, codename = key.split(":")
        content_type = ContentType.objects.get_for_id(int(content_type_id))
        if user.has_perm(f"{content_type.app_label}.{codename}"):
            return True
        model = content_type.model_class()
        policy = policy_registry.get_by_type(model, fallback=False) if model else None
        action = codename.split("_", 1)[0]
        return policy is not None and policy.user_has_permission(user, action)

    return {
        "administrator": lambda user, _key: members.is_administrator(user),
        "animate": lambda user, key: clubs.can_animate(user, Club.objects.get(pk=key)),
        "growth": lambda user, _key: clubs.can_view_growth(user),
        "cluster_sessions": lambda user, _key: exchange.runs_cluster_sessions(user),
        "session": lambda user, key: exchange.can_manage_session(user, ExchangeSession.objects.get(pk=key)),
        "file_sheet": lambda user, _key: exchange.can_file_sheet(user),
        "review_axis": lambda user, key: knowledge.reviews_axis(user, key),
        "lead_axis": lambda user, key: workgroups.leads_axis(user, key),
        "transfers": lambda user, _key: knowledge.can_view_transfers(user),
        "plan": lambda user, key: plans.can_manage_plan(user, ActionPlan.objects.get(pk=key)),
        "issue": lambda user, key: plans.can_manage_issue(user, CommonIssue.objects.get(pk=key)),
        "read": lambda user, key: workgroups.can_read(user, Workgroup.objects.get(pk=key)),
        "moderate": lambda user, key: workgroups.can_moderate(user, Workgroup.objects.get(pk=key)),
        "edit_organisation": lambda user, key: members.can_edit_organisation(user, Organisation.objects.get(pk=key)),
        "superuser": lambda user, _key: user.is_superuser,
        "perm": django_perm,
        "page": lambda user, key: pages.user_has_permission_for_instance(
            user, key.split(":")[0], Page.objects.get(pk=int(key.split(":")[1]))
        ),
        "collection": in_collection,
    }


def _pages(people: dict) -> dict:
    """The status of the pages a user of each kind opens first, on the upgraded data."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from cms.models import AxisPage
    from workgroups.models import Workgroup

    User = get_user_model()
    answers = {}
    anonymous = Client()
    answers["home"] = anonymous.get("/").status_code
    answers["directory"] = anonymous.get("/annuaire/").status_code
    answers["axis page"] = anonymous.get(AxisPage.objects.live().order_by("pk").first().url).status_code

    member = Client()
    member.force_login(User.objects.get(pk=people["room_member"]))
    room = Workgroup.objects.get(pk=people["room"])
    answers["workgroup room"] = member.get(reverse("workgroups:room", args=[room.slug])).status_code

    administrator = Client()
    administrator.force_login(User.objects.get(pk=people["administrator"]))
    answers["admin"] = administrator.get("/admin/").status_code
    answers["admin pages"] = administrator.get("/admin/pages/", follow=True).status_code
    return answers


def _still_usable() -> dict:
    """What a release-one row needs besides being there: every revision still opens as its page or
    object (the editor's history, comparing, reverting), every job waiting for the worker still names a
    task today's code has."""
    from django.utils.module_loading import import_string
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import Revision

    broken_revisions = []
    for revision in Revision.objects.order_by("pk").iterator():
        try:
            revision.as_object()
        except Exception as error:  # noqa: BLE001 (any failure is the finding)
            broken_revisions.append([revision.pk, repr(error)[:200]])
    unknown_tasks = []
    for pk, path in DBTaskResult.objects.filter(status="READY").values_list("pk", "task_path"):
        try:
            import_string(path)
        except ImportError:
            unknown_tasks.append([str(pk), path])
    return {
        "revisions": Revision.objects.count(),
        "broken revisions": broken_revisions,
        "waiting jobs": DBTaskResult.objects.filter(status="READY").count(),
        "unknown tasks": unknown_tasks,
    }


def main() -> None:
    _setup()
    from django.contrib.auth import get_user_model

    checks = json.load(sys.stdin)
    deciders = _deciders()
    users = get_user_model().objects.in_bulk()
    refused = []
    for user_id, right, key in checks["rights"]:
        user = users[user_id]
        if not deciders[right](user, key):
            refused.append([user_id, right, key])
    answers = {"refused": refused, "checked": len(checks["rights"]), "pages": _pages(checks["pages"])}
    json.dump({**answers, "usable": _still_usable()}, sys.stdout)


if __name__ == "__main__":
    main()
