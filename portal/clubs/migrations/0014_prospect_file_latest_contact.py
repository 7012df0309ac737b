"""Each prospect file points at its firm's latest contact (#22). Every firm with a logged contact gets a
file (an empty one: nobody assigned, nothing planned), and every file its latest contact, in the order
the prospect list has always used: the latest date, then the latest recorded, then the latest row."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def point_files_at_latest_contacts(apps, schema_editor):
    ProspectFile = apps.get_model("clubs", "ProspectFile")
    ProspectContact = apps.get_model("clubs", "ProspectContact")
    contacted = set(ProspectContact.objects.order_by().values_list("organisation_id", flat=True).distinct())
    with_file = set(ProspectFile.objects.values_list("organisation_id", flat=True))
    ProspectFile.objects.bulk_create(
        [ProspectFile(organisation_id=organisation_id) for organisation_id in sorted(contacted - with_file)],
        batch_size=1000,
    )
    latest = ProspectContact.objects.filter(organisation_id=OuterRef("organisation_id")).order_by(
        "-contacted_on", "-created_at", "-pk"
    )
    ProspectFile.objects.update(latest_contact=Subquery(latest.values("pk")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ("clubs", "0013_prospecting_objections"),
    ]

    operations = [
        migrations.AddField(
            model_name="prospectfile",
            name="latest_contact",
            field=models.OneToOneField(
                editable=False,
                null=True,
                blank=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="clubs.prospectcontact",
                verbose_name="latest contact",
            ),
        ),
        migrations.RunPython(point_files_at_latest_contacts, migrations.RunPython.noop),
    ]
