"""The club foreign keys follow the Club model to the clubs app (state only: the tables stay)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clubs', '0001_initial'),
        ('newsletters', '0001_newsletters_deliveries_subscribers'),
    ]

    operations = [
        # The tables stay where they are (renamed by clubs.0002): only Django's picture of them changes.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='newsletter',
                    name='club',
                    field=models.ForeignKey(blank=True, help_text='For the audience “members of a club”.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='clubs.club', verbose_name='club'),
                ),
            ],
        ),
    ]
