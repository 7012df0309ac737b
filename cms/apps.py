from django.apps import AppConfig
from django.db import transaction
from django.utils.translation import gettext_lazy as _


def _axis_coordinators_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # workgroups does not know the public site: the site follows its coordinators from here.
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from . import services

    axis_ids = None if reverse else [instance.pk]
    transaction.on_commit(lambda: services.axes_coordination_sync(axis_ids=axis_ids))


def _club_merged(sender, absorbed, into, by, **kwargs):
    # Inside the merger's transaction: the pages follow the clubs, or nothing happens at all.
    from . import services

    services.club_pages_merge(absorbed=absorbed, into=into, by=by)


def _survey_results_public_changed(sender, survey, public, by, **kwargs):
    # Inside the switch's transaction: the public's results page follows the switch, or nothing changes.
    from . import services

    services.survey_results_page_show(survey=survey, public=public, by=by)


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")

    def ready(self):
        from portal import demo as portal_demo

        from . import demo

        portal_demo.register("cms", demo.step, order=70)
        from . import privacy  # what the privacy app exports and erases here

        privacy.register()

        from django.db.models.signals import m2m_changed

        from workgroups.models import Axis

        m2m_changed.connect(
            _axis_coordinators_changed, sender=Axis.coordinators.through, dispatch_uid="cms_axis_coordinators"
        )

        from portal.clubs.signals import club_merged, survey_results_public_changed

        club_merged.connect(_club_merged, dispatch_uid="cms_club_merged")
        survey_results_public_changed.connect(_survey_results_public_changed, dispatch_uid="cms_survey_results_public")

        from . import indexing, page_cache

        indexing.register()
        page_cache.connect_purges()
