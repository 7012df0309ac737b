"""Probes of the members directory's rules."""

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
