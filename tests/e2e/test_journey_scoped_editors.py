"""Journeys of the people who edit one part of the site, in the Wagtail admin at 1280x800 and on the
site: a person who coordinates an axis and animates a club does both jobs in one session (news of the
axis, the club's page, the club event's attendance), and nothing of another club's. Each screen is
checked by axe-core. (A coordinator's own image on her axis's news, and another axis refused, are
steps of release two's journey 3: tests/e2e/test_journey_participation.py.)"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cms import services
from cms.events.models import EventIndexPage, EventKind, EventRegistration, RegistrationStatus
from cms.models import ClubPage, HomePage, NewsIndexPage, NewsPage
from portal.members import services as member_services
from portal.members.models import PersonRole, Role
from portal.members.scopes import ScopeKind
from tests.cms.pages import add_event, add_page, axis_page
from tests.e2e.axe import assert_no_blocking_violation
from tests.e2e.conftest import signed_in_context
from tests.factories import AxisFactory, ClubFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADMIN_VIEWPORT = {"width": 1280, "height": 800}
# Two widgets of Wagtail 8 itself name their text box nowhere axe looks: the tag field (jQuery tag-it
# adds an unlabelled box beside the labelled one) and the rich text editor (Draftail's editable div,
# described but not labelled). Wagtail's markup, not the portal's: every other element is checked.
WAGTAIL_OWN_UNLABELLED = [".ui-autocomplete-input", ".public-DraftEditor-content"]


def assert_accessible(page, name):
    assert_no_blocking_violation(page, name, context={"exclude": WAGTAIL_OWN_UNLABELLED})


def _grant(person, role, scope, by):
    kind = ScopeKind.AXIS if role == Role.COORDINATOR else ScopeKind.CLUB
    member_services.role_grant(person=person, role=role, scope_kind=kind, scope_id=scope.pk, by=by)


@pytest.fixture
def two_axes_and_two_clubs():
    """Axes "Alimentation durable" and "Mobilité", clubs "Tanneries" and "Gare", each with its page,
    news and agenda; the administrators' rights and the approval workflow as in production."""
    home = HomePage.objects.get()
    administrator = member_services.person_create(user=UserFactory(), role=PersonRole.ADMINISTRATOR).user
    site = {"administrator": administrator}
    axes = (("food", AxisFactory(number=12, title="Alimentation durable")), ("mobility", AxisFactory(number=13)))
    for key, axis in axes:
        page = axis_page(home, axis)
        site[key] = {"axis": axis, "page": page, "news": add_page(page, NewsIndexPage, title=f"Actualités {key}")}
    for key, club in (
        ("tanneries", ClubFactory(name="Club des Tanneries")),
        ("gare", ClubFactory(name="Club de la Gare")),
    ):
        page = add_page(home, ClubPage, title=club.name, slug=f"club-{key}", club=club)
        agenda = add_page(page, EventIndexPage, title=f"Agenda {club.name}", slug="agenda")
        site[key] = {"club": club, "page": page, "agenda": agenda}
    services.publishing_setup()
    return site


def admin_page(browser, browser_context_args, live_portal, who):
    context = signed_in_context(browser, browser_context_args, live_portal, who, viewport=ADMIN_VIEWPORT)
    return context.new_page()


def click_hidden(page, selector):
    """Wagtail keeps secondary actions in a dropdown of the footer: press the button itself."""
    page.locator(selector).first.evaluate("button => button.click()")


def test_a_coordinator_who_animates_a_club_does_both_jobs_in_one_session(
    browser, browser_context_args, live_portal, two_axes_and_two_clubs, screenshot
):
    site = two_axes_and_two_clubs
    person = PersonFactory()
    _grant(person, Role.COORDINATOR, site["food"]["axis"], site["administrator"])
    _grant(person, Role.ANIMATOR, site["tanneries"]["club"], site["administrator"])
    breakfast = add_event(site["tanneries"]["agenda"], days=-1, title="Petit-déjeuner des Tanneries",
                          kind=EventKind.WORKSHOP, capacity=20)  # fmt: skip
    other_breakfast = add_event(site["gare"]["agenda"], days=-1, title="Petit-déjeuner de la Gare", capacity=20)
    for number, event in enumerate((breakfast, other_breakfast)):
        EventRegistration.objects.create(
            event=event, name=f"Camille Roux {number}", email=f"camille{number}@exemple.test",
            status=RegistrationStatus.CONFIRMED, cancel_token_hash=f"e2e-{number}",
        )  # fmt: skip
    page = admin_page(browser, browser_context_args, live_portal, person)

    # The axis's job: a news item under the axis, saved as a draft.
    news = site["food"]["news"]
    page.goto(reverse("wagtailadmin_pages:add", args=["cms", "newspage", news.pk]))
    page.locator("#id_title").fill("Marché de producteurs")
    page.locator("#id_summary").fill("Un marché chaque jeudi.")
    page.locator("#id_slug").evaluate("input => { input.value = 'marche-de-producteurs'; }")
    page.locator("button.action-save").first.click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/"))
    assert NewsPage.objects.filter(title="Marché de producteurs").exists()
    screenshot(page, "two-roles-1-axis-news")

    # The club's job: its page's editor opens, and its event's attendance is recorded on the site.
    page.goto(reverse("wagtailadmin_pages:edit", args=[site["tanneries"]["page"].pk]))
    expect(page.locator("#id_introduction")).to_be_visible()
    page.locator("#id_introduction").fill("Les entreprises de la zone des Tanneries.")
    assert_accessible(page, "the club page's editor of its animator")
    page.locator("button.action-save").first.click()
    expect(page.locator(".messages")).to_contain_text(re.compile(r"\S"))
    club_page = ClubPage.objects.get(pk=site["tanneries"]["page"].pk)
    assert club_page.get_latest_revision_as_object().introduction.startswith("Les entreprises")
    screenshot(page, "two-roles-2-club-page")

    page.goto(breakfast.url + breakfast.reverse_subpage("presence"))
    page.get_by_label(re.compile("Camille Roux 0")).check()
    assert_accessible(page, "the attendance of a club event")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.locator("main")).to_contain_text("1")
    assert EventRegistration.objects.get(event=breakfast).attended is True
    screenshot(page, "two-roles-3-attendance")

    # Nothing of another club's: its page's editor and its event's registrations are refused.
    response = page.request.get(live_portal + other_breakfast.url + other_breakfast.reverse_subpage("presence"))
    assert response.status == 403 and "Camille Roux 1" not in response.text()
    page.goto(reverse("wagtailadmin_pages:edit", args=[site["gare"]["page"].pk]))
    expect(page).not_to_have_url(re.compile(rf"/admin/pages/{site['gare']['page'].pk}/edit/"))
