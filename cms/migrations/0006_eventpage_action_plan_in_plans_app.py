"""The plan an event feeds is now plans.ActionPlan (the same table): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0005_event_participation'),
        ('plans', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='eventpage',
                    name='action_plan',
                    field=models.ForeignKey(blank=True, help_text='For the breakfasts, workshops and assises of a participatory process.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='feeding_events', to='plans.actionplan', verbose_name='action plan it feeds'),
                ),
            ],
            database_operations=[],
        ),
    ]
