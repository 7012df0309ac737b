"""Reads of the events: calendars, registrations, counts, the attendance sheet."""

import hashlib

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from wagtail.models import Page, Site

from cms.models import AxisPage, ClubPage
from cms.selectors import filter_by_pages, page_scope, visible_to
from workgroups.models import Axis

from .models import EventFeedback, EventIndexPage, EventPage, EventRegistration, EventSeriesPage, RegistrationStatus


def upcoming_events(
    *,
    within: Page | None = None,
    axis: Axis | None = None,
    user=None,
    axis_page: AxisPage | None = None,
    club_page: ClubPage | None = None,
) -> QuerySet[EventPage]:
    """Live events that have not ended, soonest first, that `user` may open (public ones without a user);
    with `axis_page` or `club_page`, only that axis's or club's (cms.selectors.filter_by_pages).

    The occurrences of a series are events like the others; a cancelled date is no longer listed."""
    queryset = (
        EventPage.objects.live()
        .filter(end__gte=timezone.now(), cancelled_at__isnull=True)
        .select_related("feature_image", "axis")
    )
    queryset = visible_to(queryset, user)
    queryset = filter_by_pages(queryset, axis_page=axis_page, club_page=club_page)
    return page_scope(queryset, within=within, axis=axis).order_by("start", "pk")


def past_events(
    *,
    within: Page | None = None,
    axis: Axis | None = None,
    user=None,
    axis_page: AxisPage | None = None,
    club_page: ClubPage | None = None,
) -> QuerySet[EventPage]:
    """The archive: live events that have ended, latest first, with their number of participants
    (filtered as `upcoming_events` is)."""
    queryset = (
        visible_to(EventPage.objects.live(), user)
        .filter(end__lt=timezone.now(), cancelled_at__isnull=True)
        .select_related("feature_image", "axis")
        .annotate(
            participant_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED), distinct=True
            ),
            # Once the organiser recorded who came, those are the participants.
            present_count=Count("registrations", filter=Q(registrations__attended=True), distinct=True),
        )
    )
    queryset = filter_by_pages(queryset, axis_page=axis_page, club_page=club_page)
    return page_scope(queryset, within=within, axis=axis).order_by("-start", "-pk")


def registrations_of(person) -> QuerySet[EventRegistration]:
    """A member's own registrations to live events (cancelled and waiting ones too), with their event."""
    return EventRegistration.objects.filter(person=person, event__live=True).select_related("event")


def confirmed_registrations(event: EventPage) -> QuerySet[EventRegistration]:
    return EventRegistration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).order_by("name", "pk")


def registration_counts(event: EventPage) -> dict:
    rows = dict(
        EventRegistration.objects.filter(event=event)
        .exclude(status=RegistrationStatus.CANCELLED)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    confirmed = rows.get(RegistrationStatus.CONFIRMED, 0)
    waiting = rows.get(RegistrationStatus.WAITING, 0)
    places_left = None if event.capacity is None else max(event.capacity - confirmed, 0)
    present = EventRegistration.objects.filter(event=event, attended=True).count() if event.end < timezone.now() else 0
    return {"confirmed": confirmed, "waiting": waiting, "places_left": places_left, "present": present}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def registration_by_token(token: str) -> EventRegistration | None:
    """The registration a cancellation link points to (only the token's hash is stored)."""
    if not token:
        return None
    return EventRegistration.objects.select_related("event").filter(cancel_token_hash=token_hash(token)).first()


def registration_of_event(event: EventPage, pk) -> EventRegistration | None:
    if not pk:
        return None
    return EventRegistration.objects.filter(event=event, pk=pk).first()


def waiting_position(registration: EventRegistration) -> int | None:
    """1 for the first person on the waiting list; None when not waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = EventRegistration.objects.filter(event_id=registration.event_id, status=RegistrationStatus.WAITING).filter(
        Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def attendance_registrations(event: EventPage) -> QuerySet[EventRegistration]:
    """Who comes (confirmed) then who waits, in order of registration: the attendance sheet."""
    return (
        EventRegistration.objects.filter(
            event=event, status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
        )
        .select_related("person__user")
        .order_by("status", "created_at", "pk")  # "confirmed" sorts before "waiting"
    )


def series_occurrences(series: EventSeriesPage, *, user=None) -> QuerySet[EventPage]:
    """The coming dates of a series (cancelled ones too, marked on the page), soonest first."""
    queryset = EventPage.objects.live().child_of(series).filter(end__gte=timezone.now())
    return visible_to(queryset, user).order_by("start", "pk")


def other_dates(event: EventPage) -> QuerySet[EventPage]:
    """Where the registrations of a cancelled date may move: the series' other coming dates still open."""
    if event.series_id is None:
        return EventPage.objects.none()
    return (
        EventPage.objects.live()
        .filter(series_id=event.series_id, start__gt=timezone.now(), cancelled_at__isnull=True, registration_open=True)
        .exclude(pk=event.pk)
        .order_by("start", "pk")
    )


def feedback_summary(event: EventPage) -> dict:
    """What the organisers read of the questionnaire: answers, averages, distributions, comments."""
    answers = EventFeedback.objects.filter(event=event)
    totals = answers.aggregate(
        count=Count("pk"),
        satisfaction=Avg("satisfaction"),
        usefulness=Avg("usefulness"),
        would_return=Count("pk", filter=Q(would_return=True)),
    )
    participants = confirmed_registrations(event).exclude(attended=False).count()

    def distribution(field):
        counts = dict(answers.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
        return [{"score": score, "count": counts.get(score, 0)} for score in range(5, 0, -1)]

    return {
        **totals,
        "participants": participants,
        "satisfaction_distribution": distribution("satisfaction"),
        "usefulness_distribution": distribution("usefulness"),
        "comments": list(answers.exclude(comment="").values_list("comment", flat=True)),
    }


def exchange_calendar(session) -> EventIndexPage | None:
    """Where a Bourse d'échanges goes on the agenda: its club page's calendar, else the site's own."""
    from cms.models import ClubPage

    if session.club_id is not None:
        club_page = ClubPage.objects.filter(club_id=session.club_id).first()
        if club_page is not None:
            calendar = EventIndexPage.objects.child_of(club_page).first()
            if calendar is not None:
                return calendar
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        calendar = EventIndexPage.objects.child_of(site.root_page).first()
        if calendar is not None:
            return calendar
    return EventIndexPage.objects.order_by("depth", "path").first()
