"""Action plans, actions and common issues now belong to the plans app (workgroups.plans): state only.

The tables stay; plans.0002 renames them. Runs after every migration that points its foreign keys at
the plans app (cms.0006), so no state still refers to the models deleted here.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0006_eventpage_action_plan_in_plans_app'),
        ('plans', '0001_initial'),
        ('workgroups', '0003_merge_action_plans_and_change_counter'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Action'),
                migrations.DeleteModel(name='CommonIssue'),
                migrations.DeleteModel(name='ActionPlan'),
            ],
            database_operations=[],
        ),
    ]
