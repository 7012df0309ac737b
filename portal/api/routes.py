"""The portal's JSON API, version 1 (django-ninja), mounted at /api/v1/ by portal/urls.py.

Public endpoints read what an anonymous visitor sees on the site; the /me/ endpoints need a
personal token (`Authorization: Bearer ptce_…`) and read as its owner. Each endpoint asks the
owning app's selectors and permissions: no rule is written again here."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage
from ninja import NinjaAPI, Query, Router, Schema, Swagger
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle
from pydantic import Field

from cms import selectors as cms_selectors
from cms.events import selectors as event_selectors
from knowledge import selectors as knowledge_selectors
from knowledge.exchange import selectors as exchange_selectors
from portal.clubs import selectors as club_selectors
from portal.members import selectors as member_selectors
from workgroups import permissions as workgroup_permissions
from workgroups import selectors as workgroup_selectors
from workgroups.models import Workgroup

from . import errors, permissions, schemas, selectors, services
from .pagination import BadCursor, page

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

ERRORS = {400: schemas.Error, 422: schemas.Error, 429: schemas.Error}
AUTH_ERRORS = {**ERRORS, 401: schemas.Error}


class TokenAuth(HttpBearer):
    """A personal token: unknown, revoked, or of a deactivated account → None (ninja answers 401)."""

    def authenticate(self, request, token):
        found = selectors.active_token(token)
        if found is None:
            return None
        if permissions.lacks_second_factor(found.person.user):
            raise errors.ApiError(
                403,
                "two_factor_required",
                _(
                    "Your roles on the portal give access to personal data: set up two-factor authentication "
                    "to go on. It takes two minutes with an authenticator app on your phone."
                ),
            )
        services.token_touch(token=found)
        request.user = found.person.user
        return found


class RateLimit(BaseThrottle):
    """Per token once authenticated, per address otherwise (django-ratelimit, counted in the shared cache)."""

    def allow_request(self, request) -> bool:
        token = getattr(request, "auth", None)
        name = "token" if token is not None else "anonymous"
        rate = settings.PORTAL_API_RATES.get(name)
        if not rate:
            return True

        # Without a token, the address as django-ratelimit finds it for the site's forms (RATELIMIT_IP_META_KEY).
        key = (lambda group, request: f"token:{token.pk}") if token is not None else "ip"
        usage = get_usage(request, group=f"api.{name}", key=key, rate=rate, increment=True)
        self.time_left = usage["time_left"] if usage else None
        return not (usage and usage["should_limit"])

    def wait(self):
        return max(getattr(self, "time_left", 1) or 1, 1)


def _limit_field():
    return Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many items per page (1 to 100).")


def _page(queryset, order, cursor, limit):
    try:
        return page(queryset, order=order, cursor=cursor, limit=limit)
    except BadCursor:
        raise errors.ApiError(
            400, "bad_cursor", _("This cursor is not valid: start again from the first page.")
        ) from None


def _url(request, page_obj) -> str | None:
    return page_obj.get_full_url(request)


api = NinjaAPI(
    title="PTCE Portal API",
    version="1",
    description=(
        "Public reads (events, news, public best practices, the directory, axes, clubs, zones) and, with a "
        "personal token created from your profile, your workgroups, their messages and meetings, your registrations "
        "and your organisation's sheets. Lists page by cursor: give `next_cursor` back as `cursor`. "
        'Errors: `{"error": {"code", "message", "fields"?}}`.'
    ),
    urls_namespace="api",
    # No deep links: Swagger UI puts them as links inside each operation's button (nested controls
    # that screen readers do not announce, axe-core's nested-interactive).
    docs=Swagger(settings={"persistAuthorization": False, "deepLinking": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    throttle=[RateLimit()],
)
errors.install(api)

public = Router(tags=["public"])
mine = Router(tags=["with a token"], auth=TokenAuth())


class ListParams(Schema):
    cursor: str | None = Field(None, description="The `next_cursor` of the previous page.", max_length=500)
    limit: int = _limit_field()


@public.get("/events", response={200: schemas.EventPage, **ERRORS}, summary="Upcoming events")
def events(request, params: Query[ListParams]):
    """Live public events that have not ended, soonest first."""
    items, cursor = _page(event_selectors.upcoming_events(user=None), ("start", "pk"), params.cursor, params.limit)
    results = [
        {
            "id": event.pk,
            "title": event.title,
            "url": _url(request, event),
            "kind": event.kind,
            "start": event.start,
            "end": event.end,
            "place": event.place,
            "address": event.address,
            "summary": event.summary,
            "axis": event.axis.slug if event.axis_id else None,
            "registration_open": event.registration_open,
        }
        for event in items
    ]
    return {"results": results, "next_cursor": cursor}


@public.get("/news", response={200: schemas.NewsPage, **ERRORS}, summary="News")
def news(request, params: Query[ListParams]):
    """Public news, latest first."""
    items, cursor = _page(cms_selectors.latest_news(user=None), ("-date", "-pk"), params.cursor, params.limit)
    results = [
        {
            "id": item.pk,
            "title": item.title,
            "url": _url(request, item),
            "date": item.date,
            "summary": item.summary,
            "axis": item.axis.slug if item.axis_id else None,
            "tags": [tag.slug for tag in item.tags.all()],
        }
        for item in items
    ]
    return {"results": results, "next_cursor": cursor}


@public.get("/best-practices", response={200: schemas.BestPracticePage, **ERRORS}, summary="Public best practices")
def best_practices(request, params: Query[ListParams]):
    """Published best practices open to everyone, latest first (those for members stay on the site)."""
    queryset = knowledge_selectors.visible_best_practices(AnonymousUser())
    items, cursor = _page(queryset, ("-published_at", "-pk"), params.cursor, params.limit)
    results = [
        {
            "slug": record.slug,
            "title": record.title,
            "summary": record.summary,
            "axis": record.axis.slug if record.axis_id else None,
            "organisation": record.organisation.name,
            "published_at": record.published_at,
            "url": request.build_absolute_uri(reverse("knowledge:detail", args=[record.slug])),
        }
        for record in items
    ]
    return {"results": results, "next_cursor": cursor}


@public.get("/organisations", response={200: schemas.OrganisationPage, **ERRORS}, summary="Directory")
def organisations(request, params: Query[ListParams]):
    """Organisations listed in the public directory, by name."""
    items, cursor = _page(member_selectors.public_organisations(), ("name", "pk"), params.cursor, params.limit)
    results = [
        {
            "slug": organisation.slug,
            "name": organisation.name,
            "kind": organisation.kind,
            "commune": organisation.commune,
            "zone": organisation.zone.slug if organisation.zone_id else None,
            "website": organisation.website,
            "description": organisation.description,
        }
        for organisation in items
    ]
    return {"results": results, "next_cursor": cursor}


@public.get("/axes", response={200: schemas.AxisPage, **ERRORS}, summary="Thematic axes")
def axes(request, params: Query[ListParams]):
    items, cursor = _page(workgroup_selectors.axes(), ("number", "pk"), params.cursor, params.limit)
    results = [
        {"number": axis.number, "slug": axis.slug, "title": axis.title, "summary": axis.summary, "colour": axis.colour}
        for axis in items
    ]
    return {"results": results, "next_cursor": cursor}


@public.get("/clubs", response={200: schemas.ClubPage, **ERRORS}, summary="Clubs")
def clubs(request, params: Query[ListParams]):
    """Clubs still running (merged ones are left out), by name."""
    items, cursor = _page(club_selectors.active_clubs(), ("name", "pk"), params.cursor, params.limit)
    results = [
        {
            "slug": club.slug,
            "name": club.name,
            "zone": club.zone.slug,
            "stage": club.stage,
            "founded": club.founded,
            "description": club.description,
            "member_count": club.member_count,
        }
        for club in items
    ]
    return {"results": results, "next_cursor": cursor}


@public.get("/zones", response={200: schemas.ZonePage, **ERRORS}, summary="Zones")
def zones(request, params: Query[ListParams]):
    items, cursor = _page(member_selectors.zones_with_counts(), ("name", "pk"), params.cursor, params.limit)
    results = [
        {
            "slug": zone.slug,
            "name": zone.name,
            "commune": zone.commune,
            "description": zone.description,
            "member_count": zone.member_count,
        }
        for zone in items
    ]
    return {"results": results, "next_cursor": cursor}


# --- With a personal token ---------------------------------------------------------------------


@mine.get("/me", response={200: schemas.Me, **AUTH_ERRORS}, summary="The token's owner")
def me(request):
    person = request.auth.person
    return {
        "name": person.user.get_full_name() or person.user.get_username(),
        "email": person.user.email,
        "organisation": person.organisation.name if person.organisation_id else None,
    }


@mine.get("/me/workgroups", response={200: schemas.WorkgroupList, **AUTH_ERRORS}, summary="My workgroups")
def my_workgroups(request):
    """The workgroups I am an active member of, with their unread count, most recent activity first."""
    rows = workgroup_selectors.my_workgroups(request.auth.person)
    results = [
        {
            "slug": row["workgroup"].slug,
            "name": row["workgroup"].name,
            "axis": row["workgroup"].axis.slug if row["workgroup"].axis_id else None,
            "club": row["workgroup"].club.slug if row["workgroup"].club_id else None,
            "last_sequence": row["workgroup"].last_sequence,
            "last_read_sequence": row["membership"].last_read_sequence,
            "unread": row["unread"],
            "url": request.build_absolute_uri(reverse("workgroups:room", args=[row["workgroup"].slug])),
        }
        for row in rows
    ]
    return {"results": results, "next_cursor": None}


class MessageParams(Schema):
    after: int = Field(0, ge=0, le=2**62, description="Messages whose sequence is above this one (0: from the start).")
    limit: int = Field(50, ge=1, le=workgroup_selectors.RESUME_BATCH, description="At most this many (1 to 200).")


@mine.get(
    "/me/workgroups/{slug}/messages",
    response={200: schemas.MessageList, 404: schemas.Error, **AUTH_ERRORS},
    summary="Messages of one of my workgroups",
)
def workgroup_messages(request, slug: str, params: Query[MessageParams]):
    """The messages after a sequence, oldest first. Give `last_read_sequence` of /me/workgroups as `after`
    to read the unread ones. A workgroup I am not an active member of answers 404."""
    workgroup = Workgroup.objects.select_related("axis").filter(slug=slug).first()
    if workgroup is None or not workgroup_permissions.can_read(request.user, workgroup):
        raise Http404
    items = workgroup_selectors.messages_after(workgroup, params.after, limit=params.limit + 1)
    more = len(items) > params.limit
    items = items[: params.limit]
    results = [
        {
            "sequence": message.sequence,
            "author": str(message.author) if message.author_id else None,
            "body": "" if message.removed_at else message.body,
            "created_at": message.created_at,
            "edited_at": message.edited_at,
            "removed": message.removed_at is not None,
            "reply_to": message.reply_to.sequence if message.reply_to_id else None,
        }
        for message in items
    ]
    return {"results": results, "next_after": items[-1].sequence if more else None}


@mine.get("/me/registrations", response={200: schemas.RegistrationPage, **AUTH_ERRORS}, summary="My registrations")
def my_registrations(request, params: Query[ListParams]):
    """My registrations to events, latest first (waiting and cancelled ones too, with their status)."""
    queryset = event_selectors.registrations_of(request.auth.person)
    items, cursor = _page(queryset, ("-created_at", "-pk"), params.cursor, params.limit)
    results = [
        {
            "event": registration.event.title,
            "event_url": _url(request, registration.event),
            "start": registration.event.start,
            "end": registration.event.end,
            "status": registration.status,
            "registered_at": registration.created_at,
        }
        for registration in items
    ]
    return {"results": results, "next_cursor": cursor}


@mine.get("/me/meetings", response={200: schemas.MeetingPage, **AUTH_ERRORS}, summary="My workgroups' meetings")
def my_meetings(request, params: Query[ListParams]):
    """The coming meetings of the workgroups I am an active member of, soonest first."""
    queryset = workgroup_selectors.upcoming_calendar_meetings(request.auth.person)
    items, cursor = _page(queryset, ("starts_at", "pk"), params.cursor, params.limit)
    results = [
        {
            "title": meeting.title,
            "workgroup": meeting.workgroup.slug,
            "workgroup_name": meeting.workgroup.name,
            "starts_at": meeting.starts_at,
            "place": meeting.place,
            "url": request.build_absolute_uri(
                reverse("workgroups:meeting", kwargs={"slug": meeting.workgroup.slug, "meeting_id": meeting.pk})
            ),
        }
        for meeting in items
    ]
    return {"results": results, "next_cursor": cursor}


@mine.get("/me/sheets", response={200: schemas.SheetPage, **AUTH_ERRORS}, summary="My organisation's sheets")
def my_sheets(request, params: Query[ListParams]):
    """The Bourse d'échanges sheets of my organisation, last changed first."""
    queryset = exchange_selectors.visible_sheets(request.user, mine=True)
    items, cursor = _page(queryset, ("-updated_at", "-pk"), params.cursor, params.limit)
    results = [
        {
            "id": sheet.pk,
            "title": sheet.title,
            "direction": sheet.direction,
            "category": sheet.category,
            "status": sheet.status,
            "zone": sheet.zone.slug if sheet.zone_id else None,
            "updated_at": sheet.updated_at,
        }
        for sheet in items
    ]
    return {"results": results, "next_cursor": cursor}


api.add_router("/", public)
api.add_router("/", mine)
