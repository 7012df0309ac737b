"""Reads of the public site: events, news, axis and club pages, registrations, key figures."""

import hashlib

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from wagtail.models import Page, Site

from knowledge import selectors as knowledge_selectors
from knowledge.exchange.models import Synergy, SynergyStatus
from knowledge.models import BestPractice, BestPracticeStatus, Visibility
from portal.members import selectors as member_selectors
from portal.members.models import Person, Zone
from workgroups import selectors as workgroup_selectors
from workgroups.models import Axis, Workgroup

from .models import (
    AxisPage,
    EventIndexPage,
    EventPage,
    EventRegistration,
    NewsIndexPage,
    NewsPage,
    RegistrationStatus,
)

# --- Events ------------------------------------------------------------------------------------


def _scope(queryset: QuerySet, *, within: Page | None, axis: Axis | None) -> QuerySet:
    """Pages under `within` (an axis page, an index) or, for an axis, also those tagged with it."""
    condition = Q()
    if within is not None:
        condition &= Q(path__startswith=within.path)
    if axis is not None:
        condition = (condition | Q(axis=axis)) if within is not None else Q(axis=axis)
    return queryset.filter(condition)


def upcoming_events(*, within: Page | None = None, axis: Axis | None = None) -> QuerySet[EventPage]:
    """Live events that have not ended, soonest first."""
    queryset = EventPage.objects.live().filter(end__gte=timezone.now()).select_related("feature_image", "axis")
    return _scope(queryset, within=within, axis=axis).order_by("start", "pk")


def past_events(*, within: Page | None = None, axis: Axis | None = None) -> QuerySet[EventPage]:
    """The archive: live events that have ended, latest first, with their number of participants."""
    queryset = (
        EventPage.objects.live()
        .filter(end__lt=timezone.now())
        .select_related("feature_image", "axis")
        .annotate(
            participant_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED), distinct=True
            ),
            # Once the organiser recorded who came, those are the participants.
            present_count=Count("registrations", filter=Q(registrations__attended=True), distinct=True),
        )
    )
    return _scope(queryset, within=within, axis=axis).order_by("-start", "-pk")


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


# --- News ---------------------------------------------------------------------------------------


def latest_news(*, within: Page | None = None, axis: Axis | None = None, tag: str = "") -> QuerySet[NewsPage]:
    queryset = NewsPage.objects.live().select_related("feature_image", "axis").prefetch_related("tags")
    queryset = _scope(queryset, within=within, axis=axis)
    if tag:
        queryset = queryset.filter(tags__slug=tag)
    return queryset.order_by("-date", "-first_published_at", "-pk")


# --- Sections of the site -----------------------------------------------------------------------


def site_sections(request) -> dict:
    """The site's top-level news index and events calendar (right under the home page), for the menu.

    Kept on the request: base.html asks on every page.
    """
    cached = getattr(request, "_cms_site_sections", None)
    if cached is not None:
        return cached
    sections = {"news": None, "events": None}
    site = Site.find_for_request(request) if request is not None else None
    if site is not None:
        pages = Page.objects.live().child_of(site.root_page).type(NewsIndexPage, EventIndexPage).order_by("path")
        for page in pages:
            key = "news" if issubclass(page.specific_class, NewsIndexPage) else "events"
            sections[key] = sections[key] or page
    if request is not None:
        request._cms_site_sections = sections
    return sections


def axis_pages_by_axis() -> dict[int, AxisPage]:
    return {page.axis_id: page for page in AxisPage.objects.live().only("pk", "path", "url_path", "axis_id")}


# --- Axis and club pages ------------------------------------------------------------------------


def axis_coordinators(axis: Axis) -> QuerySet[Person]:
    return (
        axis.coordinators.filter(user__is_active=True)
        .select_related("user", "organisation")
        .order_by("user__last_name", "user__first_name")
    )


def axis_workgroups(axis: Axis) -> QuerySet[Workgroup]:
    """The axis's open workgroups (archived ones last), with their member counts."""
    return workgroup_selectors.joinable_workgroups(None).filter(axis=axis)


def axis_best_practices(user, axis: Axis, *, limit: int = 3) -> list[BestPractice]:
    return list(knowledge_selectors.visible_best_practices(user, axis=axis)[:limit])


# --- Key figures --------------------------------------------------------------------------------


def key_figures(member_counts: dict[str, int] | None = None, *, zones=None, axes=None) -> dict[str, int]:
    """Live figures for the home page and the key-figure blocks: never typed in.

    A page that has already read the member counts, zones or axes passes them: no query twice.
    """
    counts = member_counts or member_selectors.membership_counts()
    return {
        "members_total": counts["total"],
        "members_sse": counts["sse"],
        "members_classic": counts["classic"],
        "zones": len(zones) if zones is not None else Zone.objects.count(),
        "axes": len(axes) if axes is not None else Axis.objects.count(),
        "workgroups": Workgroup.objects.filter(is_archived=False).count(),
        "best_practices": BestPractice.objects.filter(
            status=BestPracticeStatus.PUBLISHED, visibility=Visibility.PUBLIC
        ).count(),
        "synergies_this_year": Synergy.objects.filter(
            status=SynergyStatus.IMPLEMENTED, implemented_on__year=timezone.localdate().year
        ).count(),
    }
