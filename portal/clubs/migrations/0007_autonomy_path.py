"""The path to autonomy: the accompanying person, the planned autonomy date, the checklist (new columns
and a new table: every club keeps its rows and stage). Numbered 0007: prospects2 takes 0006."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clubs', '0005_prospect_files'),
        ('members', '0008_account_email_addresses'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='club',
            name='accompanied_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='accompanied_clubs', to='members.person', verbose_name='accompanying person'),
        ),
        migrations.AddField(
            model_name='club',
            name='autonomy_planned_on',
            field=models.DateField(blank=True, null=True, verbose_name='autonomy planned on'),
        ),
        migrations.CreateModel(
            name='ClubMilestone',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('milestone', models.CharField(choices=[('first_meeting', 'First meeting of the firms held'), ('needs_collected', 'Needs collected'), ('common_actions', 'Common actions chosen'), ('board_elected', 'Board elected'), ('statutes', 'Statutes adopted'), ('fees_collected', 'Membership fees collected'), ('own_budget', 'Own budget voted')], max_length=20, verbose_name='step')),
                ('done_on', models.DateField(verbose_name='done on')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('club', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='milestones', to='clubs.club', verbose_name='club')),
            ],
            options={
                'verbose_name': 'club milestone',
                'verbose_name_plural': 'club milestones',
                'ordering': ['club', 'done_on'],
                'constraints': [models.UniqueConstraint(fields=('club', 'milestone'), name='club_milestone_once')],
            },
        ),
    ]
