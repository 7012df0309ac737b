from django.apps import AppConfig
from django.db import transaction
from django.utils.translation import gettext_lazy as _


def _roles_changed(person):
    # Inside the grant's or the withdrawal's transaction: the Wagtail groups follow the assignments.
    from . import services

    services.person_editor_groups_sync(person)


def _site_rights_after_migrate(sender, plan=None, **kwargs):
    # Every app's permissions exist once the last app got post_migrate (as for the role groups,
    # portal/members/apps.py): then a cluster upgraded finds each axis's and club's editors, with
    # their collection, made from the assignments. `flush` sends it without a plan: skipped there.
    from django.apps import apps

    from . import services

    if plan is None:
        return
    last_app = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender.label == last_app.label:
        services.site_rights_sync()


def _club_merged(sender, absorbed, into, by, **kwargs):
    # Inside the merger's transaction: the pages follow the clubs, or nothing happens at all.
    from . import services

    services.club_pages_merge(absorbed=absorbed, into=into, by=by)


def _survey_results_public_changed(sender, survey, public, by, **kwargs):
    # Inside the switch's transaction: the public's results page follows the switch, or nothing changes.
    from . import services

    services.survey_results_page_show(survey=survey, public=public, by=by)


def _site_identity_changed(**kwargs):
    # Every process reads the identity again: now, and after the commit (a read in between cached
    # what the transaction saw).
    from . import selectors

    selectors.site_identity_forget()
    transaction.on_commit(selectors.site_identity_forget, robust=True)


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")

    def ready(self):
        from portal import demo as portal_demo

        from . import demo

        portal_demo.register("cms", demo.step, order=70)
        from . import privacy  # what the privacy app exports and erases here

        privacy.register()

        from portal.members.models import PersonRole
        from portal.members.roles import grant

        # The cluster's administrators edit its identity (Settings → Site identity), nobody else.
        grant(PersonRole.ADMINISTRATOR, "cms.change_siteidentity")

        from django.db.models.signals import post_migrate

        from portal.members.scopes import follow_roles

        follow_roles(_roles_changed)
        # After the members' role groups (their app is ready first, so its receiver runs first).
        post_migrate.connect(_site_rights_after_migrate, dispatch_uid="cms_site_rights")

        from portal.clubs.signals import club_merged, survey_results_public_changed

        club_merged.connect(_club_merged, dispatch_uid="cms_club_merged")
        survey_results_public_changed.connect(_survey_results_public_changed, dispatch_uid="cms_survey_results_public")

        from django.db.models.signals import post_delete, post_save

        from .models import SiteIdentity

        for signal in (post_save, post_delete):
            signal.connect(_site_identity_changed, sender=SiteIdentity, dispatch_uid=f"cms_site_identity_{id(signal)}")

        from portal import identity

        from . import selectors

        # The e-mails, exports and privacy policy of the apps below cms name the cluster as set here.
        identity.register(selectors.site_identity)

        from . import indexing, page_cache

        indexing.register()
        page_cache.connect_purges()
