"""ClubPage.club and SurveyResultsPage.survey follow the club models to the clubs app (state only:
the tables stay); the results pages get a related name so the clubs find a survey's page."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clubs', '0001_initial'),
        ('cms', '0007_move_events_to_events_app'),
    ]

    operations = [
        # The tables stay where they are (renamed by clubs.0002): only Django's picture of them changes.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='clubpage',
                    name='club',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='page', to='clubs.club', verbose_name='club'),
                ),
                migrations.AlterField(
                    model_name='surveyresultspage',
                    name='survey',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='results_pages', to='clubs.survey', verbose_name='survey'),
                ),
            ],
        ),
    ]
