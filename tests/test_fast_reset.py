"""The fast reset between transactional tests (tests/fast_reset.py) leaves the database as Django's own
flush and post_migrate would: the same rows in the same tables, whatever the test added, content types
and permissions included. Only the ids of the copied rows differ (those of the first post_migrate)."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.test import TransactionTestCase

from tests import fast_reset
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _contents() -> dict[str, list]:
    """Every row of every model that has some, keyed by model, ids replaced by what they point to
    (a content type by its app and model, a permission by its codename and content type)."""

    def content_type(pk):
        row = ContentType.objects.values_list("app_label", "model").get(pk=pk)
        return tuple(row)

    def permission(pk):
        codename, content_type_id = Permission.objects.values_list("codename", "content_type_id").get(pk=pk)
        return codename, content_type(content_type_id)

    contents = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or not model.objects.exists():
            continue
        rows = []
        for row in model.objects.values():
            for field in model._meta.concrete_fields:
                if field.primary_key and not field.is_relation:
                    row.pop(field.attname)
                elif field.is_relation and field.related_model is ContentType:
                    row[field.attname] = content_type(row[field.attname])
                elif field.is_relation and field.related_model is Permission:
                    row[field.attname] = permission(row[field.attname])
                elif field.is_relation and row[field.attname] is not None:
                    pytest.fail(f"{model._meta.label} points to {field.related_model._meta.label}: compare it too")
            rows.append(sorted(row.items(), key=lambda item: item[0]))
        contents[model._meta.label] = sorted(rows, key=repr)
    return contents


def _django_flush_and_post_migrate() -> None:
    """Django's own flush of every table, then post_migrate, without tests/fast_reset.py."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    statements = fast_reset._original_sql_flush(connection.ops, no_style(), tables)
    connection.ops.execute_sql_flush(statements)
    fast_reset._original_emit_post_migrate(0, False, "default")
    ContentType.objects.clear_cache()


class _PlainTransactionalTest(TransactionTestCase):
    """What pytest-django makes of a test marked django_db(transaction=True)."""


def _fast_flush() -> None:
    """What follows a plain transactional test, with tests/fast_reset.py in place."""
    _PlainTransactionalTest(methodName="__init__")._fixture_teardown()


def _a_test_leaves_rows_behind() -> None:
    """Rows a test may leave: people, a group, and a content type and permission for no model."""
    UserFactory()
    OrganisationFactory()
    ghost = ContentType.objects.create(app_label="members", model="ghost")
    Permission.objects.create(content_type=ghost, codename="haunt_ghost", name="Can haunt ghost")
    Group.objects.create(name="Ghost hunters").permissions.add(Permission.objects.get(codename="add_group"))
    # A permission of a real model deleted, another renamed: post_migrate's rows come back.
    Permission.objects.filter(codename="change_group").delete()
    Permission.objects.filter(codename="view_group").update(name="Can peek at group")


def test_the_fast_reset_leaves_what_django_flush_and_post_migrate_leave():
    # A serialized test before this one leaves every table empty (its flush skips post_migrate).
    _django_flush_and_post_migrate()
    _a_test_leaves_rows_behind()
    _django_flush_and_post_migrate()
    expected = _contents()
    assert expected["contenttypes.ContentType"], "post_migrate made content types"
    assert expected["auth.Permission"], "post_migrate made permissions"

    for _ in range(2):  # the first may be the one that runs post_migrate and keeps its rows
        _a_test_leaves_rows_behind()
        _fast_flush()
        assert _contents() == expected
    # A test that changed none of post_migrate's rows (their tables are then left as they are).
    UserFactory()
    _fast_flush()
    assert _contents() == expected
    # Django's flush command, which the first reset of a process runs.
    _a_test_leaves_rows_behind()
    call_command("flush", verbosity=0, interactive=False, database="default", reset_sequences=False)
    assert _contents() == expected


def test_after_the_fast_reset_content_types_and_permissions_are_usable():
    _django_flush_and_post_migrate()
    _a_test_leaves_rows_behind()
    _fast_flush()
    _a_test_leaves_rows_behind()
    _fast_flush()
    # The process's cache of content types was emptied with the rows: lookups find the copied rows.
    group_type = ContentType.objects.get_for_model(Group)
    assert ContentType.objects.get(app_label="auth", model="group").pk == group_type.pk
    assert Permission.objects.get(codename="change_group").content_type_id == group_type.pk
    assert not ContentType.objects.filter(model="ghost").exists()
    # New rows get ids past the copied ones.
    created = ContentType.objects.create(app_label="members", model="ghost")
    assert created.pk > ContentType.objects.exclude(pk=created.pk).order_by("-pk").first().pk


def test_the_schema_has_no_trigger_that_emptying_without_reference_checks_would_skip():
    """The reset deletes with PostgreSQL's foreign-key checks off (session_replication_role), which
    also turns off any trigger of the schema's own: a trigger added one day must be thought about there."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
        assert cursor.fetchall() == []
