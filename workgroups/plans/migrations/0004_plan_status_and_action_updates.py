"""Plans get a status (draft / published) and actions a dated history of their updates.

Every plan of the first release is published (the field's default), with its last change as its
publication date, so who sees it does not change. Every action that had moved (a status other than
"planned" or a value) starts its history with one update: its current status and value on the day it
last changed.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def publish_and_start_histories(apps, schema_editor):
    ActionPlan = apps.get_model("plans", "ActionPlan")
    Action = apps.get_model("plans", "Action")
    ActionUpdate = apps.get_model("plans", "ActionUpdate")
    ActionPlan.objects.filter(published_at__isnull=True).update(published_at=models.F("updated_at"))
    moved = Action.objects.exclude(status="planned", current_value__isnull=True)
    ActionUpdate.objects.bulk_create(
        ActionUpdate(
            action_id=action.pk, measured_on=action.updated_at.date(), status=action.status,
            value=action.current_value, created_at=action.updated_at,
        )  # fmt: skip
        for action in moved.iterator()
    )


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0003_club_models_moved_to_clubs'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='actionplan',
            name='published_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='published'),
        ),
        migrations.AddField(
            model_name='actionplan',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('published', 'Published')], default='published', max_length=10, verbose_name='status'),
        ),
        migrations.CreateModel(
            name='ActionUpdate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('measured_on', models.DateField(default=django.utils.timezone.localdate, verbose_name='date')),
                ('status', models.CharField(choices=[('planned', 'Planned'), ('in_progress', 'In progress'), ('done', 'Done'), ('on_hold', 'On hold'), ('dropped', 'Dropped')], max_length=12, verbose_name='status')),
                ('value', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='value')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded')),
                ('action', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='updates', to='plans.action', verbose_name='action')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
            ],
            options={
                'verbose_name': 'action update',
                'verbose_name_plural': 'action updates',
                'ordering': ['action', 'measured_on', 'created_at'],
            },
        ),
        migrations.RunPython(publish_and_start_histories, migrations.RunPython.noop),
    ]
