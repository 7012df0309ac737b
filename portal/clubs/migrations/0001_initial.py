"""The club models, moved from the members app: their tables, created by members.0001-0003, stay
where they are here (Django's state only); 0002 renames them to clubs_* and moves the content types."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('members', '0003_survey_link_emailed_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are (renamed by clubs.0002): only Django's picture of them changes.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Club',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=150, unique=True, verbose_name='name')),
                        ('slug', models.SlugField(max_length=160, unique=True, verbose_name='slug')),
                        ('founded', models.DateField(blank=True, null=True, verbose_name='founded')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('stage', models.CharField(choices=[('emergence', 'Emergence: raising the interest to group'), ('needs_collected', 'Needs collected'), ('common_actions', 'Common actions chosen'), ('autonomous', 'Autonomous')], default='emergence', max_length=20, verbose_name='stage')),
                        ('stage_since', models.DateField(default=django.utils.timezone.localdate, verbose_name='stage since')),
                        ('merged_on', models.DateField(blank=True, null=True, verbose_name='merged on')),
                        ('merged_into', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='absorbed_clubs', to='clubs.club', verbose_name='merged into')),
                        ('other_zones', models.ManyToManyField(blank=True, help_text='Business parks the club covers besides its main zone (after a merger, for example).', related_name='clubs_also_covering', to='members.zone', verbose_name='other zones covered')),
                        ('zone', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='clubs', to='members.zone', verbose_name='zone')),
                    ],
                    options={
                        'verbose_name': 'club',
                        'verbose_name_plural': 'clubs',
                        'db_table': 'members_club',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='ClubBoardMember',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.CharField(choices=[('president', 'President'), ('vice_president', 'Vice-president'), ('treasurer', 'Treasurer'), ('secretary', 'Secretary'), ('member', 'Board member')], max_length=16, verbose_name='position')),
                        ('since', models.DateField(default=django.utils.timezone.localdate, verbose_name='since')),
                        ('club', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='board', to='clubs.club', verbose_name='club')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='club_board_seats', to='members.person', verbose_name='person')),
                    ],
                    options={
                        'verbose_name': 'board member',
                        'verbose_name_plural': 'board members',
                        'db_table': 'members_clubboardmember',
                        'ordering': ['club', 'position', 'since'],
                    },
                ),
                migrations.CreateModel(
                    name='ClubStageChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('stage', models.CharField(choices=[('emergence', 'Emergence: raising the interest to group'), ('needs_collected', 'Needs collected'), ('common_actions', 'Common actions chosen'), ('autonomous', 'Autonomous')], max_length=20, verbose_name='stage')),
                        ('changed_on', models.DateField(default=django.utils.timezone.localdate, verbose_name='date')),
                        ('club_name', models.CharField(max_length=150, verbose_name='club at the time')),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded')),
                        ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('club', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stage_changes', to='clubs.club', verbose_name='club')),
                    ],
                    options={
                        'verbose_name': 'club stage change',
                        'verbose_name_plural': 'club stage changes',
                        'db_table': 'members_clubstagechange',
                        'ordering': ['club', 'changed_on', 'created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='FirmImport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('filename', models.CharField(max_length=255, verbose_name='file')),
                        ('content', models.BinaryField()),
                        ('mode', models.CharField(choices=[('all_or_nothing', 'Import nothing if a line has an error'), ('good_rows_only', 'Import the correct lines only')], default='all_or_nothing', max_length=16, verbose_name='mode')),
                        ('status', models.CharField(choices=[('queued', 'Waiting to start'), ('running', 'In progress'), ('done', 'Imported'), ('refused', 'Nothing imported: errors in the file'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='status')),
                        ('total_rows', models.PositiveIntegerField(default=0, verbose_name='lines')),
                        ('processed_rows', models.PositiveIntegerField(default=0, verbose_name='lines checked')),
                        ('created_count', models.PositiveIntegerField(default=0, verbose_name='firms created')),
                        ('errors', models.JSONField(blank=True, default=list, verbose_name='errors')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('zone', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='firm_imports', to='members.zone', verbose_name='zone')),
                    ],
                    options={
                        'verbose_name': 'firm import',
                        'verbose_name_plural': 'firm imports',
                        'db_table': 'members_firmimport',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='GrowthTarget',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('target_members', models.PositiveIntegerField(verbose_name='target number of members')),
                        ('zone', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='growth_targets', to='members.zone', verbose_name='zone')),
                    ],
                    options={
                        'verbose_name': 'growth target',
                        'verbose_name_plural': 'growth targets',
                        'db_table': 'members_growthtarget',
                        'ordering': ['zone', '-year'],
                    },
                ),
                migrations.CreateModel(
                    name='ProspectContact',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('invited', 'Invited'), ('called', 'Called'), ('visited', 'Visited'), ('joined', 'Joined'), ('declined', 'Not interested')], max_length=10, verbose_name='contact status')),
                        ('contacted_on', models.DateField(default=django.utils.timezone.localdate, verbose_name='date')),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded')),
                        ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='prospect_contacts', to='members.organisation', verbose_name='organisation')),
                    ],
                    options={
                        'verbose_name': 'prospect contact',
                        'verbose_name_plural': 'prospect contacts',
                        'db_table': 'members_prospectcontact',
                        'ordering': ['-contacted_on', '-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Survey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('introduction', models.TextField(blank=True, verbose_name='introduction')),
                        ('opened_on', models.DateField(default=django.utils.timezone.localdate, verbose_name='opened on')),
                        ('closes_on', models.DateField(help_text='Links stop working after this day.', verbose_name='closes on')),
                        ('results_public', models.BooleanField(default=False, help_text='Show the aggregated results (no firm names) on the site.', verbose_name='results public')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('club', models.ForeignKey(blank=True, help_text='Leave empty for a survey of the whole cluster.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='surveys', to='clubs.club', verbose_name='club')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                    ],
                    options={
                        'verbose_name': 'needs survey',
                        'verbose_name_plural': 'needs surveys',
                        'db_table': 'members_survey',
                        'ordering': ['-opened_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='SurveyInvitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('nonce', models.CharField(editable=False, max_length=32)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('emailed_at', models.DateTimeField(blank=True, null=True, verbose_name='link e-mailed')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='survey_invitations', to='members.organisation', verbose_name='organisation')),
                        ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='clubs.survey', verbose_name='survey')),
                    ],
                    options={
                        'verbose_name': 'survey invitation',
                        'verbose_name_plural': 'survey invitations',
                        'db_table': 'members_surveyinvitation',
                        'ordering': ['survey', 'organisation__name'],
                    },
                ),
                migrations.CreateModel(
                    name='SurveyResponse',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('free_text', models.TextField(blank=True, max_length=3000, verbose_name='other needs or remarks')),
                        ('respondent_name', models.CharField(blank=True, max_length=150, verbose_name='your name')),
                        ('submitted_at', models.DateTimeField(auto_now_add=True, verbose_name='submitted')),
                        ('invitation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='response', to='clubs.surveyinvitation', verbose_name='invitation')),
                        ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='responses', to='clubs.survey', verbose_name='survey')),
                    ],
                    options={
                        'verbose_name': 'survey response',
                        'verbose_name_plural': 'survey responses',
                        'db_table': 'members_surveyresponse',
                        'ordering': ['-submitted_at'],
                    },
                ),
                migrations.CreateModel(
                    name='SurveyAnswer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('problem', models.CharField(choices=[('signage', 'Signage'), ('waste', 'Waste collection'), ('catering', 'Catering'), ('mailbox', 'Mailbox and post'), ('traffic', 'Traffic and parking'), ('security', 'Security'), ('energy', 'Energy'), ('recruitment', 'Recruitment'), ('mobility', 'Staff mobility')], max_length=16, verbose_name='problem')),
                        ('importance', models.PositiveSmallIntegerField(choices=[(1, 'A minor concern'), (2, 'An important problem'), (3, 'An urgent problem')], verbose_name='importance')),
                        ('comment', models.CharField(blank=True, max_length=500, verbose_name='comment')),
                        ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='clubs.survey', verbose_name='survey')),
                        ('response', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='clubs.surveyresponse', verbose_name='response')),
                    ],
                    options={
                        'verbose_name': 'survey answer',
                        'verbose_name_plural': 'survey answers',
                        'db_table': 'members_surveyanswer',
                        'ordering': ['response', 'problem'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='club',
                    constraint=models.CheckConstraint(condition=models.Q(('merged_into', models.F('pk')), _negated=True), name='club_not_merged_into_itself'),
                ),
                migrations.AddConstraint(
                    model_name='growthtarget',
                    constraint=models.UniqueConstraint(fields=('zone', 'year'), name='growth_target_one_per_zone_and_year', violation_error_message='This zone already has a target for this year.'),
                ),
                migrations.AddIndex(
                    model_name='prospectcontact',
                    index=models.Index(fields=['organisation', '-contacted_on', '-created_at'], name='prospect_latest'),
                ),
                migrations.AddConstraint(
                    model_name='survey',
                    constraint=models.CheckConstraint(condition=models.Q(('closes_on__gte', models.F('opened_on'))), name='survey_closes_after_opening', violation_error_message='A survey cannot close before it opens.'),
                ),
                migrations.AddConstraint(
                    model_name='surveyinvitation',
                    constraint=models.UniqueConstraint(fields=('survey', 'organisation'), name='survey_invitation_one_per_firm'),
                ),
                migrations.AddIndex(
                    model_name='surveyanswer',
                    index=models.Index(fields=['survey', 'problem'], name='survey_answer_by_problem'),
                ),
                migrations.AddConstraint(
                    model_name='surveyanswer',
                    constraint=models.UniqueConstraint(fields=('response', 'problem'), name='survey_answer_one_per_problem'),
                ),
            ],
        ),
    ]
