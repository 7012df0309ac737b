"""The club tables take the clubs app's names (members_club → clubs_club, and the club's other-zones
table with it), and the content types of the moved models change app in place: same ids, so the
group permissions, Wagtail's log entries and revisions that point at them follow."""

from django.db import migrations

MOVED_MODELS = [
    "club",
    "clubboardmember",
    "clubstagechange",
    "firmimport",
    "growthtarget",
    "prospectcontact",
    "survey",
    "surveyanswer",
    "surveyinvitation",
    "surveyresponse",
]


def _move_content_types(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    moving = content_types.filter(app_label=source, model__in=MOVED_MODELS)
    # A content type already under the target app was made by a post_migrate while the models were
    # on the other side (this migration undone, then done again): the original one wins, since the
    # granted permissions, log entries and revisions point at it; the newer duplicate goes, with the
    # permissions made for it (the role groups get theirs back on the original at post_migrate).
    content_types.filter(app_label=target, model__in=list(moving.values_list("model", flat=True))).delete()
    moving.update(app_label=target)


def content_types_to_clubs(apps, schema_editor):
    _move_content_types(apps, schema_editor, "members", "clubs")


def content_types_back_to_members(apps, schema_editor):
    _move_content_types(apps, schema_editor, "clubs", "members")


class Migration(migrations.Migration):

    dependencies = [
        ('clubs', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('members', '0004_club_models_moved_to_clubs'),
    ]

    operations = [
        migrations.RunPython(content_types_to_clubs, content_types_back_to_members),
        migrations.AlterModelTable(
            name='club',
            table=None,
        ),
        migrations.AlterModelTable(
            name='clubboardmember',
            table=None,
        ),
        migrations.AlterModelTable(
            name='clubstagechange',
            table=None,
        ),
        migrations.AlterModelTable(
            name='firmimport',
            table=None,
        ),
        migrations.AlterModelTable(
            name='growthtarget',
            table=None,
        ),
        migrations.AlterModelTable(
            name='prospectcontact',
            table=None,
        ),
        migrations.AlterModelTable(
            name='survey',
            table=None,
        ),
        migrations.AlterModelTable(
            name='surveyanswer',
            table=None,
        ),
        migrations.AlterModelTable(
            name='surveyinvitation',
            table=None,
        ),
        migrations.AlterModelTable(
            name='surveyresponse',
            table=None,
        ),
    ]
