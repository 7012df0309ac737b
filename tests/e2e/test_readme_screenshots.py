"""The README's screenshots, taken on the demo cluster (`manage.py load_demo`) at 1280×800, and two at
390×844 (a phone).

Every run takes them into test-artifacts/e2e/readme/, so this keeps working; to refresh the
committed ones in docs/screenshots/:

    PORTAL_README_SCREENSHOTS=1 ./run test tests/e2e/test_readme_screenshots.py
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cms.models import ClubPage
from knowledge.exchange import services as exchange_services
from knowledge.exchange.models import ExchangeSession, SessionStatus
from portal.members.models import Person
from tests.e2e.conftest import ARTIFACTS, signed_in_context
from workgroups.models import WorkgroupMembership

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORT = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MAX_BYTES = 300_000


@pytest.fixture
def demo(search_index):
    call_command("load_demo", stdout=io.StringIO())


def test_readme_screenshots_of_the_demo(search_index, browser, browser_context_args, live_portal, demo):
    """The home page, the directory, a workgroup room, a secretary's screen during a round, the growth
    dashboard; the home page and a club's page on a phone."""
    target = DOCS if os.environ.get("PORTAL_README_SCREENSHOTS") == "1" else ARTIFACTS / "readme"
    target.mkdir(parents=True, exist_ok=True)
    args = {**browser_context_args, "viewport": VIEWPORT}

    def shoot(page, name):
        page.mouse.move(0, 0)  # no hover effect
        path = target / f"{name}.png"
        page.screenshot(path=str(path), full_page=False, animations="disabled", caret="hide")
        assert path.stat().st_size < MAX_BYTES, f"{path} is {path.stat().st_size} bytes"

    visitor = browser.new_context(**args).new_page()
    visitor.goto("/")
    expect(visitor.get_by_role("region", name="Nos axes thématiques")).to_be_visible()
    shoot(visitor, "home")
    # The public directory, filtered as a visitor does on its form: every social-economy organisation.
    visitor.goto("/annuaire/")
    visitor.get_by_label("Type", exact=True).select_option(label="Toutes les structures de l'ESS")
    visitor.get_by_role("button", name="Filtrer").click()
    expect(visitor).to_have_url(re.compile(r"[?&]type=sse\b"))
    shoot(visitor, "directory")

    # The same site on a phone: the one-line header, then a club's page with its board and commissions.
    phone = browser.new_context(**{**browser_context_args, "viewport": PHONE}).new_page()
    phone.goto("/")
    expect(phone.get_by_role("region", name="Nos axes thématiques")).to_be_visible()
    shoot(phone, "home-phone")
    phone.goto(ClubPage.objects.live().order_by("path").first().url)
    expect(phone.get_by_role("region", name="Bureau", exact=True)).to_be_visible()
    shoot(phone, "club-page-phone")

    room = WorkgroupMembership.objects.filter(workgroup__slug="restauration-collective").select_related("person")
    chat = signed_in_context(browser, args, live_portal, room.first().person).new_page()
    chat.goto("/groupes/restauration-collective/")
    expect(chat.locator("body")).to_have_attribute("data-connection", "connected")
    expect(chat.locator("#message-list .chat-message").first).to_be_visible()
    shoot(chat, "workgroup-room")

    # The coming session of the demo, its first round started, seen from table 1's secretary.
    session = ExchangeSession.objects.filter(status=SessionStatus.PLANNED, tables__isnull=False).distinct().get()
    organiser = Person.objects.get(user__email__startswith="organisation.bourse@").user
    exchange_services.round_advance(session=session, by=organiser)
    table = session.tables.order_by("number").first()
    if table.secretary is None:
        secretary = Person.objects.get(user__email__startswith="membre.recyclerie@")
        exchange_services.table_assign(table=table, facilitator=None, secretary=secretary, by=organiser)
        table.refresh_from_db()
    tablet = signed_in_context(browser, args, live_portal, table.secretary).new_page()
    tablet.goto(f"/bourse/sessions/{session.pk}/tables/{table.number}/")
    expect(tablet.locator("#sheet-title")).to_be_visible()
    tablet.locator("#firms .answer-yes").first.click()
    expect(tablet.locator("body")).to_have_attribute("data-queue", "0")
    shoot(tablet, "exchange-secretary")

    administrator = Person.objects.get(user__email__startswith="admin@")
    dashboard = signed_in_context(browser, args, live_portal, administrator).new_page()
    dashboard.goto("/clubs/croissance/")
    expect(dashboard.get_by_role("heading", level=1)).to_have_text("Croissance des adhésions")
    shoot(dashboard, "growth-dashboard")
