"""Today's single role (Person.role) becomes role assignments held in scopes, nothing lost.

- administrator → administrator of the cluster;
- coordinator → coordinator of each axis they coordinate (Axis.coordinators); a coordinator of no
  axis keeps the role as coordinator "of the cluster", which names no axis (see the guide,
  docs/administration/03-roles-et-droits.md);
- organiser → animator and exchange organiser of every club, and exchange organiser of the cluster
  (an administrator then narrows them on the roles screen);
- member → member of their organisation (a member with no organisation holds nothing: a member
  held no right beyond being signed in).
Each assignment is logged as granted by nobody (the migration). Person.role is kept for now.
"""

from django.db import migrations

CLUSTER_ID = 0


def forwards(apps, schema_editor):
    Person = apps.get_model("members", "Person")
    RoleAssignment = apps.get_model("members", "RoleAssignment")
    RoleChange = apps.get_model("members", "RoleChange")
    Axis = apps.get_model("workgroups", "Axis")
    Club = apps.get_model("clubs", "Club")

    clubs = list(Club.objects.order_by("pk").values_list("pk", "name"))
    axes = {pk: f"{number}. {title}" for pk, number, title in Axis.objects.values_list("pk", "number", "title")}
    axes_of = {}
    for person_id, axis_id in Axis.coordinators.through.objects.values_list("person_id", "axis_id"):
        axes_of.setdefault(person_id, []).append(axis_id)

    assignments, changes = [], []
    for person in Person.objects.select_related("organisation").order_by("pk"):
        held = []  # (role, scope kind, scope id, scope label)
        if person.role == "administrator":
            held.append(("administrator", "cluster", CLUSTER_ID, "le pôle"))
        elif person.role == "coordinator":
            coordinated = sorted(axes_of.get(person.pk, []))
            held += [("coordinator", "axis", axis_id, axes[axis_id]) for axis_id in coordinated]
            if not coordinated:
                held.append(("coordinator", "cluster", CLUSTER_ID, "le pôle"))
        elif person.role == "organiser":
            held.append(("exchange_organiser", "cluster", CLUSTER_ID, "le pôle"))
            for club_id, name in clubs:
                held += [("animator", "club", club_id, name), ("exchange_organiser", "club", club_id, name)]
        elif person.organisation_id:
            held.append(("member", "organisation", person.organisation_id, person.organisation.name))
        for role, kind, scope_id, label in held:
            assignments.append(RoleAssignment(person_id=person.pk, role=role, scope_kind=kind, scope_id=scope_id))
            changes.append(
                RoleChange(
                    person_id=person.pk,
                    action="granted",
                    role=role,
                    scope_kind=kind,
                    scope_id=scope_id,
                    scope_label=label[:255],
                )
            )
    RoleAssignment.objects.bulk_create(assignments, batch_size=1000, ignore_conflicts=True)
    RoleChange.objects.bulk_create(changes, batch_size=1000)


def backwards(apps, schema_editor):
    # Person.role was kept up to date by the services: dropping the assignments loses nothing it holds.
    apps.get_model("members", "RoleAssignment").objects.all().delete()
    apps.get_model("members", "RoleChange").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_role_assignments"),
        ("workgroups", "0005_club_models_moved_to_clubs"),
        ("clubs", "0002_tables_and_content_types"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
