from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_role_groups(sender, plan=None, **kwargs):
    # The groups need every app's permissions, which Django creates in post_migrate too:
    # so act once, for the last app that receives the signal. `flush` sends post_migrate
    # without a plan: skip it there, or a test database restored from its serialized copy
    # meets groups recreated under other ids (services recreate missing groups on demand).
    from django.apps import apps

    from .services import ensure_role_groups

    if plan is None:
        return
    last_app = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender.label == last_app.label:
        ensure_role_groups()


class MembersConfig(AppConfig):
    name = "portal.members"
    label = "members"
    verbose_name = _("Members directory")

    def ready(self):
        from portal import demo as portal_demo

        from . import demo

        portal_demo.register("members", demo.step, order=10)
        portal_demo.register("roles", demo.roles_step, order=35)  # after the clubs (20) and the axes (30)
        post_migrate.connect(_ensure_role_groups, dispatch_uid="members_role_groups")

        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save, pre_save

        from . import signals

        user_model = get_user_model()
        pre_save.connect(signals.remember_account_state, sender=user_model, dispatch_uid="members_account_before")
        post_save.connect(
            signals.close_sockets_of_an_untrusted_account, sender=user_model, dispatch_uid="members_account_sockets"
        )
        signals.connect_account_logs()

        from . import indexing, privacy, scopes
        from .models import Organisation

        indexing.register()
        privacy.register()  # what the privacy app exports and erases here
        scopes.register(scopes.ScopeKind.ORGANISATION, **scopes.model_source(Organisation))
