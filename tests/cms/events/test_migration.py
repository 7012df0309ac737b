"""The move of the event pages and registrations from `cms` to `events` keeps every row and right.

A database of the first release (cms 0005, workgroups 0003: no events nor plans app) with an event
page feeding an action plan, a registration and a group allowed to change registrations is migrated
forward (the plans move included): the rows are there, under the new tables, with the same content
type ids, the event still feeds its plan, and the group keeps its permission.
"""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The first release: what a running cluster has before #14's moves of the events and the plans.
FIRST_RELEASE = [("cms", "0005_event_participation"), ("workgroups", "0003_merge_action_plans_and_change_counter")]
BEFORE = [("events", None), ("plans", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _latest(executor):
    return executor.loader.graph.leaf_nodes()


# serialized_rollback: the transactional test's flush empties the content types and the page tree
# that the migrations made; they are restored for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_events_move_to_their_app_keeping_rows_content_types_and_rights():
    latest = _latest(MigrationExecutor(connection))
    try:
        _check_the_move(latest)
    finally:
        _migrate(latest)  # the tests that follow need the latest schema, whatever happened here


def _check_the_move(latest):
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(FIRST_RELEASE).apps
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    Group = old.get_model("auth", "Group")
    Locale = old.get_model("wagtailcore", "Locale")
    OldEventPage = old.get_model("cms", "EventPage")
    OldEventRegistration = old.get_model("cms", "EventRegistration")

    page_type = ContentType.objects.get(app_label="cms", model="eventpage")
    registration_type = ContentType.objects.get(app_label="cms", model="eventregistration")
    # An earlier transactional test may have emptied the locales that Wagtail's migrations created.
    locale = Locale.objects.first() or Locale.objects.create(language_code=settings.LANGUAGE_CODE)
    start = timezone.now() + datetime.timedelta(days=3)
    plan = old.get_model("workgroups", "ActionPlan").objects.create(
        title="Plan économique participatif", slug="plan-participatif", scope="process"
    )
    page = OldEventPage.objects.create(
        title="Atelier mobilité", draft_title="Atelier mobilité", slug="atelier-mobilite", path="00019999",
        depth=2, numchild=0, url_path="/atelier-mobilite/", content_type=page_type, locale=locale,
        live=True, kind="workshop", start=start, end=start + datetime.timedelta(hours=2), place="Salle 2",
        summary="Un atelier.", capacity=10, action_plan=plan,
    )  # fmt: skip
    registration = OldEventRegistration.objects.create(
        event=page, name="Nadia Berthier", email="nadia@example.org", status="confirmed", cancel_token_hash="a" * 64
    )
    group = Group.objects.create(name="Accueil des événements")
    permission = Permission.objects.get(content_type=registration_type, codename="change_eventregistration")
    group.permissions.add(permission)

    _migrate(latest)

    from django.contrib.auth.models import Group as CurrentGroup
    from django.contrib.contenttypes.models import ContentType as CurrentContentType
    from wagtail.models import Page

    from cms.events.models import EventPage, EventRegistration

    moved_page = EventPage.objects.get(pk=page.pk)
    assert (moved_page.title, moved_page.capacity, moved_page.kind) == ("Atelier mobilité", 10, "workshop")
    assert list(moved_page.action_plan.feeding_events.all()) == [moved_page]  # now a plans.ActionPlan
    assert Page.objects.get(pk=page.pk).specific_class is EventPage  # Wagtail finds the page's type
    moved = EventRegistration.objects.get(pk=registration.pk)
    assert (moved.event_id, moved.email) == (page.pk, "nadia@example.org")
    assert len(moved.badge_code) == 8  # an existing registration gets its badge code (#20)
    # Read from the table, not ContentType's cache (clearing that cache would make the next serialized
    # test's reload create content types before it inserts its own).
    moved_types = dict(CurrentContentType.objects.filter(app_label="events").values_list("model", "pk"))
    assert (moved_types["eventpage"], moved_types["eventregistration"]) == (page_type.pk, registration_type.pk)
    assert not CurrentContentType.objects.filter(app_label="cms", model__startswith="event").exists()
    kept = CurrentGroup.objects.get(pk=group.pk).permissions.get()
    assert (kept.pk, kept.content_type.app_label, kept.codename) == (
        permission.pk,
        "events",
        "change_eventregistration",
    )
    tables = set(connection.introspection.table_names())
    assert {"events_eventindexpage", "events_eventpage", "events_eventregistration"} <= tables
    assert not {"cms_eventindexpage", "cms_eventpage", "cms_eventregistration"} & tables
