"""'carte' is the directory's map (/annuaire/carte/), so no organisation may take it. Before the map, an
organisation named "Carte" could have received it: it moves to the next free 'carte-N' (its row, its
memberships and everything pointing at it stay; only its directory address changes)."""

from django.db import migrations, models

import portal.members.validators

RESERVED = ("carte",)


def move_off_reserved_slugs(apps, schema_editor):
    Organisation = apps.get_model("members", "Organisation")
    for organisation in Organisation.objects.filter(slug__in=RESERVED):
        n = 2
        while Organisation.objects.filter(slug=f"{organisation.slug}-{n}").exists():
            n += 1
        Organisation.objects.filter(pk=organisation.pk).update(slug=f"{organisation.slug}-{n}")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0010_personal_calendar_address"),
    ]

    operations = [
        migrations.RunPython(move_off_reserved_slugs, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="organisation",
            name="slug",
            field=models.SlugField(
                max_length=220,
                unique=True,
                validators=[portal.members.validators.validate_organisation_slug],
                verbose_name="slug",
            ),
        ),
    ]
