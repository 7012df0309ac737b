from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _event_published(sender, instance, **kwargs):
    # A larger capacity frees places: the waiting list moves up at once.
    from . import services

    services.registration_promote_waiting(event=instance)


def _series_published(sender, instance, **kwargs):
    # The occurrences follow the published series (created, moved, deleted: services.series_sync).
    from . import services

    services.series_sync(series=instance)


class EventsConfig(AppConfig):
    name = "cms.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self):
        from wagtail.signals import page_published

        from . import indexing, privacy
        from .models import EventPage, EventSeriesPage

        privacy.register()
        indexing.register()
        from . import process_section  # the events of a participatory process, on its page

        process_section.register()
        from . import campaigns  # the clubs' campaigns may invite firms to an event or a Bourse session

        campaigns.register()
        from knowledge.exchange import followers  # a Bourse session's agenda entry moves or is cancelled with it

        from . import services

        followers.register(
            on_publish=services.exchange_session_publish,
            on_change=services.exchange_session_agenda_follow,
            on_cancel=services.exchange_session_agenda_cancel,
        )
        page_published.connect(_event_published, sender=EventPage, dispatch_uid="events_event_published")
        page_published.connect(_series_published, sender=EventSeriesPage, dispatch_uid="events_series_published")
