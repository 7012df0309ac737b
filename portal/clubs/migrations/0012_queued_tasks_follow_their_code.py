"""Background jobs a first-release cluster had queued when it was upgraded still run.

Release one queued its firm imports and survey e-mails as `portal.members.tasks.…`; those tasks now live
in `portal.clubs.tasks` (the clubs' own app), and the worker refuses a job whose task it cannot import.
A job still waiting for the worker is pointed at the task's new place; finished ones keep their history.
"""

from django.db import migrations

MOVED = {
    "portal.members.tasks.run_firm_import": "portal.clubs.tasks.run_firm_import",
    "portal.members.tasks.email_survey_links": "portal.clubs.tasks.email_survey_links",
}


def forwards(apps, schema_editor):
    TaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in MOVED.items():
        TaskResult.objects.filter(task_path=old, status="READY").update(task_path=new)


def backwards(apps, schema_editor):
    TaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in MOVED.items():
        TaskResult.objects.filter(task_path=new, status="READY").update(task_path=old)


class Migration(migrations.Migration):
    dependencies = [
        ("clubs", "0011_growth_targets_per_club"),
        ("django_tasks_database", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
