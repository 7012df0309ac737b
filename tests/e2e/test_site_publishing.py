"""Journey of an axis coordinator: signs in, writes a news item under their axis in the Wagtail
admin and submits it; the administrator approves it; the news item is then live on the public site
and found by the site's search."""

import re

import pytest
from playwright.sync_api import expect

from cms import services
from cms.models import HomePage, NewsIndexPage, NewsPage
from portal.members import services as member_services
from portal.members.models import PersonRole, Role
from portal.members.scopes import ScopeKind
from tests.cms.pages import add_page, axis_page
from tests.e2e.conftest import search_until_found, sign_in_through_the_form
from tests.factories import PASSWORD, AxisFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def desk():
    coordinator = PersonFactory()
    axis = AxisFactory(title="Alimentation durable")
    axis_home = axis_page(HomePage.objects.get(), axis)
    news = add_page(axis_home, NewsIndexPage, title="Actualités de l'axe", slug="actualites")
    administrator = member_services.person_create(user=UserFactory(), role=PersonRole.ADMINISTRATOR)
    member_services.role_grant(person=coordinator, role=Role.COORDINATOR, scope_kind=ScopeKind.AXIS,
                               scope_id=axis.pk, by=administrator.user)  # fmt: skip
    services.publishing_setup()
    return coordinator, administrator, news


def click_hidden(page, selector):
    """Wagtail keeps secondary actions in a dropdown of the footer: press the button itself."""
    page.locator(selector).first.evaluate("button => button.click()")


def test_coordinator_writes_news_the_administrator_approves_and_search_finds_it(
    search_index, browser, browser_context_args, live_portal, desk, screenshot
):
    coordinator, administrator, news = desk
    writer = browser.new_context(**browser_context_args).new_page()
    sign_in_through_the_form(writer, coordinator.user.email, PASSWORD)
    screenshot(writer, "journey-coordinator-1-signed-in")

    # To the axis's news in the admin: the site's menu, then Wagtail's page explorer.
    writer.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Administration").click()
    writer.get_by_role("button", name="Pages").click()
    writer.get_by_role("link", name="Actualités de l'axe").first.click()
    expect(writer).to_have_url(re.compile(rf"/admin/pages/{news.pk}/$"))
    writer.get_by_role("link", name="Ajouter une sous-page").first.click()  # news is its only allowed child
    writer.locator("#id_title").fill("Une cantine en circuit court")
    writer.locator("#id_summary").fill("Le collège Jean-Moulin sert des produits locaux et trie ses biodéchets.")
    writer.locator("#id_slug").evaluate("input => { input.value = 'une-cantine-en-circuit-court'; }")
    screenshot(writer, "journey-coordinator-2-writing")
    click_hidden(writer, 'button[name="action-submit"]')
    expect(writer).to_have_url(re.compile(rf"/admin/pages/{news.pk}/$"))  # back to the news index
    screenshot(writer, "journey-coordinator-3-submitted")
    item = NewsPage.objects.get(title="Une cantine en circuit court")
    assert not item.live and item.workflow_in_progress
    assert writer.context.request.get(live_portal + item.url).status == 404  # not public before approval

    approver = browser.new_context(**browser_context_args).new_page()
    sign_in_through_the_form(approver, administrator.user.email, PASSWORD)
    # The admin's dashboard lists what awaits the administrator's review.
    approver.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Administration").click()
    approver.get_by_role("link", name="Une cantine en circuit court").first.click()
    expect(approver).to_have_url(re.compile(rf"/admin/pages/{item.pk}/edit/"))
    screenshot(approver, "journey-coordinator-4-review")
    click_hidden(approver, 'button[data-workflow-action-name="approve"], button[name="action-workflow-action"]')
    expect(approver.locator(".messages")).to_be_visible()
    item.refresh_from_db()
    assert item.live

    visitor = browser.new_context(**browser_context_args).new_page()
    visitor.goto(item.url)
    expect(visitor.locator("h1")).to_have_text("Une cantine en circuit court")
    screenshot(visitor, "journey-coordinator-5-published")
    # Published means indexed: the site's search finds it.
    result = search_until_found(visitor, "biodéchets", "Une cantine en circuit court")
    expect(result).to_be_visible()
    screenshot(visitor, "journey-coordinator-6-found")
    result.click()
    expect(visitor.locator("h1")).to_have_text("Une cantine en circuit court")
