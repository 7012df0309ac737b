"""Probes of the members directory's rules."""

from django.test import override_settings
from django.urls import reverse

from ..kit import allowed, client_for, probe


@probe("members.roles.admin_screen")
def roles_admin_screen(world, user, inside):
    # The roles screen is the cluster's (one scope): inside and outside are the same page.
    return allowed(client_for(user).get(reverse("role_assignments:index")))


@probe("members.organisation.edit")
def organisation_edit(world, user, inside):
    organisation = world.inside("org", inside)
    return allowed(client_for(user).get(reverse("members:organisation_edit", args=[organisation.slug])))


@probe("members.register.lookup")
def register_lookup(world, user, inside):
    # The register is the whole country's: no scope, inside and outside are the same search. Whoever
    # may edit an organisation (the staff's own) or animates a club may search it; the register itself
    # is down in the tests (nothing listens), which answers 503 to someone allowed, 403 to the others.
    response = client_for(user).get(reverse("members:register_lookup"), {"q": "menuiserie"})
    return response.status_code == 503


# Accounts (#16). One's own account is the scope: inside and outside are the same page.


@probe("members.account.password_change")
def account_password_change(world, user, inside):
    return allowed(client_for(user).get(reverse("members:password_change")))


@probe("members.account.two_factor_setup")
def account_two_factor_setup(world, user, inside):
    return allowed(client_for(user).get(reverse("members:two_factor")))


@probe("members.account.pages_without_two_factor")
def account_pages_without_two_factor(world, user, inside):
    """With two-factor authentication required (production), may the role browse without setting it up?
    Refused: every page leads to the setup page (or, anonymous, to the sign-in)."""
    with override_settings(PORTAL_REQUIRE_TWO_FACTOR=True):
        return client_for(user).get(reverse("members:profile")).status_code == 200


@probe("members.account.calendar_address")
def account_calendar_address(world, user, inside):
    return allowed(client_for(user).get(reverse("members:calendar_address")))
