"""Moving the action plans out of the workgroups app keeps every row, content type id and group permission.

A cluster running the first release has the plans in workgroups_* tables, under workgroups content types:
the migrations rename both in place.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Transactional: migrations run outside a test transaction. Serialized rollback: the tests after this one
# find the content types and pages the migrations created, as in the rest of the suite.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MOVED = ["actionplan", "action", "commonissue"]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # the applied migrations changed: reload before reading the state
    return executor


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def test_rows_content_types_and_permissions_survive_the_move_and_first_release_plans_stay_published():
    """One trip back to the first release (a minute of migrations each way) serves both migrations:
    the move to the plans app, then plans.0004 (who sees a plan does not change; an action that had
    moved keeps its value as the first point of its indicator's history)."""
    # Back to the first release: every migration of the move (and after it) unapplied.
    executor = _migrate([("plans", None)])
    try:
        old = executor.loader.project_state(
            [("workgroups", "0003_merge_action_plans_and_change_counter"), ("cms", "0005_event_participation")]
        ).apps
        assert {"workgroups_actionplan", "workgroups_action_partners", "workgroups_commonissue_firms"} <= _tables()
        ContentType = old.get_model("contenttypes", "ContentType")
        Permission, Group = old.get_model("auth", "Permission"), old.get_model("auth", "Group")
        content_types = {
            model: ContentType.objects.get_or_create(app_label="workgroups", model=model)[0].pk for model in MOVED
        }
        permission, _ = Permission.objects.get_or_create(
            content_type_id=content_types["actionplan"], codename="view_actionplan",
            defaults={"name": "Can view action plan"},
        )  # fmt: skip
        readers = Group.objects.create(name="Lecteurs des plans")
        readers.permissions.add(permission)

        Organisation = old.get_model("members", "Organisation")
        pilot = Organisation.objects.create(name="Conserverie", slug="conserverie", kind="cooperative")
        partner = Organisation.objects.create(name="Fromagerie", slug="fromagerie", kind="cooperative")
        plan = old.get_model("workgroups", "ActionPlan").objects.create(
            title="Plan économique participatif", slug="plan-participatif", scope="process"
        )
        action = old.get_model("workgroups", "Action").objects.create(
            plan=plan, position=1, title="Légumerie partagée", pilot=pilot, status="in_progress"
        )
        action.partners.add(partner)
        issue = old.get_model("workgroups", "CommonIssue").objects.create(title="Déchets", status="open")
        issue.firms.add(pilot, partner)

        # Moved, just before plans.0004: plans of that time, one private, an action that had moved.
        executor = _migrate([("plans", "0003_club_models_moved_to_clubs")])
        moved_state = executor.loader.project_state([("plans", "0003_club_models_moved_to_clubs")]).apps
        Plan, OldAction = moved_state.get_model("plans", "ActionPlan"), moved_state.get_model("plans", "Action")
        public = Plan.objects.create(title="Plan public", slug="plan-public-0004", scope="process")
        private = Plan.objects.create(title="Plan privé", slug="plan-prive-0004", scope="process", is_public=False)
        moved = OldAction.objects.create(plan=public, title="Navette", status="in_progress", target_value=100,
                                         current_value=40)  # fmt: skip
        untouched = OldAction.objects.create(plan=public, title="Vélos", status="planned")
    finally:
        _migrate(_latest())

    tables = _tables()
    assert {"plans_actionplan", "plans_action", "plans_action_partners", "plans_commonissue"} <= tables
    assert "plans_commonissue_firms" in tables
    assert not {table for table in tables if table.startswith("workgroups_") and "action" in table}

    from django.contrib.auth.models import Group as CurrentGroup
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    from workgroups.plans.models import Action, ActionPlan, CommonIssue

    # Read from the table, not ContentType's cache: clearing that cache would make the next serialized
    # test re-create content types it believes missing.
    moved_types = dict(CurrentContentType.objects.filter(app_label="plans").values_list("model", "pk"))
    for model_class in (ActionPlan, Action, CommonIssue):
        model = model_class._meta.model_name
        assert moved_types[model] == content_types[model]
        assert not CurrentContentType.objects.filter(app_label="workgroups", model=model).exists()
    moved_plan = ActionPlan.objects.get(slug="plan-participatif")
    assert moved_plan.pk == plan.pk
    moved_action = moved_plan.actions.get()
    assert (moved_action.pk, moved_action.pilot_id) == (action.pk, pilot.pk)
    assert list(moved_action.partners.values_list("pk", flat=True)) == [partner.pk]
    assert set(CommonIssue.objects.get(pk=issue.pk).firms.values_list("pk", flat=True)) == {pilot.pk, partner.pk}
    granted = CurrentGroup.objects.get(name="Lecteurs des plans").permissions.get()
    assert (granted.pk, granted.content_type_id) == (permission.pk, content_types["actionplan"])
    assert granted.content_type.app_label == "plans" and granted.codename == "view_actionplan"
    # New rows still get ids after the renamed tables' own (the sequences follow the columns).
    assert ActionPlan.objects.create(title="Plan suivant", slug="plan-suivant", scope="process").pk > public.pk

    from workgroups.plans.models import PlanStatus

    public_now, private_now = ActionPlan.objects.get(pk=public.pk), ActionPlan.objects.get(pk=private.pk)
    assert public_now.status == private_now.status == PlanStatus.PUBLISHED
    assert public_now.published_at is not None
    assert public_now.is_visible_to_all and not private_now.is_visible_to_all
    history = list(Action.objects.get(pk=moved.pk).updates.values_list("status", "value"))
    assert history == [("in_progress", 40)]
    assert not Action.objects.get(pk=untouched.pk).updates.exists()
