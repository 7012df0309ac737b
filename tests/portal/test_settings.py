"""Which servers each combination of environment variables selects, and prod's refusals."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The settings module alone, imported as Django imports it (django.setup() would add two seconds a
# probe, loading every app, and change none of these values).
PROBE = (
    "import importlib, json, os; settings = importlib.import_module(os.environ['DJANGO_SETTINGS_MODULE']);"
    "print(json.dumps({'db': settings.DATABASES['default']['ENGINE'],"
    " 'layer': settings.CHANNEL_LAYERS['default']['BACKEND'], 'search': settings.PORTAL_SEARCH['BACKEND'],"
    " 'email': settings.EMAIL_BACKEND, 'debug': settings.DEBUG}))"
)
SERVICE_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "ELASTICSEARCH_URL",
    "EMAIL_HOST",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
)


def run_settings(module: str, code: str = PROBE, **env_vars):
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env.update(DJANGO_SETTINGS_MODULE=module, PORTAL_VAR_DIR=str(ROOT / "var" / "settings-test"), **env_vars)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def chosen(module: str, **env_vars) -> dict:
    result = run_settings(module, **env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


POSTGRES = "postgres://u:p@127.0.0.1:5433/x"
REDIS = "redis://127.0.0.1:6390/0"
ELASTIC = "http://127.0.0.1:9201"


@pytest.mark.parametrize("with_db", [False, True])
@pytest.mark.parametrize("with_redis", [False, True])
@pytest.mark.parametrize("with_es", [False, True])
def test_each_server_is_chosen_by_its_own_variable(with_db, with_redis, with_es):
    env = {}
    if with_db:
        env["DATABASE_URL"] = POSTGRES
    if with_redis:
        env["REDIS_URL"] = REDIS
    if with_es:
        env["ELASTICSEARCH_URL"] = ELASTIC
    picked = chosen("portal.settings.dev", **env)
    assert picked["db"] == ("django.db.backends.postgresql" if with_db else "django.db.backends.sqlite3")
    assert picked["layer"] == (
        "channels_redis.pubsub.RedisPubSubChannelLayer" if with_redis else "channels.layers.InMemoryChannelLayer"
    )
    assert picked["search"] == (
        "search.backends.elasticsearch.ElasticsearchBackend" if with_es else "search.backends.database.DatabaseBackend"
    )


def test_embedded_demo_needs_nothing_and_prints_mail():
    picked = chosen("portal.settings.dev")
    assert picked["debug"] is True
    assert picked["email"] == "django.core.mail.backends.console.EmailBackend"
    assert (
        chosen("portal.settings.dev", EMAIL_HOST="smtp.example.org")["email"]
        == "django.core.mail.backends.smtp.EmailBackend"
    )


PROD_ENV = {
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-entropy-1234567890",
    "DJANGO_ALLOWED_HOSTS": "portail.example.org",
    "DATABASE_URL": POSTGRES,
    "REDIS_URL": REDIS,
    "ELASTICSEARCH_URL": ELASTIC,
}


@pytest.mark.parametrize("missing", sorted(PROD_ENV))
def test_prod_refuses_to_start_without_each_secret_or_server(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = run_settings("portal.settings.prod", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


def test_prod_refuses_sqlite():
    result = run_settings("portal.settings.prod", **{**PROD_ENV, "DATABASE_URL": "sqlite:////tmp/x.sqlite3"})
    assert result.returncode != 0 and "PostgreSQL" in result.stderr


CHECK_DEPLOY = (
    "import json, django; from django.conf import settings; django.setup();"
    "from django.core.management import call_command; call_command('check', deploy=True, fail_level='WARNING');"
    "print(json.dumps({'debug': settings.DEBUG, 'db': settings.DATABASES['default']['ENGINE'],"
    " 'apps': settings.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS'],"
    " 'form_action': settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']}))"
)


def test_prod_passes_check_deploy_with_single_sign_on_off_by_default():
    result = run_settings("portal.settings.prod", code=CHECK_DEPLOY, **PROD_ENV, PTCE_OIDC_SERVER_URL="")
    assert result.returncode == 0, result.stderr + result.stdout
    picked = json.loads(result.stdout.strip().splitlines()[-1])
    assert picked == {"debug": False, "db": "django.db.backends.postgresql", "apps": [], "form_action": ["'self'"]}


def test_single_sign_on_is_on_once_its_provider_is_set_and_prod_stays_clean_with_it():
    on = run_settings(
        "portal.settings.prod",
        code=CHECK_DEPLOY,
        **PROD_ENV,
        PTCE_OIDC_SERVER_URL="https://auth.example.org/api/v2/",
        PTCE_OIDC_PROVIDER_ID="proconnect",
        PTCE_OIDC_NAME="ProConnect",
        PTCE_OIDC_CLIENT_ID="portail",
        PTCE_OIDC_CLIENT_SECRET="secret",
    )
    assert on.returncode == 0, on.stderr + on.stdout
    picked = json.loads(on.stdout.strip().splitlines()[-1])
    [app] = picked["apps"]
    assert (app["provider_id"], app["name"], app["settings"]["server_url"]) == (
        "proconnect",
        "ProConnect",
        "https://auth.example.org/api/v2",
    )
    assert app["settings"]["new_accounts"] is False  # accounts from invitations unless PTCE_OIDC_NEW_ACCOUNTS=1
    assert app["settings"]["emails_verified"] is False  # `email_verified` required unless PTCE_OIDC_EMAIL_VERIFIED=1
    # The sign-in button's form is redirected to the provider: the policy lets it go there, and only there.
    assert picked["form_action"] == ["'self'", "https://auth.example.org"]
