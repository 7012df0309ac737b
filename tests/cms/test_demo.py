"""The demo site's pages: the whole tree, built again without duplicates."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Page

from cms.demo import load_pages
from cms.events.models import EventPage, EventRegistration
from cms.models import AxisPage, ClubPage, NewsPage, StandardPage
from portal.members.models import Person, Role, RoleAssignment
from tests.factories import AxisFactory, ClubFactory, PersonFactory


def test_demo_pages_build_the_tree_and_can_be_loaded_again(home, client):
    axes = [AxisFactory(number=number) for number in (1, 2, 5)]
    axes[1].coordinators.add(PersonFactory())
    clubs = {"tanneries": ClubFactory(), "vergers": ClubFactory()}

    load_pages(axes=axes, clubs=clubs)
    counts = {
        "pages": Page.objects.count(),
        "registrations": EventRegistration.objects.count(),
        "groups": Group.objects.count(),
    }
    load_pages(axes=axes, clubs=clubs)
    assert counts == {
        "pages": Page.objects.count(),
        "registrations": EventRegistration.objects.count(),
        "groups": Group.objects.count(),
    }

    assert AxisPage.objects.count() == 3 and ClubPage.objects.count() == 2
    assert 4 <= NewsPage.objects.live().count() <= 6
    assert set(StandardPage.objects.values_list("slug", flat=True)) == {"a-propos", "mentions-legales", "accessibilite"}
    footer = client.get("/").content.decode().split('<footer class="site-footer">', 1)[1]
    statement = StandardPage.objects.get(slug="accessibilite")
    legal = StandardPage.objects.get(slug="mentions-legales")
    assert f'<a href="{statement.url}">Accessibilité : non conforme</a>' in footer and f'href="{legal.url}"' in footer
    kinds = set(EventPage.objects.live().values_list("kind", flat=True))
    assert {"breakfast", "workshop", "after_work", "exchange_session"} <= kinds
    past = EventPage.objects.get(slug="assises-du-pole")
    assert past.is_past and past.registrations.filter(status="confirmed").exists()
    for page in Page.objects.live().filter(depth__gte=2):
        assert client.get(page.url).status_code == 200, page.url


@pytest.mark.django_db
def test_the_demo_person_with_two_roles_edits_her_axis_and_her_club_pages_only(client):
    """The CCI's adviser coordinates an axis and animates a club: the demo gives her both jobs in
    Wagtail (the groups follow her assignments), and nothing of the other axes and clubs."""
    call_command("load_demo", stdout=io.StringIO())
    held = RoleAssignment.objects.filter(role__in=[Role.COORDINATOR, Role.ANIMATOR], scope_kind__in=["axis", "club"])
    coordinators = set(held.filter(role=Role.COORDINATOR).values_list("person_id", flat=True))
    animators = set(held.filter(role=Role.ANIMATOR).values_list("person_id", flat=True))
    person = Person.objects.get(pk__in=coordinators & animators)
    axis_id = held.get(person=person, role=Role.COORDINATOR).scope_id
    club_id = held.get(person=person, role=Role.ANIMATOR).scope_id
    user = person.user
    assert AxisPage.objects.get(axis_id=axis_id).permissions_for_user(user).can_edit()
    assert ClubPage.objects.get(club_id=club_id).permissions_for_user(user).can_edit()
    assert not any(page.permissions_for_user(user).can_edit() for page in AxisPage.objects.exclude(axis_id=axis_id))
    assert not any(page.permissions_for_user(user).can_edit() for page in ClubPage.objects.exclude(club_id=club_id))
