"""The demo site's pages: the whole tree, built again without duplicates."""

from django.contrib.auth.models import Group
from wagtail.models import Page

from cms.demo import load_pages
from cms.events.models import EventPage, EventRegistration
from cms.models import AxisPage, ClubPage, NewsPage, StandardPage
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
    assert set(StandardPage.objects.values_list("slug", flat=True)) == {"a-propos", "mentions-legales"}
    kinds = set(EventPage.objects.live().values_list("kind", flat=True))
    assert {"breakfast", "workshop", "after_work", "exchange_session"} <= kinds
    past = EventPage.objects.get(slug="assises-du-pole")
    assert past.is_past and past.registrations.filter(status="confirmed").exists()
    for page in Page.objects.live().filter(depth__gte=2):
        assert client.get(page.url).status_code == 200, page.url
