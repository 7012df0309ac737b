"""Whole-page cache of the public site for anonymous visitors, purged when pages change.

Django's cache middleware does the work (keys per URL, language and Vary headers); this module
narrows it to what is safe to share:
- only Wagtail pages, marked by the `on_serve_page` hook, and only those that say so
  (`cache_for_anonymous`: a page with a form says no);
- only requests with no cookie but the language and CSRF ones: a session (signed-in member,
  password-restricted page, flash message) always gets a page built for it;
- never a response that used a CSRF token or sets a cookie.
Purging bumps a version that is part of every key (`page_cache_purge`), so one write empties the
cache of every process sharing it (each reads the version at most once a second); old entries
simply expire. The browser is not told to keep
the page, so a purge reaches visitors at once.
"""

import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.middleware.cache import FetchFromCacheMiddleware, UpdateCacheMiddleware
from django.urls import Resolver404, resolve

logger = logging.getLogger(__name__)

VERSION_KEY = "page-cache-version"
CACHE_STATUS_HEADER = "X-Page-Cache"


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


# The version as this process last read it, and when: read again at most once a second, so a
# cached page costs two cache reads instead of three; a purge made by another process reaches
# this one within that second (at once in the process that purged).
VERSION_REUSE_SECONDS = 1.0
_known_version: tuple[int, float] | None = None


def page_cache_version() -> int:
    global _known_version
    now = time.monotonic()
    if _known_version is not None and now - _known_version[1] < VERSION_REUSE_SECONDS:
        return _known_version[0]
    # A version lost with its cache restarts from the clock, so it never reuses an old number.
    version = _cache().get_or_set(VERSION_KEY, lambda: int(time.time() * 1000), timeout=None)
    _known_version = (version, now)
    return version


def page_cache_version_forget() -> None:
    """The memoised version is read again from the cache next time (a test server between two tests)."""
    global _known_version
    _known_version = None


def page_cache_purge() -> None:
    global _known_version
    cache = _cache()
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:
        version = int(time.time() * 1000)
        cache.set(VERSION_KEY, version, timeout=None)
    _known_version = (version, time.monotonic())


def mark_cacheable(response) -> None:
    response.page_cache_allowed = True


def request_is_shareable(request) -> bool:
    if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
        return False
    allowed_cookies = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    if not set(request.COOKIES) <= allowed_cookies:
        return False
    # Only Wagtail's page tree is cached: other URLs need not pay for the cache lookups.
    try:
        return resolve(request.path_info).url_name == "wagtail_serve"
    except Resolver404:
        return False


class _VersionedPrefix:
    @property
    def key_prefix(self):
        return f"{self._base_prefix}pages.{page_cache_version()}"

    @key_prefix.setter
    def key_prefix(self, value):
        self._base_prefix = value or ""

    @property
    def cache(self):
        return _cache()


def _forget_for_browsers(response) -> None:
    # The shared cache may keep the page; the browser must ask again so a purge reaches it.
    for header in ("Expires", "Cache-Control"):
        if header in response:
            del response[header]


class PageCacheUpdateMiddleware(_VersionedPrefix, UpdateCacheMiddleware):
    """First in MIDDLEWARE: stores a marked page once every other middleware has had its say."""

    def _should_update_cache(self, request, response):
        return (
            super()._should_update_cache(request, response)
            and getattr(response, "page_cache_allowed", False)
            and not response.cookies  # a CSRF token used (then set anew) or anything else per visitor
        )

    def process_response(self, request, response):
        if not self._should_update_cache(request, response):
            return response
        self.cache_timeout = settings.PAGE_CACHE_SECONDS
        try:
            response = super().process_response(request, response)
        except Exception:  # a cache down must not take the site down with it
            logger.warning("Page cache unavailable: page not stored", exc_info=True)
        _forget_for_browsers(response)
        response[CACHE_STATUS_HEADER] = "miss"
        return response


class PageCacheFetchMiddleware(_VersionedPrefix, FetchFromCacheMiddleware):
    """Last in MIDDLEWARE: answers a shareable request from the cache before any URL routing."""

    def process_request(self, request):
        if not request_is_shareable(request):
            request._cache_update_cache = False
            return None
        try:
            response = super().process_request(request)
        except Exception:  # a cache down must not take the site down with it
            logger.warning("Page cache unavailable: page built for this request", exc_info=True)
            request._cache_update_cache = False
            return None
        if response is not None:
            _forget_for_browsers(response)
            response[CACHE_STATUS_HEADER] = "hit"
        return response


def cache_page_for_anonymous(serve):
    """Wagtail `on_serve_page` hook body: marks the responses of pages that may be shared."""

    def inner(page, request, serve_args, serve_kwargs):
        response = serve(page, request, serve_args, serve_kwargs)
        if getattr(page, "cache_for_anonymous", True) and not getattr(request, "is_preview", False):
            mark_cacheable(response)
        return response

    return inner


def _purge_after_commit(**kwargs):
    from django.db import transaction

    # robust: the write is committed whatever happens to the cache; entries expire anyway.
    transaction.on_commit(page_cache_purge, robust=True)


def connect_purges() -> None:
    """What changes a page someone may have cached: publishing, unpublishing (deletion too), moving, restricting,
    the site and its identity (every page shows its name), a club's board and the consents to be named on
    it (a withdrawn consent must take the name off the public page at once, not after the cache expires)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from portal.clubs.models import ClubBoardMember
    from portal.privacy.models import Consent

    from .models import SiteIdentity

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_purge_after_commit, dispatch_uid=f"cms_page_cache_{id(signal)}")
    for model in (PageViewRestriction, Site, SiteIdentity, ClubBoardMember, Consent):
        post_save.connect(_purge_after_commit, sender=model, dispatch_uid=f"cms_page_cache_save_{model.__name__}")
        post_delete.connect(_purge_after_commit, sender=model, dispatch_uid=f"cms_page_cache_del_{model.__name__}")


def _site_with_specific_root(site_model, request):
    """The request's site with its root page already in its specific form: Wagtail's routing starts from
    `site.root_page.specific`, a query on every request otherwise (the home page's own row)."""
    site = site_model._find_for_request(request)
    if site is not None:
        site.root_page = site.root_page.specific
    return site


class SiteFromFragmentMiddleware:
    """Finds the request's Wagtail site in the shared fragments (cms.selectors.cached_fragment) rather
    than with a query on every request: sites change rarely, and changing one purges the fragments.
    After CommonMiddleware, so only the hosts ALLOWED_HOSTS accepts make a key."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_FRAGMENT_SECONDS:  # Wagtail finds it when a page asks, as without this
            return self.get_response(request)
        from django.http.request import split_domain_port
        from wagtail.models import Site

        from .selectors import cached_fragment

        hostname = split_domain_port(request.get_host())[0]
        port = request.get_port()
        site = cached_fragment(f"site-for:{hostname}:{port}", lambda: _site_with_specific_root(Site, request))
        if site is not None:
            request._wagtail_site = site
        return self.get_response(request)
