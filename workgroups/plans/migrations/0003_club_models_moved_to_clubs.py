"""ActionPlan.club, CommonIssue.club and CommonIssue.survey follow the club models to the clubs app
(state only: the tables stay)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clubs', '0001_initial'),
        ('plans', '0002_rename_tables_and_content_types'),
    ]

    operations = [
        # The tables stay where they are (renamed by clubs.0002): only Django's picture of them changes.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='actionplan',
                    name='club',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='action_plans', to='clubs.club', verbose_name='club'),
                ),
                migrations.AlterField(
                    model_name='commonissue',
                    name='club',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='common_issues', to='clubs.club', verbose_name='club'),
                ),
                migrations.AlterField(
                    model_name='commonissue',
                    name='survey',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='common_issues', to='clubs.survey', verbose_name='raised by the survey'),
                ),
            ],
        ),
    ]
