"""Every existing account's address becomes its verified primary sign-in address for django-allauth.

Sign-in finds an account by it whatever the case it was typed in, a password reset lifts the lockout
of the addresses recorded here, and two-factor setup needs them verified (each was proven by the
invitation link sent to it). Accounts without an address keep signing in by their username. Two
accounts sharing an address (possible through the admin): the active one signed in last gets it,
the other keeps its username. Backwards, the rows are removed; the accounts themselves never change.
"""

from django.conf import settings
from django.db import migrations
from django.db.models import F


def record_addresses(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    EmailAddress = apps.get_model("account", "EmailAddress")
    taken = set(EmailAddress.objects.filter(verified=True).values_list("email", flat=True))
    with_primary = set(EmailAddress.objects.filter(primary=True).values_list("user_id", flat=True))
    existing = set(EmailAddress.objects.values_list("user_id", "email"))
    rows = []
    accounts = (
        User.objects.exclude(email="")
        .order_by("-is_active", F("last_login").desc(nulls_last=True), "pk")
        .values_list("pk", "email")
    )
    for pk, email in accounts.iterator(chunk_size=2000):
        address = email.strip().lower()
        if not address or address in taken or (pk, address) in existing:
            continue
        taken.add(address)
        rows.append(EmailAddress(user_id=pk, email=address, verified=True, primary=pk not in with_primary))
        with_primary.add(pk)
    EmailAddress.objects.bulk_create(rows, batch_size=1000)


def remove_addresses(apps, schema_editor):
    apps.get_model("account", "EmailAddress").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_located_zones_register_count"),
        ("account", "0009_emailaddress_unique_primary_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(record_addresses, remove_addresses)]
