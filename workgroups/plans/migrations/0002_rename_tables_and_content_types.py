"""The moved tables take the plans app's names, and the content types follow in place.

Renaming the content types (rather than letting Django create new ones) keeps their ids, so the
groups' permissions on these models and Wagtail's log entries stay attached to them.
"""

from django.db import migrations

MODELS = ["actionplan", "action", "commonissue"]


def _relabel(apps, from_label: str, to_label: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(ContentType.objects.filter(app_label=to_label, model__in=MODELS).values_list("model", flat=True))
    ContentType.objects.filter(app_label=from_label, model__in=set(MODELS) - taken).update(app_label=to_label)


def content_types_to_plans(apps, schema_editor):
    _relabel(apps, "workgroups", "plans")


def content_types_to_workgroups(apps, schema_editor):
    _relabel(apps, "plans", "workgroups")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('plans', '0001_initial'),
        ('workgroups', '0004_move_action_plans_to_plans_app'),
    ]

    operations = [
        migrations.RunPython(content_types_to_plans, content_types_to_workgroups),
        # The many-to-many tables (workgroups_action_partners, workgroups_commonissue_firms) follow.
        migrations.AlterModelTable(name='actionplan', table=None),
        migrations.AlterModelTable(name='action', table=None),
        migrations.AlterModelTable(name='commonissue', table=None),
    ]
