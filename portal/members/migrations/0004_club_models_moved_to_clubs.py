"""The club models moved to the clubs app (portal/clubs/migrations/0001_initial.py): members lets go
of them in Django's state only; their tables and rows stay (clubs.0002 renames the tables)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clubs', '0001_initial'),
        ('cms', '0008_club_models_moved_to_clubs'),
        ('exchange', '0002_club_models_moved_to_clubs'),
        ('members', '0003_survey_link_emailed_at'),
        ('newsletters', '0002_club_models_moved_to_clubs'),
        ('plans', '0003_club_models_moved_to_clubs'),
        ('workgroups', '0005_club_models_moved_to_clubs'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='membership',
                    name='club',
                    field=models.ForeignKey(blank=True, help_text='Leave empty for a membership of the cluster itself.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='clubs.club', verbose_name='club'),
                ),
                # Children before parents: a model still referenced cannot leave the state.
                migrations.DeleteModel(name='SurveyAnswer'),
                migrations.DeleteModel(name='SurveyResponse'),
                migrations.DeleteModel(name='SurveyInvitation'),
                migrations.DeleteModel(name='Survey'),
                migrations.DeleteModel(name='FirmImport'),
                migrations.DeleteModel(name='GrowthTarget'),
                migrations.DeleteModel(name='ProspectContact'),
                migrations.DeleteModel(name='ClubBoardMember'),
                migrations.DeleteModel(name='ClubStageChange'),
                migrations.DeleteModel(name='Club'),
            ],
        ),
    ]
