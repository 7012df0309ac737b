"""The club foreign keys follow the Club model to the clubs app (state only: the tables stay)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clubs', '0001_initial'),
        ('exchange', '0001_bourse_d_echanges'),
    ]

    operations = [
        # The tables stay where they are (renamed by clubs.0002): only Django's picture of them changes.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='exchangeobjective',
                    name='club',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='exchange_objectives', to='clubs.club', verbose_name='club'),
                ),
                migrations.AlterField(
                    model_name='exchangesession',
                    name='club',
                    field=models.ForeignKey(blank=True, help_text='Leave empty for a session of the cluster itself.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='exchange_sessions', to='clubs.club', verbose_name='club'),
                ),
                migrations.AlterField(
                    model_name='synergy',
                    name='club',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='synergies', to='clubs.club', verbose_name='club'),
                ),
            ],
        ),
    ]
