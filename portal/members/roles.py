"""Which Django permissions each cluster role carries.

Other apps add their own models' permissions from their AppConfig.ready(), so
the members directory never needs to know them.
"""

from .models import PersonRole, Role

ROLE_GROUP_NAMES = {
    PersonRole.ADMINISTRATOR: "Administrateurs du pôle",
    PersonRole.COORDINATOR: "Coordinateurs d'axe",
    PersonRole.ORGANISER: "Organisateurs",
}

# The group a role assignment puts its holder in (whatever its scope): a person holding any
# assignment of a role is in that role's group. Club animators and exchange organisers share the
# organisers' group until each app's permissions check scopes.
ASSIGNMENT_GROUP_ROLES = {
    Role.ADMINISTRATOR: PersonRole.ADMINISTRATOR,
    Role.COORDINATOR: PersonRole.COORDINATOR,
    Role.ANIMATOR: PersonRole.ORGANISER,
    Role.EXCHANGE_ORGANISER: PersonRole.ORGANISER,
}

_CRUD = ("add", "change", "delete", "view")

ROLE_PERMISSIONS: dict[str, set[str]] = {
    PersonRole.ADMINISTRATOR: {
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        *(f"members.{action}_{model}" for model in ("organisation", "zone", "membership") for action in _CRUD),
        # People join through invitations, which carry a one-time token: the admin only edits or revokes them.
        "members.change_person",
        "members.view_person",
        "members.view_invitation",
        "members.delete_invitation",
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
    },
    PersonRole.COORDINATOR: {
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        *(f"members.view_{model}" for model in ("organisation", "zone", "person")),
    },
    PersonRole.ORGANISER: {
        "wagtailadmin.access_admin",
        "wagtailimages.choose_image",
        *(f"members.view_{model}" for model in ("organisation", "zone", "membership", "person")),
    },
}


def grant(role: str, *permission_names: str) -> None:
    """Called by an app at start-up: `grant(PersonRole.ADMINISTRATOR, "workgroups.add_axis")`."""
    ROLE_PERMISSIONS[role].update(permission_names)


def crud(app_label: str, model: str) -> list[str]:
    return [f"{app_label}.{action}_{model}" for action in _CRUD]
