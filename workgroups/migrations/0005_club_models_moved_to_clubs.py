"""Workgroup.club follows the Club model to the clubs app (state only: the table stays)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clubs', '0001_initial'),
        ('workgroups', '0004_move_action_plans_to_plans_app'),
    ]

    operations = [
        # The tables stay where they are (renamed by clubs.0002): only Django's picture of them changes.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='workgroup',
                    name='club',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='commissions', to='clubs.club', verbose_name='club'),
                ),
            ],
        ),
    ]
