"""The action plans move from the workgroups app: their tables already exist under workgroups_* names.

State only; 0002 renames the tables and the content types.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('members', '0003_survey_link_emailed_at'),
        ('workgroups', '0003_merge_action_plans_and_change_counter'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ActionPlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('slug', models.SlugField(max_length=210, unique=True, verbose_name='slug')),
                        ('scope', models.CharField(choices=[('axis', 'Thematic axis'), ('club', 'Business club'), ('process', 'Participatory process')], max_length=8, verbose_name='scope')),
                        ('summary', models.TextField(blank=True, verbose_name='summary')),
                        ('period_start', models.DateField(blank=True, null=True, verbose_name='from')),
                        ('period_end', models.DateField(blank=True, null=True, verbose_name='to')),
                        ('is_public', models.BooleanField(default=True, help_text="Show the plan's progress on the public site.", verbose_name='public')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('axis', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='action_plans', to='workgroups.axis', verbose_name='axis')),
                        ('club', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='action_plans', to='members.club', verbose_name='club')),
                    ],
                    options={
                        'verbose_name': 'action plan',
                        'verbose_name_plural': 'action plans',
                        'db_table': 'workgroups_actionplan',
                        'ordering': ['scope', 'title'],
                    },
                ),
                migrations.CreateModel(
                    name='Action',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('starts_on', models.DateField(blank=True, null=True, verbose_name='start')),
                        ('ends_on', models.DateField(blank=True, null=True, verbose_name='end')),
                        ('budget', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='budget (€)')),
                        ('indicator', models.CharField(blank=True, help_text='e.g. synergies in place', max_length=200, verbose_name='indicator')),
                        ('target_value', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='target')),
                        ('current_value', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='current value')),
                        ('status', models.CharField(choices=[('planned', 'Planned'), ('in_progress', 'In progress'), ('done', 'Done'), ('on_hold', 'On hold'), ('dropped', 'Dropped')], default='planned', max_length=12, verbose_name='status')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('partners', models.ManyToManyField(blank=True, related_name='partner_actions', to='members.organisation', verbose_name='partners')),
                        ('pilot', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='piloted_actions', to='members.organisation', verbose_name='pilot organisation')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='plans.actionplan', verbose_name='plan')),
                    ],
                    options={
                        'verbose_name': 'action',
                        'verbose_name_plural': 'actions',
                        'db_table': 'workgroups_action',
                        'ordering': ['plan', 'position', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='CommonIssue',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='issue')),
                        ('problem', models.CharField(blank=True, choices=[('signage', 'Signage'), ('waste', 'Waste collection'), ('catering', 'Catering'), ('mailbox', 'Mailbox and post'), ('traffic', 'Traffic and parking'), ('security', 'Security'), ('energy', 'Energy'), ('recruitment', 'Recruitment'), ('mobility', 'Staff mobility')], max_length=16, verbose_name='category')),
                        ('status', models.CharField(choices=[('open', 'Raised'), ('in_progress', 'Being handled'), ('resolved', 'Resolved'), ('dropped', 'Dropped')], default='open', max_length=12, verbose_name='status')),
                        ('decisions', models.TextField(blank=True, verbose_name='decisions')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('club', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='common_issues', to='members.club', verbose_name='club')),
                        ('firms', models.ManyToManyField(blank=True, related_name='common_issues', to='members.organisation', verbose_name='firms concerned')),
                        ('survey', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='common_issues', to='members.survey', verbose_name='raised by the survey')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('workgroup', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='common_issues', to='workgroups.workgroup', verbose_name='workgroup handling it')),
                    ],
                    options={
                        'verbose_name': 'common issue',
                        'verbose_name_plural': 'common issues',
                        'db_table': 'workgroups_commonissue',
                        'ordering': ['status', 'title'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='actionplan',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('scope', 'axis'), ('axis__isnull', False), ('club__isnull', True)), models.Q(('scope', 'club'), ('club__isnull', False), ('axis__isnull', True)), models.Q(('scope', 'process'), ('axis__isnull', True), ('club__isnull', True)), _connector='OR'), name='action_plan_scope_matches', violation_error_message='An axis plan needs an axis, a club plan a club, and a participatory process neither.'),
                ),
                migrations.AddConstraint(
                    model_name='action',
                    constraint=models.CheckConstraint(condition=models.Q(('ends_on__isnull', True), ('starts_on__isnull', True), ('ends_on__gte', models.F('starts_on')), _connector='OR'), name='action_ends_after_start', violation_error_message='An action cannot end before it starts.'),
                ),
            ],
            database_operations=[],
        ),
    ]
