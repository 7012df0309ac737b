"""Production: refuses to start unless every real server and secret is configured."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list

REQUIRED = {
    "DJANGO_SECRET_KEY": "a long random secret key",
    "DJANGO_ALLOWED_HOSTS": "the host names the portal answers to",
    "DATABASE_URL": "the PostgreSQL database (postgres://user:password@host:5432/name)",
    "REDIS_URL": "the Redis server of the channel layer (redis://host:6379/0)",
    "ELASTICSEARCH_URL": "the Elasticsearch 8 server (http://host:9200)",
}
missing = [f"{name} ({why})" for name, why in REQUIRED.items() if not os.environ.get(name)]
if missing:
    raise ImproperlyConfigured("Production settings need: " + "; ".join(missing))
if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("Production settings need PostgreSQL: DATABASE_URL must start with postgres://")

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

# TLS is terminated by the reverse proxy in front of nginx.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
USE_X_FORWARDED_HOST = env_bool("DJANGO_USE_X_FORWARDED_HOST", True)

# gunicorn is reached through nginx, which appends the client's address to X-Forwarded-For: the sign-in
# throttles count per that address, not per nginx's (see base.py).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("PORTAL_TRUSTED_PROXY_COUNT", "1"))
# Two-factor authentication for administrators and whoever can export personal data (base.py).
PORTAL_REQUIRE_TWO_FACTOR = env_bool("PORTAL_REQUIRE_TWO_FACTOR", True)
