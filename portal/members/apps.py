from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_role_groups(sender, **kwargs):
    # Permissions exist only once every app has migrated, hence post_migrate rather than a migration.
    from .services import ensure_role_groups

    ensure_role_groups()


class MembersConfig(AppConfig):
    name = "portal.members"
    label = "members"
    verbose_name = _("Members directory")

    def ready(self):
        post_migrate.connect(_ensure_role_groups, sender=self, dispatch_uid="members_role_groups")
