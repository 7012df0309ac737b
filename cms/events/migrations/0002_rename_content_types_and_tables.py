"""The moved models' content types are renamed in place (cms → events), so their ids stay: group
permissions, Wagtail page types, revisions and log entries follow. Then the tables take the events
app's names (events_eventpage…)."""

from django.db import migrations

MODELS = ["eventindexpage", "eventpage", "eventregistration"]


def _rename_content_types(apps, schema_editor, *, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    types = ContentType.objects.using(db)
    # A model whose new content type already exists (created by a run of the new code) keeps its old one.
    existing = set(types.filter(app_label=new, model__in=MODELS).values_list("model", flat=True))
    types.filter(app_label=old, model__in=[m for m in MODELS if m not in existing]).update(app_label=new)


def forwards(apps, schema_editor):
    _rename_content_types(apps, schema_editor, old="cms", new="events")


def backwards(apps, schema_editor):
    _rename_content_types(apps, schema_editor, old="events", new="cms")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0001_initial"),
        ("cms", "0007_move_events_to_events_app"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.AlterModelTable(name="eventindexpage", table=None),
        migrations.AlterModelTable(name="eventpage", table=None),
        migrations.AlterModelTable(name="eventregistration", table=None),
    ]
