"""Settings shared by every environment.

Each external service is chosen by an environment variable so that the same
code runs the embedded demo (nothing set), the test suite and production.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal.members",
    "portal.clubs",
    "portal.privacy",
    "portal.api",
    "workgroups",
    "workgroups.plans",
    "knowledge",
    "knowledge.exchange",
    "cms",
    "cms.events",
    "cms.newsletters",
    "search",
    "search.insights",
    "daphne",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_ratelimit",
    "ninja",  # its Swagger UI from the static files (the CDN copy would break the CSP)
    "csp",
    # Sign-in, password reset and change, throttling, two-factor authentication (TOTP, recovery codes).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Single sign-on with OpenID Connect (PTCE_OIDC_*, below): off while no provider is configured.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "cms.page_cache.PageCacheUpdateMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.csp.PortalCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cms.page_cache.SiteFromFragmentMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.privacy.middleware.ExportAccessLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.members.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.page_cache.PageCacheFetchMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.site_identity",
            ],
            # Filters every app's templates use: {% load portal_css %}.
            "libraries": {"portal_css": "portal.templatetags.portal_css"},
        },
    },
]

# --- Database: PostgreSQL when DATABASE_URL is set, else an SQLite file. ---
# PostgreSQL connections come from a pool (psycopg_pool) in each process. Under daphne every HTTP
# request runs in a thread of its own (asgiref's ThreadSensitiveContext), so a persistent
# connection, being per thread, was a new PostgreSQL connection per request (~25 ms on the home
# page); gunicorn's workers and the websocket consumers take one from the pool the same way.
if os.environ.get("DATABASE_URL"):
    _pooled = env_bool("DATABASE_POOL", default=True) and os.environ["DATABASE_URL"].startswith("postgres")
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=0 if _pooled else 60)}
    if _pooled:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DATABASE_POOL_MIN_SIZE", "1")),
            "max_size": int(os.environ.get("DATABASE_POOL_MAX_SIZE", "10")),
            "timeout": 10,
        }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "portal.sqlite3",
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channel layer: Redis when REDIS_URL is set, else in memory (demo only). ---
# The pub/sub layer measured a p99 of 15 ms against 305 ms for the list-based
# RedisChannelLayer at the same load on this project's machines.
if os.environ.get("REDIS_URL"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [os.environ["REDIS_URL"]]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Caches: Redis when CACHE_URL (or else REDIS_URL) is set, shared by every process; else memory. ---
# "pages" holds the public pages served to anonymous visitors (cms/page_cache.py); publishing purges it.
_cache_url = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
CACHES = {
    alias: (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": f"ptce-{alias}",
        }
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"ptce-{alias}"}
    )
    for alias in ("default", "pages")
}
PAGE_CACHE_ALIAS = "pages"
# How long an anonymous visitor may be served a page built earlier (0: no page cache). Publishing,
# unpublishing, moving a page or changing a view restriction purges at once; this bounds the rest
# (live figures, places left, records published since).
# Rate limits: django-ratelimit counts in the shared cache (Redis), so a limit holds per person
# across their sockets, tabs and the server's processes. A down cache lets the action through
# rather than refusing a registration or a message (nothing is lost; the limit waits for Redis).
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True
# Costly websocket frames, per person (django-ratelimit rates: "count/period", s m h d).
PORTAL_FRAME_RATES = {
    "edit": os.environ.get("PORTAL_RATE_FRAME_EDIT", "30/m"),
    "delete": os.environ.get("PORTAL_RATE_FRAME_DELETE", "30/m"),
    "typing": os.environ.get("PORTAL_RATE_FRAME_TYPING", "30/m"),
    "resume": os.environ.get("PORTAL_RATE_FRAME_RESUME", "20/m"),
    "mark_read": os.environ.get("PORTAL_RATE_FRAME_MARK_READ", "120/m"),
    "state": os.environ.get("PORTAL_RATE_FRAME_STATE", "20/m"),
}
# Open websockets one account may hold in one server process (tabs, phone, tablet: 20 is plenty).
PORTAL_MAX_SOCKETS_PER_PERSON = int(os.environ.get("PORTAL_MAX_SOCKETS_PER_PERSON", "20"))
# Broadcasts of the live screens through the process-local fan-out (portal/fanout.py): one Redis
# subscription per group and process, frames written straight to the sockets. Off: Channels' groups.
PORTAL_REALTIME_FANOUT = os.environ.get("PORTAL_REALTIME_FANOUT", "1") != "0"
# Under daphne the fan-out frames a broadcast once and writes it to each open socket (portal/fanout.py);
# off: each socket gets it through its ASGI send.
PORTAL_PREPARED_FRAMES = os.environ.get("PORTAL_PREPARED_FRAMES", "1") != "0"
# A chat message without reply or @mention stored in one SQL statement in autocommit (sequence, message,
# search outbox row: workgroups/services.py); off: the transaction path every send took before.
PORTAL_ONE_STATEMENT_SEND = os.environ.get("PORTAL_ONE_STATEMENT_SEND", "1") != "0"
# That statement run on daphne's event loop through psycopg's async connections (portal/async_db.py),
# not in a worker thread; PostgreSQL only. Off: database_sync_to_async as every other call.
PORTAL_ASYNC_DB = os.environ.get("PORTAL_ASYNC_DB", "1") != "0"
# Its pool per event loop, and psycopg's prepare_threshold ("" for a transaction-mode pooler that
# cannot keep prepared statements).
DATABASE_ASYNC_POOL_MAX_SIZE = int(os.environ.get("DATABASE_ASYNC_POOL_MAX_SIZE", "4"))
_prepare_threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5").strip()
DATABASE_PREPARE_THRESHOLD = int(_prepare_threshold) if _prepare_threshold else None
# Django's own Redis cache increments atomically; django-ratelimit only lists third-party ones.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "120"))
# What every page shows the same to every visitor and changes rarely (the home page's figures, the site's
# sections, the restricted paths) is kept this long in the page cache's store, and purged with it:
# an uncached page, a signed-in member's included, need not read it again (cms.selectors.cached_fragment).
PAGE_FRAGMENT_SECONDS = int(os.environ.get("PAGE_FRAGMENT_SECONDS", "60"))

# --- Search: Elasticsearch when ELASTICSEARCH_URL is set, else the database. ---
if os.environ.get("ELASTICSEARCH_URL"):
    PORTAL_SEARCH = {
        "BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
        "URL": os.environ["ELASTICSEARCH_URL"],
        "INDEX_PREFIX": os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "ptce"),
    }
else:
    PORTAL_SEARCH = {"BACKEND": "search.backends.database.DatabaseBackend"}

# Wagtail's own admin search stays on the database: the portal's search goes
# through search/, which owns the Elasticsearch indices.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- E-mail: SMTP when EMAIL_HOST is set, else printed on the console. ---
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Portail PTCE <no-reply@ptce.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks (django-tasks, database backend, `manage.py db_worker`). ---
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# One search-outbox drain per process covers the writes of this many seconds (0: one per commit).
SEARCH_DRAIN_WINDOW = float(os.environ.get("PORTAL_SEARCH_DRAIN_WINDOW", "1.0"))

# --- Privacy (RGPD): who answers for the data, and retention periods in days (the privacy policy shows them). ---
PRIVACY_CONTROLLER = os.environ.get("PORTAL_PRIVACY_CONTROLLER", "")  # e.g. "Association du pôle …, adresse"
PRIVACY_CONTACT_EMAIL = os.environ.get("PORTAL_PRIVACY_CONTACT_EMAIL", "")
PRIVACY_RETENTION_DAYS = {
    # Registrations of visitors (no account) to events, counted from the end of the event.
    "visitor_registrations": int(os.environ.get("PORTAL_RETENTION_VISITOR_REGISTRATIONS_DAYS", "365")),
    # Newsletter sign-ups never confirmed by their double opt-in link.
    "unconfirmed_signups": int(os.environ.get("PORTAL_RETENTION_UNCONFIRMED_SIGNUPS_DAYS", "7")),
    # Per-recipient delivery rows of sent newsletters.
    "newsletter_deliveries": int(os.environ.get("PORTAL_RETENTION_NEWSLETTER_DELIVERIES_DAYS", "365")),
    # Messages sent through the contact pages of the public site.
    "contact_messages": int(os.environ.get("PORTAL_RETENTION_CONTACT_MESSAGES_DAYS", "365")),
    # Contacts with prospect firms (calls, visits and their notes), counted from the contact.
    "prospect_contacts": int(os.environ.get("PORTAL_RETENTION_PROSPECT_CONTACTS_DAYS", "1095")),
    # The name given by whoever answered a needs survey, counted from the survey's closing day.
    "survey_respondent_names": int(os.environ.get("PORTAL_RETENTION_SURVEY_RESPONDENT_NAMES_DAYS", "365")),
    # The log of administrators' downloads of personal data.
    "export_log": int(os.environ.get("PORTAL_RETENTION_EXPORT_LOG_DAYS", "1095")),
    # The Bourse's stored workbooks (they name the firms' contacts), counted from the session's day;
    # the sheets, answers and synergies stay (they are the firms').
    "exchange_workbooks": int(os.environ.get("PORTAL_RETENTION_EXCHANGE_WORKBOOKS_DAYS", "730")),
    # The searches made (no one in them: words, result count, rank followed, day): 13 months.
    "search_log": int(os.environ.get("PORTAL_RETENTION_SEARCH_LOG_DAYS", "396")),
}

# --- Newsletters: sender address, and how long a sending may make no progress before it counts as stalled
# (`manage.py send_newsletters --resume-stalled` then resumes it). ---
NEWSLETTER_FROM_EMAIL = os.environ.get("NEWSLETTER_FROM_EMAIL", "")
NEWSLETTER_STALL_SECONDS = int(os.environ.get("NEWSLETTER_STALL_SECONDS", "120"))
NEWSLETTER_BATCH_SIZE = int(os.environ.get("NEWSLETTER_BATCH_SIZE", "500"))  # messages per background task
NEWSLETTER_SMTP_CONNECTIONS = int(os.environ.get("NEWSLETTER_SMTP_CONNECTIONS", "4"))  # parallel, per task

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "members:login"
LOGIN_REDIRECT_URL = "members:profile"
LOGOUT_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# --- Accounts (django-allauth): sign-in by e-mail, throttling, two-factor authentication. ---
# ModelBackend stays first for the sessions opened by the invitation link and for permissions;
# every password typed on the portal goes through allauth's forms, which count the failures.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "portal.members.adapters.AccountAdapter"  # no self sign-up: accounts come from invitations
# By e-mail; the username too, so that accounts created in the admin with a username of their own keep
# signing in (the members' usernames are their addresses).
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_FORMS = {"login": "portal.members.forms.LoginForm"}
# Confirming who one is before a security change: the password, or a two-factor code (never a code
# sent by e-mail: a mailbox is not a second factor).
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
ACCOUNT_EMAIL_VERIFICATION = "none"  # the address was proven by the invitation link sent to it
ACCOUNT_SESSION_REMEMBER = True  # as before: a session lasts SESSION_COOKIE_AGE, no "remember me" box
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # a reset asked for an unknown address sends nothing to it
ACCOUNT_EMAIL_NOTIFICATIONS = True  # "your password was changed", "two-factor authentication turned off"…
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Rates are "amount/period/per": per address (ip), per account (key: the e-mail typed) or per signed-in
# user. A failed sign-in counts against both the address and the account: the 5th failure within
# 15 minutes locks the account for what is left of those 15 minutes, whatever the password typed
# next; a password reset lifts that lock. Stored in the default cache (Redis in production).
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("PORTAL_RATE_LOGIN_FAILED", "10/5m/ip,5/15m/key"),
    "login": "30/m/ip",
    "reset_password": os.environ.get("PORTAL_RATE_RESET_PASSWORD", "20/h/ip,3/h/key"),
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
# The address a rate counts per: the peer's (REMOTE_ADDR) unless proxies we run stand in front. With
# PORTAL_TRUSTED_PROXY_COUNT=n, the n-th address from the right of X-Forwarded-For (each proxy appends
# the address it was reached from, so the ones on the left are whatever the client sent). prod.py
# counts nginx (1); add one for a TLS proxy in front of it. PORTAL_CLIENT_IP_HEADER names a header
# that a trusted proxy always overwrites instead (X-Real-IP, CF-Connecting-IP).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("PORTAL_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("PORTAL_CLIENT_IP_HEADER") or None
# django-ratelimit (public forms, the API, the sockets) counts per the same address.
RATELIMIT_IP_META_KEY = "portal.ratelimits.client_ip"
MFA_ADAPTER = "portal.members.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {"activate_totp": "portal.members.forms.ActivateTOTPForm"}
# allauth refuses two-factor setup while an address of the account is unverified, against strangers
# signing up with someone else's address. Nobody signs up here (invitations and administrators make the
# accounts), and an address allauth copies from the account unverified (a reset asked by an account
# made in the admin) would otherwise keep its owner from ever setting it up, required or not.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Empty: the site identity's name (portal.members.adapters.MFAAdapter.get_totp_issuer).
MFA_TOTP_ISSUER = os.environ.get("PORTAL_TOTP_ISSUER", "")
MFA_TOTP_TOLERANCE = 1  # a code of the previous or next 30 s also works: phones' clocks drift
# Two-factor authentication is required of the cluster's administrators and of everyone who can export
# personal data (portal.members.permissions.must_use_two_factor). On unless turned off: dev.py turns it
# off for the embedded demo, whose printed logins must work with a password alone.
PORTAL_REQUIRE_TWO_FACTOR = env_bool("PORTAL_REQUIRE_TWO_FACTOR", True)
# The Wagtail admin has no sign-in or password pages of its own: it sends people to the site's,
# which are throttled and ask for the second factor.
WAGTAILADMIN_LOGIN_URL = "members:login"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Wagtail's autosave (half a second after each edit) races the editor's own Save on a new page: a Save
# clicked while the autosave that creates the page is on its way posts the creation a second time, and
# the editor gets « La page ne peut être créée du fait d'erreurs de validation » (the slug the autosave
# has just taken). Off unless WAGTAIL_AUTOSAVE_INTERVAL (milliseconds) is set; Wagtail still asks before
# leaving a form with unsaved changes.
WAGTAIL_AUTOSAVE_INTERVAL = int(os.environ.get("WAGTAIL_AUTOSAVE_INTERVAL", "0"))
# --- Single sign-on with OpenID Connect (django-allauth's openid_connect provider; README "Single sign-on"). ---
# A cluster or a chamber plugs its identity provider (ProConnect for public agents, or its own): the sign-in
# page then offers "Se connecter avec <name>" beside the password form, which keeps working. Off unless
# PTCE_OIDC_SERVER_URL is set. The callback address to register at the provider is
# <PORTAL_BASE_URL>/compte/oidc/<PTCE_OIDC_PROVIDER_ID>/login/callback/.


def oidc_apps(environ) -> list[dict]:
    """The identity provider of PTCE_OIDC_* in `environ`, as allauth's openid_connect app; none unset."""
    server_url = environ.get("PTCE_OIDC_SERVER_URL", "").strip().rstrip("/")
    if not server_url:
        return []
    scopes = [scope.strip() for scope in environ.get("PTCE_OIDC_SCOPES", "openid,email,profile").split(",")]
    return [
        {
            "provider_id": environ.get("PTCE_OIDC_PROVIDER_ID", "").strip() or "sso",
            "name": environ.get("PTCE_OIDC_NAME", "").strip() or "OpenID Connect",
            "client_id": environ.get("PTCE_OIDC_CLIENT_ID", ""),
            "secret": environ.get("PTCE_OIDC_CLIENT_SECRET", ""),
            "settings": {
                "server_url": server_url,
                "scope": [scope for scope in scopes if scope],
                # An address the provider says it verified signs in to the portal's account of that
                # address (and links it); an unverified one never does (portal.members.adapters).
                "email_authentication": True,
                # Whether someone the provider knows but the portal does not gets a new account (a member
                # profile: the records for members only). Off: accounts come from invitations, as for passwords;
                # on for a provider whose people are all the cluster's (not ProConnect: every public agent).
                "new_accounts": _on(environ, "PTCE_OIDC_NEW_ACCOUNTS"),
                # Whether an address the provider sends without `email_verified` counts as verified: on for a
                # provider that only hands out addresses someone checked (ProConnect: the agent's administration
                # gave it). An explicit `email_verified: false` is never trusted.
                "emails_verified": _on(environ, "PTCE_OIDC_EMAIL_VERIFIED"),
            },
        }
    ]


def _on(environ, name: str) -> bool:
    return environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def oidc_providers(environ) -> dict:
    """SOCIALACCOUNT_PROVIDERS for PTCE_OIDC_* in `environ`: allauth's openid_connect provider, through the
    portal's subclass (ProConnect's claims and signed userinfo answers, signing out at the provider)."""
    return {
        "openid_connect": {
            "provider_class": "portal.members.sso.OpenIDConnectProvider",
            "OAUTH_PKCE_ENABLED": True,
            "APPS": oidc_apps(environ),
        }
    }


OIDC_SERVER_URL = os.environ.get("PTCE_OIDC_SERVER_URL", "").strip().rstrip("/")
SOCIALACCOUNT_ADAPTER = "portal.members.adapters.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = oidc_providers(os.environ)
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True  # the next sign-in finds the account by the provider's id
SOCIALACCOUNT_AUTO_SIGNUP = True  # a new account from the provider's verified address, its name, no form
SOCIALACCOUNT_STORE_TOKENS = False  # the portal calls nothing at the provider after signing in
SOCIALACCOUNT_LOGIN_ON_GET = False  # leaving for the provider is a POST (a button), never a link
SOCIALACCOUNT_REQUESTS_TIMEOUT = int(os.environ.get("PTCE_OIDC_TIMEOUT", "5"))  # seconds, per request

INVITATION_VALIDITY_DAYS = int(os.environ.get("PORTAL_INVITATION_VALIDITY_DAYS", "14"))
# A Bourse d'échanges firm's link (no account) opens until this many days after the morning: the
# follow-up period (workbook, questionnaire).
EXCHANGE_LINK_FOLLOW_UP_DAYS = int(os.environ.get("PORTAL_EXCHANGE_LINK_FOLLOW_UP_DAYS", "90"))

# --- Outside services (portal/outside): public APIs reached with a timeout and a size cap. ---
# The company register ("Recherche d'entreprises", no key) and the national address base (BAN).
COMPANY_REGISTER_URL = os.environ.get("COMPANY_REGISTER_URL", "https://recherche-entreprises.api.gouv.fr")
ADDRESS_BASE_URL = os.environ.get("ADDRESS_BASE_URL", "https://api-adresse.data.gouv.fr")
OUTSIDE_SERVICES_TIMEOUT = float(os.environ.get("OUTSIDE_SERVICES_TIMEOUT", "5"))  # seconds, per request
OUTSIDE_SERVICES_MAX_BYTES = int(os.environ.get("OUTSIDE_SERVICES_MAX_BYTES", str(2 * 1024 * 1024)))

# --- Maps (#17): the tile server the maps' backgrounds come from (Leaflet's URL template, e.g.
# https://tile.openstreetmap.org/{z}/{x}/{y}.png) and the attribution its licence asks for (HTML).
# Empty (the default, and always in the tests): no tile is requested, the markers and lists stay.
PORTAL_MAP_TILES_URL = os.environ.get("PORTAL_MAP_TILES_URL", "").strip()
PORTAL_MAP_ATTRIBUTION = os.environ.get("PORTAL_MAP_ATTRIBUTION", "").strip()


def map_tiles_source(url: str) -> list[str]:
    """The Content-Security-Policy source of a tile URL template: its scheme and host, a {s}
    subdomain becoming a wildcard (https://{s}.tile.example.org/… → https://*.tile.example.org)."""
    scheme, _sep, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return [f"{scheme}://{host}"] if scheme in ("http", "https") and host else []


# --- Languages: French first, English second. ---
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media files. ---
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "portal.staticfiles.ManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FORMS_URLFIELD_ASSUME_HTTPS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Wagtail. ---
WAGTAIL_SITE_NAME = "Portail PTCE"
WAGTAILADMIN_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "pptx", "txt", "xlsx", "zip"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024

# --- Security defaults that hold everywhere; prod.py adds the HTTPS ones. ---
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its own preview views SAMEORIGIN
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PORTAL_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per HTTP request to Elasticsearch is noise; failures still show.
        "elastic_transport": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

# The API, per personal token or, without one, per address (django-ratelimit rates).
# The first value of Settings → Clubs (portal.clubs.models.ClubSettings), where administrators then set
# how long a club may stay in one stage before it is flagged: about a year each, three years to autonomy.
PORTAL_CLUB_STAGE_MAX_MONTHS = int(os.environ.get("PORTAL_CLUB_STAGE_MAX_MONTHS", "12"))

PORTAL_API_RATES = {
    "token": os.environ.get("PORTAL_RATE_API_TOKEN", "600/m"),
    "anonymous": os.environ.get("PORTAL_RATE_API_ANONYMOUS", "120/m"),
}

# Public forms, per address (or per account when signed in): django-ratelimit rates.
PORTAL_FORM_RATES = {
    "newsletter_signup": os.environ.get("PORTAL_RATE_NEWSLETTER_SIGNUP", "5/h"),
    "contact": os.environ.get("PORTAL_RATE_CONTACT", "5/h"),
    "event_registration": os.environ.get("PORTAL_RATE_EVENT_REGISTRATION", "5/h"),  # per event
    "event_registration_daily": os.environ.get("PORTAL_RATE_EVENT_REGISTRATION_DAILY", "20/d"),  # all events
    "exchange_link_sheet": os.environ.get("PORTAL_RATE_EXCHANGE_LINK_SHEET", "30/h"),  # per firm's link
    "join_request": os.environ.get("PORTAL_RATE_JOIN_REQUEST", "5/h"),
    # A firm filling the join form looks its SIRET up in the company register (the API allows 7/s in all).
    "join_register_lookup": os.environ.get("PORTAL_RATE_JOIN_REGISTER_LOOKUP", "20/h"),
}

# --- Content-Security-Policy (django-csp; portal/csp.py) -------------------------------------------
# Scripts, styles, fonts and images from the portal only; frames (embedded videos: PeerTube,
# YouTube…) from any HTTPS site; websockets to the portal's own host ('self' covers ws: and wss: of
# the same host in CSP 3). PORTAL_CSP_IMG_SRC adds image hosts (a media CDN), spaces apart; the map
# tile server (PORTAL_MAP_TILES_URL) is allowed in img-src only when one is set.
_CSP_SELF = "'self'"
_oidc_origin = "/".join(OIDC_SERVER_URL.split("/")[:3]) if OIDC_SERVER_URL else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_CSP_SELF],
        "script-src": [_CSP_SELF],
        "style-src": [_CSP_SELF],
        "img-src": [
            _CSP_SELF,
            "data:",
            *os.environ.get("PORTAL_CSP_IMG_SRC", "").split(),
            *map_tiles_source(PORTAL_MAP_TILES_URL),
        ],
        "font-src": [_CSP_SELF],
        "connect-src": [_CSP_SELF],
        "media-src": [_CSP_SELF],
        "frame-src": ["https:"],
        "frame-ancestors": [_CSP_SELF],
        # The sign-in button for single sign-on posts to the portal, which redirects to the provider.
        "form-action": [_CSP_SELF, *([_oidc_origin] if _oidc_origin else [])],
        "base-uri": [_CSP_SELF],
        "object-src": ["'none'"],
    }
}
# No Gravatar in the admin: it would send a hash of each person's address to an outside service
# (and the policy refuses its images). Wagtail shows its default avatar, or the one people upload.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Wagtail's admin (and its previews) writes inline styles and scripts: allowed there only.
PORTAL_CSP_ADMIN_PREFIXES = ("/admin/",)
PORTAL_CSP_ADMIN_DIRECTIVES = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": [_CSP_SELF, "'unsafe-inline'"],
    "style-src": [_CSP_SELF, "'unsafe-inline'"],
    "img-src": [*CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"], "blob:"],
}
