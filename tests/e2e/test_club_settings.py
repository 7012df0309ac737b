"""The cluster's pace for its clubs (#20), as an administrator sets it on a phone (390×844) and a
desktop (1280×800): Settings → Clubs, a limit out of range refused in French, a good one saved; no
serious or critical axe violation."""

import pytest
from playwright.sync_api import expect

from portal.clubs.models import ClubSettings
from portal.members import services as member_services
from portal.members.models import PersonRole
from tests.e2e.conftest import settle_animations, signed_in_context
from tests.e2e.test_journey_scoped_editors import assert_accessible
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_an_administrator_sets_how_long_a_club_may_stay_in_a_stage(
    browser, browser_context_args, live_portal, screenshot, device
):
    administrator = member_services.person_create(user=UserFactory(), role=PersonRole.ADMINISTRATOR).user
    page = signed_in_context(
        browser, browser_context_args, live_portal, administrator, viewport=VIEWPORTS[device]
    ).new_page()
    page.goto("/admin/settings/clubs/clubsettings/")
    months = page.get_by_role("spinbutton", name="Mois dans une étape avant une alerte")
    expect(months).to_have_value("12")
    assert_accessible(page, f"the clubs' settings ({device})")

    months.fill("500")
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.get_by_text("inférieure ou égale à 120", exact=False)).to_be_visible()
    settle_animations(page)
    assert_accessible(page, f"the clubs' settings with an error ({device})")
    assert ClubSettings.load().stage_max_months == 12

    page.get_by_role("spinbutton", name="Mois dans une étape avant une alerte").fill("24")
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.locator(".messages")).to_be_visible()
    screenshot(page, f"club-settings-{device}")
    assert ClubSettings.load().stage_max_months == 24
    page.context.close()
