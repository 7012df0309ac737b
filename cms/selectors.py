"""Reads of the public site: news, site sections, axis and club pages, key figures (events: cms/events)."""

import contextlib
import hashlib
import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache, caches
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from wagtail.models import Collection, Page, PageViewRestriction, Site

from knowledge import selectors as knowledge_selectors
from knowledge.exchange.models import Synergy, SynergyStatus
from knowledge.models import BestPractice, BestPracticeStatus, Visibility
from portal.members import selectors as member_selectors
from portal.members.models import Person, Zone
from workgroups import selectors as workgroup_selectors
from workgroups.models import Axis, Workgroup

from .models import AxisPage, ClubPage, ContactPage, NewsPage, ScopeEditors, SiteIdentity

# --- Scopes -------------------------------------------------------------------------------------


def page_scope(queryset: QuerySet, *, within: Page | None, axis: Axis | None) -> QuerySet:
    """Pages under `within` (an axis page, an index) or, for an axis, also those tagged with it."""
    condition = Q()
    if within is not None:
        condition &= Q(path__startswith=within.path)
    if axis is not None:
        condition = (condition | Q(axis=axis)) if within is not None else Q(axis=axis)
    return queryset.filter(condition)


def visible_to(queryset: QuerySet, user) -> QuerySet:
    """The pages of `queryset` that `user` may open: only public ones for an anonymous visitor (and for
    what is sent to everyone, user=None); for a signed-in person also those restricted to signed-in
    people or to one of their groups, never the password-protected ones (listed, they would leak)."""
    if user is None or not user.is_authenticated:
        return _public(queryset)
    hidden = PageViewRestriction.objects.exclude(restriction_type=PageViewRestriction.LOGIN)
    if not user.is_superuser:
        hidden = hidden.exclude(restriction_type=PageViewRestriction.GROUPS, groups__in=user.groups.all())
    else:
        hidden = hidden.filter(restriction_type=PageViewRestriction.PASSWORD)
    for restriction in hidden.select_related("page"):
        queryset = queryset.not_descendant_of(restriction.page, inclusive=True)
    return queryset


def _public(queryset: QuerySet) -> QuerySet:
    """Wagtail's `public()` (no page under a view restriction of any kind), the restricted paths read
    from the fragment cache: they change only with a restriction, which purges it."""
    paths = cached_fragment(
        "restricted-paths", lambda: list(PageViewRestriction.objects.values_list("page__path", flat=True))
    )
    if not paths:
        return queryset
    hidden = Q()
    for path in paths:
        hidden |= Q(path__startswith=path)
    return queryset.exclude(hidden)


def view_restriction_ids(page: Page) -> list[int] | None:
    """The ids of the view restrictions on `page` and its ancestors, read from the fragment cache (what
    Wagtail checks before serving a page: two queries otherwise); None when the fragments are off or
    the page is an alias (whose restrictions are its source's: Wagtail's own lookup then)."""
    if not settings.PAGE_FRAGMENT_SECONDS or page.alias_of_id:
        return None
    restrictions = cached_fragment(
        "view-restrictions", lambda: list(PageViewRestriction.objects.values_list("pk", "page__path"))
    )
    return [pk for pk, path in restrictions if page.path.startswith(path)]


# --- Fragments shared by every visitor --------------------------------------------------------------


def cached_fragment(name: str, build, *, stale_at=None):
    """`build()`, kept in the page cache's store for PAGE_FRAGMENT_SECONDS and dropped with it when a
    page is published, unpublished or moved, a restriction or the site changes (its version is part of
    the key): what every visitor's page shows the same, read once a minute instead of on each request.
    PAGE_FRAGMENT_SECONDS=0 builds it each time (the tests, which change data between requests).

    `stale_at(value)`: the moment the value changes by itself, with no publishing (the next events
    shown: when the first of them ends), or None; it is built again once that moment has passed."""
    seconds = settings.PAGE_FRAGMENT_SECONDS
    if not seconds:
        return build()
    from .page_cache import page_cache_version

    store = caches[settings.PAGE_CACHE_ALIAS]
    key = f"fragment:{page_cache_version()}:{name}"
    try:
        value = store.get(key)
    except Exception:  # a cache down must not take the site down with it
        return build()
    if stale_at is not None and value is not None:
        value, moment = value
        if moment is not None and timezone.now() > moment:
            value = None
    if value is None:
        value = build()
        timeout, kept = seconds, value
        if stale_at is not None:
            moment = stale_at(value)
            if moment is not None:
                timeout = min(seconds, math.ceil((moment - timezone.now()).total_seconds()))
            kept = (value, moment)
        if timeout > 0:
            with contextlib.suppress(Exception):  # served anyway; the next request tries to keep it again
                store.set(key, kept, timeout)
    return value


def shares_fragments(request) -> bool:
    """Whether `request` is served the rendered fragments shared by every anonymous visitor: what an
    anonymous visitor sees depends only on the site and the language, never on a session."""
    return bool(settings.PAGE_FRAGMENT_SECONDS) and not request.user.is_authenticated


def shared_html(name: str, request, build) -> str:
    """HTML shared by every anonymous visitor of the site in the request's language: `build()` returns
    (html, the moment it changes by itself or None), kept as a fragment (see cached_fragment)."""
    site = Site.find_for_request(request)
    key = f"html:{name}:{site.pk if site else 0}:{translation.get_language()}"
    built = {}

    def build_and_note():
        html, built["stale_at"] = build()
        return str(html)

    return mark_safe(cached_fragment(key, build_and_note, stale_at=lambda _html: built["stale_at"]))  # noqa: S308 - rendered by our templates


def home_figures() -> dict:
    """What the home page shows the same to everyone and what changes rarely: the axes with their pages,
    the member counts, the zones with theirs and the key figures (seven queries), as one fragment."""

    def build() -> dict:
        axes = list(workgroup_selectors.axes())
        member_counts = member_selectors.membership_counts()
        zones = list(member_selectors.zones_with_counts())
        axis_pages = axis_pages_by_axis()
        return {
            "axes": axes,
            "member_counts": member_counts,
            "zones": zones,
            "axis_cards": [(axis, axis_pages.get(axis.pk)) for axis in axes],
            "key_figures": key_figures(member_counts, zones=zones, axes=axes),
        }

    return cached_fragment("home-figures", build)


# --- Filters of the site-wide news index and agenda --------------------------------------------


@dataclass(frozen=True)
class IndexFilters:
    """The "Axe" and "Club" filters of a site-wide index: the choices, what the query string chose,
    and whether it named something that is not (or no longer) a live page the visitor may open."""

    axes: list = field(default_factory=list)
    clubs: list = field(default_factory=list)
    axis_page: AxisPage | None = None
    club_page: ClubPage | None = None
    unknown: bool = False

    @property
    def active(self) -> bool:
        return self.axis_page is not None or self.club_page is not None

    def chosen(self) -> dict:
        """The keyword arguments of latest_news, upcoming_events and past_events."""
        return {"axis_page": self.axis_page, "club_page": self.club_page}

    def params(self) -> dict:
        """The filters as query-string parameters, for the pagination links."""
        return {
            "axe": self.axis_page.pk if self.axis_page else "",
            "club": self.club_page.pk if self.club_page else "",
        }


def index_filters(params, *, user=None) -> IndexFilters:
    """Reads ?axe=<axis page id>&club=<club page id>. A value that names no live axis or club page
    the user may open is ignored (everything is shown) and flagged `unknown`, never an error."""
    axes = list(visible_to(AxisPage.objects.live(), user).only("pk", "title", "path", "axis_id").order_by("title"))
    clubs = list(visible_to(ClubPage.objects.live(), user).only("pk", "title", "path").order_by("title"))
    chosen, unknown = {}, False
    for name, choices in (("axe", axes), ("club", clubs)):
        raw = (params.get(name) or "").strip()[:20]
        if not raw:
            continue
        chosen[name] = next((page for page in choices if str(page.pk) == raw), None)
        unknown = unknown or chosen[name] is None
    return IndexFilters(
        axes=axes, clubs=clubs, axis_page=chosen.get("axe"), club_page=chosen.get("club"), unknown=unknown
    )


def filter_by_pages(
    queryset: QuerySet, *, axis_page: AxisPage | None = None, club_page: ClubPage | None = None
) -> QuerySet:
    """Pages of an axis (tagged with its axis, or living under its page) and of a club (living under
    its page); both given, the pages of both."""
    if axis_page is not None:
        queryset = queryset.filter(Q(path__startswith=axis_page.path) | Q(axis_id=axis_page.axis_id))
    if club_page is not None:
        queryset = queryset.filter(path__startswith=club_page.path)
    return queryset


# --- News ---------------------------------------------------------------------------------------


def latest_news(
    *,
    within: Page | None = None,
    axis: Axis | None = None,
    tag: str = "",
    user=None,
    axis_page: AxisPage | None = None,
    club_page: ClubPage | None = None,
) -> QuerySet[NewsPage]:
    """Live news, latest first, that `user` may open (public ones only without a user); with
    `axis_page` or `club_page`, only that axis's or club's (see `filter_by_pages`)."""
    queryset = NewsPage.objects.live().select_related("feature_image", "axis").prefetch_related("tags")
    queryset = visible_to(queryset, user)
    queryset = page_scope(queryset, within=within, axis=axis)
    queryset = filter_by_pages(queryset, axis_page=axis_page, club_page=club_page)
    if tag:
        queryset = queryset.filter(tags__slug=tag)
    return queryset.order_by("-date", "-first_published_at", "-pk")


# --- The site's identity -----------------------------------------------------------------------

IDENTITY_VERSION_KEY = "site-identity-version"


def _identity_key(site_id) -> str:
    return f"site-identity:{cache.get_or_set(IDENTITY_VERSION_KEY, 1)}:{site_id}"


def site_identity(*, site: Site | None = None, request=None) -> SiteIdentity:
    """The identity of `site` (else the request's site, else the default site), never None.

    Cached (the shared cache, so every process sees an edit at once; `site_identity_forget` on
    save) and kept on the request: base.html asks on every page, e-mails and feeds too. A site with
    no row gets an unsaved, blank identity, which shows the generic name and colours; reading never
    writes a row.
    """
    if request is not None and getattr(request, "_cms_site_identity", None) is not None:
        return request._cms_site_identity
    if site is None:
        site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    key = _identity_key(site.pk if site else None)
    identity = cache.get(key)
    if identity is None:
        identity = (
            site
            and SiteIdentity.objects.select_related(
                "logo", "favicon", "legal_notice_page", "accessibility_page", "contact_page"
            )
            .filter(site=site)
            .first()
        ) or SiteIdentity(site=site)
        cache.set(key, identity)
    if request is not None:
        request._cms_site_identity = identity
    return identity


def site_identity_forget(**kwargs) -> None:
    """Every cached identity is read again (a new version of the keys; old entries expire)."""
    try:
        cache.incr(IDENTITY_VERSION_KEY)
    except ValueError:
        cache.set(IDENTITY_VERSION_KEY, 2)
    cache.delete(_THEME_KEY)


def site_base_url(request=None) -> str:
    """The site's public address, no trailing slash: the Wagtail Site's root URL when it is a real
    one, else PORTAL_BASE_URL (the migrations leave the Site at http://localhost)."""
    site = Site.find_for_request(request) if request is not None else None
    site = site or Site.objects.filter(is_default_site=True).first()
    root_url = site.root_url if site else ""
    if not root_url or site.hostname in ("localhost", "127.0.0.1"):
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return root_url.rstrip("/")


# --- Sections of the site -----------------------------------------------------------------------


def site_sections(request) -> dict:
    """The site's top-level news index and events calendar (right under the home page), the other
    pages right under it that say "show in menus" (`menu`), and its first contact page, for the menus.

    Kept on the request: base.html asks on every page.
    """
    cached = getattr(request, "_cms_site_sections", None)
    if cached is not None:
        return cached
    sections = {"news": None, "events": None, "contact": None, "menu": []}
    site = Site.find_for_request(request) if request is not None else None
    if site is not None:
        sections = cached_fragment(f"site-sections:{site.pk}:{site.root_page_id}", lambda: _sections_under(site))
    if request is not None:
        request._cms_site_sections = sections
    return sections


def _sections_under(site: Site) -> dict:
    sections = {"news": None, "events": None, "contact": None, "menu": []}
    # An index page names its section (`site_section`): the events calendar lives in cms/events.
    for page in Page.objects.live().child_of(site.root_page).order_by("path"):
        key = getattr(page.specific_class, "site_section", None)
        if key in ("news", "events"):
            sections[key] = sections[key] or page
        elif page.show_in_menus:
            sections["menu"].append(page)
        if sections["contact"] is None and page.specific_class is ContactPage:
            sections["contact"] = page
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


# --- The theme's stylesheet ------------------------------------------------------------------------

_THEME_KEY = "cms-theme-css"
THEME_SECONDS = 60
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def theme_css(*, request=None) -> str:
    """The colours staff choose (the site identity's, each axis's) as a stylesheet, served from one
    URL: the Content-Security-Policy forbids style attributes and inline <style>, so templates name
    an axis with data-axis="<id>" and this sheet gives it its colour. Cached THEME_SECONDS."""
    css = cache.get(_THEME_KEY)
    if css is None:
        identity = site_identity(request=request)
        root = [
            f"--accent-dark:{identity.primary_colour};" if _HEX.match(identity.primary_colour or "") else "",
            f"--accent:{identity.accent_colour};" if _HEX.match(identity.accent_colour or "") else "",
        ]
        lines = [f":root{{{''.join(root)}}}"] if any(root) else []
        lines += [
            f'[data-axis="{pk}"]{{--axis-colour:{colour}}}'
            for pk, colour in Axis.objects.order_by("pk").values_list("pk", "colour")
            if _HEX.match(colour or "")
        ]
        css = "\n".join(lines) + "\n"
        cache.set(_THEME_KEY, css, THEME_SECONDS)
    return css


def theme_version(*, request=None) -> str:
    """Changes with the sheet's content: base.html links theme.css?v=<this>, so browsers may keep it."""
    return hashlib.sha256(theme_css(request=request).encode()).hexdigest()[:12]


# --- Who edits which part of the site --------------------------------------------------------------


def scope_collection(kind: str, scope_id: int) -> Collection | None:
    """The collection of an axis's or a club's images and documents (set up by cms.services)."""
    editors = ScopeEditors.objects.select_related("collection").filter(scope_kind=kind, scope_id=scope_id).first()
    return editors.collection if editors is not None else None


def public_club_page(club_slug: str) -> ClubPage | None:
    """The live, public page of the club with this slug (its feeds hang from it), if it has one."""
    return ClubPage.objects.live().public().filter(club__slug=club_slug).select_related("club").first()


# --- The map of the territory (#17) ---------------------------------------------------------------

# A zone's popup names this many of its listed members, then links to the rest in the directory.
MAP_ZONE_NAMES = 8


def directory_map(organisations: QuerySet, *, zone: Zone | None = None, request=None) -> dict:
    """What the map of the business parks shows: the zones (with their points, the club pages of
    the clubs covering them and their members among `organisations`) and `organisations` themselves.

    `organisations` must come from member_selectors.public_organisations (listed in the public
    directory, active members): nothing else of an organisation is read here. Points are floats,
    None where a zone or a firm has none yet (it is then in the list, not on the map)."""
    from django.urls import reverse
    from django.utils.http import urlencode

    from portal.members.models import OrganisationKind

    kinds = dict(OrganisationKind.choices)
    firms = [
        {
            "name": firm["name"],
            "url": reverse("cms:directory_entry", args=[firm["slug"]]),
            "kind": str(kinds.get(firm["kind"], "")),
            "commune": firm["commune"],
            "zone": firm["zone_id"],
            "lat": float(firm["latitude"]) if firm["latitude"] is not None else None,
            "lng": float(firm["longitude"]) if firm["longitude"] is not None else None,
        }
        for firm in organisations.order_by("name").values(
            "name", "slug", "kind", "commune", "zone_id", "latitude", "longitude"
        )
    ]
    by_zone: dict[int | None, list[dict]] = {}
    for firm in firms:
        by_zone.setdefault(firm["zone"], []).append(firm)

    zones = Zone.objects.order_by("name") if zone is None else Zone.objects.filter(pk=zone.pk)
    club_pages: dict[int, list[dict]] = {}
    pages = (
        ClubPage.objects.live()
        .public()
        .filter(Q(club__zone__in=zones) | Q(club__other_zones__in=zones))
        .select_related("club")
        .prefetch_related("club__other_zones")
        .distinct()
        .order_by("title")
    )
    for page in pages:
        link = {"name": page.title, "url": page.get_url(request=request)}
        for zone_id in {page.club.zone_id, *(other.pk for other in page.club.other_zones.all())}:
            club_pages.setdefault(zone_id, []).append(link)

    zone_entries = []
    for entry in zones:
        members = by_zone.get(entry.pk, [])
        zone_entries.append(
            {
                "name": entry.name,
                "commune": entry.commune,
                "url": reverse("cms:directory") + "?" + urlencode({"zone": entry.slug}),
                "count": len(members),
                "members": [{"name": m["name"], "url": m["url"]} for m in members[:MAP_ZONE_NAMES]],
                "clubs": club_pages.get(entry.pk, []),
                "lat": float(entry.latitude) if entry.latitude is not None else None,
                "lng": float(entry.longitude) if entry.longitude is not None else None,
                "firms": members,  # the list under the map; not sent in the JSON (see map_json)
            }
        )
    return {"zones": zone_entries, "unzoned": by_zone.get(None, []), "organisations": firms}


def map_json(data: dict) -> dict:
    """The JSON island the map's script reads: the points and popups, no more."""
    return {
        "zones": [{key: value for key, value in zone.items() if key != "firms"} for zone in data["zones"]],
        "organisations": [
            {key: value for key, value in firm.items() if key != "zone"} for firm in data["organisations"]
        ],
        "tiles": {"url": settings.PORTAL_MAP_TILES_URL, "attribution": settings.PORTAL_MAP_ATTRIBUTION}
        if settings.PORTAL_MAP_TILES_URL
        else None,
    }


# --- Third-party embeds -------------------------------------------------------------------------


@dataclass(frozen=True)
class EmbedForConsent:
    """What the page shows before the visitor agrees to load an embed: who provides it, and its HTML."""

    provider: str
    html: str


def embed_for_consent(embed_value) -> EmbedForConsent:
    """The provider's name (oEmbed's provider_name, else the host of the address) and the embed HTML.

    Wagtail keeps the provider's answer in its Embed table; an address the provider refuses gives no
    HTML (the page then only links to the original site).
    """
    from urllib.parse import urlsplit

    from wagtail.embeds.embeds import get_embed
    from wagtail.embeds.exceptions import EmbedException

    host = (urlsplit(embed_value.url).hostname or "").removeprefix("www.")
    try:
        embed = get_embed(embed_value.url, embed_value.max_width, embed_value.max_height)
    except EmbedException:
        return EmbedForConsent(provider=host, html="")
    return EmbedForConsent(provider=embed.provider_name.strip() or host, html=embed.html)
