"""The data migration members.0008 records today's addresses for django-allauth: every existing account
keeps signing in, whatever the case of its address, and one made in the admin by its username."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from tests.factories import PASSWORD

BEFORE = [("members", "0007_located_zones_register_count"), ("account", "0009_emailaddress_unique_primary_email")]
MIGRATION = ("members", "0008_account_email_addresses")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_account_keeps_signing_in_and_the_migration_can_be_undone_and_done_again(client):
    """One trip back to the first release's tables (a minute of migrations each way) serves both."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    def recorded():
        return {(a.user_id, a.email, a.verified, a.primary) for a in EmailAddress.objects.all()}

    try:
        apps = _migrate(BEFORE)
        User = apps.get_model("auth", "User")
        password = make_password(PASSWORD)

        def account(username, email, **extra):
            return User.objects.create(username=username, email=email, password=password, **extra).pk

        ids = {
            "mixed_case": account("camille.martin@example.org", "Camille.Martin@Example.org"),
            "plain": account("lea.fontaine@example.org", "lea.fontaine@example.org"),
            "no_address": account("gestion", ""),
            "shared_inactive": account("ancien@example.org", "partage@example.org", is_active=False),
            "shared_active": account("actuel@example.org", "partage@example.org"),
        }
        _migrate([MIGRATION])
        expected = {
            (ids["mixed_case"], "camille.martin@example.org", True, True),
            (ids["plain"], "lea.fontaine@example.org", True, True),
            (ids["shared_active"], "partage@example.org", True, True),
        }
        assert recorded() == expected
        # Undone: the addresses go; done again: the same ones come back.
        _migrate(BEFORE)
        assert recorded() == set()
        _migrate([MIGRATION])
        assert recorded() == expected
    finally:
        MigrationExecutor(connection).migrate(_latest())

    def signs_in(login) -> int | None:
        cache.clear()
        client.logout()
        client.post(reverse("members:login"), {"login": login, "password": PASSWORD})
        return int(client.session["_auth_user_id"]) if "_auth_user_id" in client.session else None

    assert signs_in("camille.martin@EXAMPLE.org") == ids["mixed_case"]
    assert signs_in("lea.fontaine@example.org") == ids["plain"]
    assert signs_in("gestion") == ids["no_address"]
    assert signs_in("partage@example.org") == ids["shared_active"]
