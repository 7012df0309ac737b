"""Club animators get a group of their own ("Animateurs de club"), apart from the exchange organisers'
("Organisateurs", the first release's organisers' group, which both shared until now).

Every person holding an animator assignment joins the animators' group, which holds everything the
organisers' group holds plus the clubs' screens (portal/members/roles.py); a person holding no
exchange organiser assignment then leaves the organisers' group. Nobody loses a right: the groups'
permissions are set right after migrating (members' post_migrate, ensure_role_groups).
"""

from django.conf import settings
from django.db import migrations

ANIMATORS = "Animateurs de club"
ORGANISERS = "Organisateurs"


def _user_groups(apps):
    app_label, model_name = settings.AUTH_USER_MODEL.split(".")
    return apps.get_model(app_label, model_name).groups.through


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    RoleAssignment = apps.get_model("members", "RoleAssignment")
    UserGroups = _user_groups(apps)

    holders = RoleAssignment.objects.values_list("person__user_id", flat=True)
    animators = set(holders.filter(role="animator"))
    exchange_organisers = set(holders.filter(role="exchange_organiser"))
    group, _created = Group.objects.get_or_create(name=ANIMATORS)
    already = set(UserGroups.objects.filter(group_id=group.pk).values_list("user_id", flat=True))
    UserGroups.objects.bulk_create(
        [UserGroups(user_id=user_id, group_id=group.pk) for user_id in sorted(animators - already)], batch_size=1000
    )
    organisers = Group.objects.filter(name=ORGANISERS).first()
    if organisers is not None:
        UserGroups.objects.filter(group_id=organisers.pk, user_id__in=animators - exchange_organisers).delete()


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    UserGroups = _user_groups(apps)
    group = Group.objects.filter(name=ANIMATORS).first()
    if group is None:
        return
    organisers, _created = Group.objects.get_or_create(name=ORGANISERS)
    animators = set(UserGroups.objects.filter(group_id=group.pk).values_list("user_id", flat=True))
    already = set(UserGroups.objects.filter(group_id=organisers.pk).values_list("user_id", flat=True))
    UserGroups.objects.bulk_create(
        [UserGroups(user_id=user_id, group_id=organisers.pk) for user_id in sorted(animators - already)]
    )
    # The group itself stays (empty): other apps' rows may point at it (Wagtail's permissions).
    UserGroups.objects.filter(group_id=group.pk).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clubs", "0003_firm_import_register_summary"),
        ("members", "0006_role_assignments_from_person_role"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
