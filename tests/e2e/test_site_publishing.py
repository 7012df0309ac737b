"""A coordinator writes a news item under their axis in the Wagtail admin and submits it; the
administrator approves it; the news item is then live on the public site."""

import re

import pytest
from playwright.sync_api import expect

from cms import services
from cms.models import HomePage, NewsIndexPage, NewsPage
from portal.members import services as member_services
from portal.members.models import PersonRole
from tests.cms.pages import add_page, axis_page
from tests.e2e.test_chat import signed_in_context
from tests.factories import AxisFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def desk():
    coordinator = PersonFactory(role=PersonRole.COORDINATOR)
    axis = AxisFactory(title="Alimentation durable")
    axis.coordinators.add(coordinator)
    axis_home = axis_page(HomePage.objects.get(), axis)
    news = add_page(axis_home, NewsIndexPage, title="Actualités de l'axe", slug="actualites")
    administrator = member_services.person_create(user=UserFactory(), role=PersonRole.ADMINISTRATOR)
    services.publishing_setup()
    return coordinator, administrator, news


def click_hidden(page, selector):
    """Wagtail keeps secondary actions in a dropdown of the footer: press the button itself."""
    page.locator(selector).first.evaluate("button => button.click()")


def test_coordinator_submits_news_and_administrator_approves(
    browser, browser_context_args, live_portal, desk, screenshot
):
    coordinator, administrator, news = desk
    writer = signed_in_context(browser, browser_context_args, live_portal, coordinator).new_page()
    writer.goto(f"/admin/pages/add/cms/newspage/{news.pk}/")
    writer.locator("#id_title").fill("Une cantine en circuit court")
    writer.locator("#id_summary").fill("Le collège Jean-Moulin sert des produits locaux.")
    writer.locator("#id_slug").evaluate("input => { input.value = 'une-cantine-en-circuit-court'; }")
    click_hidden(writer, 'button[name="action-submit"]')
    expect(writer).to_have_url(re.compile(rf"/admin/pages/{news.pk}/$"))  # back to the news index
    item = NewsPage.objects.get(title="Une cantine en circuit court")
    assert not item.live and item.workflow_in_progress
    assert writer.context.request.get(live_portal + item.url).status == 404  # not public before approval

    approver = signed_in_context(browser, browser_context_args, live_portal, administrator).new_page()
    approver.goto(f"/admin/pages/{item.pk}/edit/")
    click_hidden(approver, 'button[data-workflow-action-name="approve"], button[name="action-workflow-action"]')
    expect(approver.locator(".messages")).to_be_visible()
    item.refresh_from_db()
    assert item.live

    visitor = browser.new_context(**browser_context_args).new_page()
    visitor.goto(item.url)
    expect(visitor.locator("h1")).to_have_text("Une cantine en circuit court")
    screenshot(visitor, "site-news-published")
