"""What the clubs' campaigns may invite firms to from the agenda: an event, or a Bourse d'échanges
session (through its page on the agenda, where firms register). Registered with portal.clubs.invitations
from the app's ready(); the registrations tell the campaign in services.py (an explicit call)."""

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.clubs import invitations
from portal.clubs.models import InvitationKind

CHOICES_LIMIT = 100


def _coming():
    from .models import EventPage

    return EventPage.objects.live().filter(start__gt=timezone.now(), cancelled_at__isnull=True).order_by("start")


def _label(page) -> str:
    return f"{formats.date_format(timezone.localtime(page.start), 'SHORT_DATE_FORMAT')} — {page.title}"


def _invitable(page) -> invitations.Invitable:
    start = timezone.localtime(page.start)
    when = _("On %(date)s, %(place)s.") % {"date": formats.date_format(start, "DATETIME_FORMAT"), "place": page.place}
    return invitations.Invitable(title=page.title, ends_at=page.start, when=when)


def _event_choices(club) -> list[tuple[int, str]]:
    pages = _coming().filter(exchange_session__isnull=True, registration_open=True)[:CHOICES_LIMIT]
    return [(page.pk, _label(page)) for page in pages]


def _event_read(pk: int):
    from .models import EventPage

    page = EventPage.objects.filter(pk=pk, exchange_session__isnull=True).first()
    return _invitable(page) if page is not None else None


def _event_url(pk: int, organisation) -> str:
    from .models import EventPage

    return EventPage.objects.get(pk=pk).get_url()


def _session_choices(club) -> list[tuple[int, str]]:
    # The sessions of the club, or of the whole cluster, published on the agenda.
    pages = _coming().filter(Q(exchange_session__club=club) | Q(exchange_session__club__isnull=True),
                             exchange_session__registrations_open=True)[:CHOICES_LIMIT]  # fmt: skip
    return [(page.exchange_session_id, _label(page)) for page in pages]


def _session_page(pk: int):
    from .models import EventPage

    return EventPage.objects.live().filter(exchange_session_id=pk).order_by("-start").first()


def _session_read(pk: int):
    page = _session_page(pk)
    return _invitable(page) if page is not None else None


def _session_url(pk: int, organisation) -> str:
    return _session_page(pk).get_url()


PAST_EVENTS_LIMIT = 50


def _past_events(club):
    """The club's events that took place (under its page on the site), latest first."""
    from cms.models import ClubPage

    from .models import EventPage

    club_page = ClubPage.objects.filter(club=club).first()
    if club_page is None:
        return EventPage.objects.none()
    return (
        EventPage.objects.live()
        .descendant_of(club_page)
        .filter(start__lt=timezone.now(), cancelled_at__isnull=True, exchange_session__isnull=True)
        .order_by("-start")
    )


def _past_event_choices(club) -> list[tuple[int, str]]:
    return [(page.pk, _label(page)) for page in _past_events(club)[:PAST_EVENTS_LIMIT]]


def _participants(club, pk: int):
    """The firms of the confirmed registrations (the ones that came, once the attendance is taken)."""
    from .models import EventRegistration, RegistrationStatus

    event = _past_events(club).filter(pk=pk).first()
    if event is None:
        return []
    confirmed = EventRegistration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED, organisation__isnull=False
    )
    if confirmed.filter(attended=True).exists():
        confirmed = confirmed.filter(attended=True)
    return confirmed.values_list("organisation_id", flat=True).distinct()


def register() -> None:
    invitations.register_participants(choices=_past_event_choices, organisations=_participants)
    invitations.register(InvitationKind.EVENT, choices=_event_choices, read=_event_read, url_for=_event_url,
                         acted_label=gettext_lazy("Have registered"))  # fmt: skip
    invitations.register(InvitationKind.SESSION, choices=_session_choices, read=_session_read,
                         url_for=_session_url, acted_label=gettext_lazy("Have registered"))  # fmt: skip
