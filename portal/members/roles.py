"""Which Django permissions each cluster role carries.

Other apps add their own models' permissions from their AppConfig.ready(), so
the members directory never needs to know them.
"""

from .models import PersonRole, Role

ROLE_GROUP_NAMES = {
    PersonRole.ADMINISTRATOR: "Administrateurs du pôle",
    PersonRole.COORDINATOR: "Coordinateurs d'axe",
    PersonRole.ORGANISER: "Organisateurs",  # the exchange organisers (the first release's organisers' group)
    Role.ANIMATOR: "Animateurs de club",
}

# The group a role assignment puts its holder in (whatever its scope): a person holding any
# assignment of a role is in that role's group; each app's permissions.py then narrows every list
# and form to the person's scopes.
ASSIGNMENT_GROUP_ROLES = {
    Role.ADMINISTRATOR: PersonRole.ADMINISTRATOR,
    Role.COORDINATOR: PersonRole.COORDINATOR,
    Role.ANIMATOR: Role.ANIMATOR,
    Role.EXCHANGE_ORGANISER: PersonRole.ORGANISER,
}

_CRUD = ("add", "change", "delete", "view")

ROLE_PERMISSIONS: dict = {
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


class _Including:
    """A group's permissions that include another group's, as they are when the groups are made:
    iterating gives both; `update` (an app's grant) adds to this group's own."""

    def __init__(self, included: set[str]):
        self.own: set[str] = set()
        self.included = included

    def update(self, names) -> None:
        self.own.update(names)

    def __iter__(self):
        return iter(self.own | self.included)


# Club animators had the first release's organisers' group: their own group keeps everything granted
# to the organisers (the exchange's sessions of their clubs, the clubs' plans…) and adds what only
# animators do (their clubs' boards, prospects, surveys, imports), so an exchange organiser no longer
# gets the clubs' screens. A data migration (clubs 0004) moved the people.
ROLE_PERMISSIONS[Role.ANIMATOR] = _Including(ROLE_PERMISSIONS[PersonRole.ORGANISER])


def grant(role: str, *permission_names: str) -> None:
    """Called by an app at start-up: `grant(PersonRole.ADMINISTRATOR, "workgroups.add_axis")`."""
    ROLE_PERMISSIONS[role].update(permission_names)


def crud(app_label: str, model: str) -> list[str]:
    return [f"{app_label}.{action}_{model}" for action in _CRUD]
