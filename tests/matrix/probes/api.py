"""Probes of the API's rules (#21): a token reads what its owner may, nothing else."""

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cms.events import services as event_services
from cms.events.models import EventIndexPage
from cms.models import HomePage
from knowledge.exchange import services as exchange_services
from portal.api import services as api_services
from portal.api.models import ApiToken
from tests.cms.pages import add_event, add_page
from tests.factories import MessageFactory, PersonFactory, WorkgroupFactory, WorkgroupMembershipFactory
from workgroups.models import Meeting

from ..kit import allowed, client_for, probe


def _api(user) -> Client:
    """A client carrying a fresh token of `user` (no header for anonymous)."""
    if user is None:
        return Client()
    secret = api_services.token_create(person=user.person, name="Sonde")[1]
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _agenda():
    agenda = EventIndexPage.objects.first()
    return agenda or add_page(HomePage.objects.get(), EventIndexPage, title="Agenda")


@probe("api.token.create")
def token_create(world, user, inside):
    # One's own account is the scope: inside and outside are the same page.
    return allowed(client_for(user).post(reverse("api_tokens:list"), {"name": "Mon script"})) and (
        ApiToken.objects.filter(person__user=user).exists()
    )


@probe("api.token.revoke")
def token_revoke(world, user, inside):
    owner = user.person if inside and user is not None else PersonFactory(organisation=world.org_out)
    token, _ = api_services.token_create(person=owner, name="À révoquer")
    client_for(user).post(reverse("api_tokens:revoke", args=[token.pk]))
    token.refresh_from_db()
    return token.revoked_at is not None


@probe("api.workgroup.messages")
def workgroup_messages(world, user, inside):
    workgroup = WorkgroupFactory(axis=world.inside("axis", inside))
    MessageFactory(workgroup=workgroup, body="Dans le groupe")
    if inside and user is not None:
        WorkgroupMembershipFactory(workgroup=workgroup, person=user.person)
    response = _api(user).get(f"/api/v1/me/workgroups/{workgroup.slug}/messages")
    return response.status_code == 200 and [item["body"] for item in response.json()["results"]] == ["Dans le groupe"]


@probe("api.me.registrations")
def my_registrations(world, user, inside):
    event = add_event(_agenda(), days=5, title=f"Atelier {'dedans' if inside else 'dehors'}")
    person = user.person if inside and user is not None else PersonFactory(organisation=world.org_out)
    event_services.registration_create(event=event, name="Camille", email=person.user.email, person=person)
    response = _api(user).get("/api/v1/me/registrations")
    return response.status_code == 200 and event.title in [item["event"] for item in response.json()["results"]]


@probe("api.me.meetings")
def my_meetings(world, user, inside):
    workgroup = WorkgroupFactory(axis=world.inside("axis", inside))
    title = f"Réunion {'dedans' if inside else 'dehors'}"
    Meeting.objects.create(workgroup=workgroup, title=title, starts_at=timezone.now() + datetime.timedelta(days=3))
    if inside and user is not None:
        WorkgroupMembershipFactory(workgroup=workgroup, person=user.person)
    response = _api(user).get("/api/v1/me/meetings")
    return response.status_code == 200 and title in [item["title"] for item in response.json()["results"]]


@probe("api.me.sheets")
def my_sheets(world, user, inside):
    owner = user if inside and user is not None else PersonFactory(organisation=world.org_out).user
    title = f"Fiche {'dedans' if inside else 'dehors'}"
    exchange_services.sheet_create(
        by=owner, organisation=owner.person.organisation, direction="offer", category="waste", title=title,
        description=".",
    )  # fmt: skip
    response = _api(user).get("/api/v1/me/sheets")
    return response.status_code == 200 and title in [item["title"] for item in response.json()["results"]]


@probe("api.public.events")
def public_events(world, user, inside):
    event = add_event(_agenda(), days=3, title=f"Ouvert à tous {'dedans' if inside else 'dehors'}")
    response = _api(user).get("/api/v1/events")
    return response.status_code == 200 and event.title in [item["title"] for item in response.json()["results"]]
