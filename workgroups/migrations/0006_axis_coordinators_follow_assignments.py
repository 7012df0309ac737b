"""Axis.coordinators now follows the coordinator assignments (services.axis_coordinators_follow): make
the two agree on existing rows, nothing lost.

- Someone listed among an axis's coordinators without holding the coordinator role in that axis (the
  first release let an administrator list anyone, whatever their single role; members.0006 turned
  only the people whose role was "coordinator" into coordinators of their axes) is given that
  assignment, logged as granted by nobody (the migration), and joins the coordinators' group: they
  keep reviewing the axis's records and leading its workgroups and plans. Their single role
  (Person.role, kept until it is dropped) says coordinator unless it said administrator.
- Someone holding the coordinator role in an axis without being listed is listed.
"""

from django.db import migrations

COORDINATORS_GROUP = "Coordinateurs d'axe"  # portal.members.roles.ROLE_GROUP_NAMES
RANK = {"member": 0, "organiser": 1, "coordinator": 2, "administrator": 3}


def forwards(apps, schema_editor):
    Axis = apps.get_model("workgroups", "Axis")
    Person = apps.get_model("members", "Person")
    RoleAssignment = apps.get_model("members", "RoleAssignment")
    RoleChange = apps.get_model("members", "RoleChange")
    Group = apps.get_model("auth", "Group")
    Listed = Axis.coordinators.through

    labels = {pk: f"{number}. {title}" for pk, number, title in Axis.objects.values_list("pk", "number", "title")}
    listed = set(Listed.objects.values_list("person_id", "axis_id"))
    held = {
        (person_id, axis_id)
        for person_id, axis_id in RoleAssignment.objects.filter(role="coordinator", scope_kind="axis").values_list(
            "person_id", "scope_id"
        )
        if axis_id in labels
    }

    to_grant = sorted(listed - held)
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(person_id=p, role="coordinator", scope_kind="axis", scope_id=a) for p, a in to_grant],
        ignore_conflicts=True,
    )
    RoleChange.objects.bulk_create(
        [
            RoleChange(
                person_id=p,
                action="granted",
                role="coordinator",
                scope_kind="axis",
                scope_id=a,
                scope_label=labels[a][:255],
            )
            for p, a in to_grant
        ]
    )
    granted_people = {p for p, _a in to_grant}
    if granted_people:
        group, _created = Group.objects.get_or_create(name=COORDINATORS_GROUP)
        for person in Person.objects.filter(pk__in=granted_people).select_related("user"):
            person.user.groups.add(group)
            if RANK.get(person.role, 0) < RANK["coordinator"]:
                person.role = "coordinator"
                person.save(update_fields=["role"])

    Listed.objects.bulk_create(
        [Listed(person_id=p, axis_id=a) for p, a in sorted(held - listed)], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workgroups", "0005_club_models_moved_to_clubs"),
        ("members", "0006_role_assignments_from_person_role"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    # Backwards: both stay as they are (they agree; the assignments are the source from now on).
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
