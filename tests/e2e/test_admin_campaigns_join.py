"""The campaigns' and membership requests' admin lists on a phone (390×844): an animator of the club
opens them, sees her club's rows, and nothing breaks (no server error); she renames a campaign there
(its goal and date too), with no serious or critical axe violation on the list and the form."""

import pytest
from playwright.sync_api import expect

from portal.clubs.models import Campaign, JoinRequest
from portal.members import services as member_services
from portal.members.demo import fictional_siret
from portal.members.models import PersonRole, Role
from portal.members.scopes import ScopeKind
from tests.e2e.conftest import signed_in_context
from tests.e2e.test_journey_scoped_editors import assert_accessible
from tests.factories import ClubFactory, OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_lists_open_on_a_phone(browser, browser_context_args, live_portal):
    administrator = UserFactory(is_superuser=True, is_staff=True)
    club = ClubFactory(name="Club des Tanneries")
    claire = PersonFactory(role=PersonRole.MEMBER, organisation=OrganisationFactory())
    member_services.role_grant(
        person=claire, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk, by=administrator
    )
    campaign = Campaign.objects.create(club=club, zone=club.zone, title="Petit-déjeuner de mars")
    JoinRequest.objects.create(
        zone=club.zone, club=club, name="Imprimerie Vasseur", kind="classic_firm", siret=fictional_siret(4243),
        first_name="Lucie", last_name="Vasseur", email="lucie@example.org",
    )  # fmt: skip
    context = signed_in_context(
        browser, browser_context_args, live_portal, claire, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    lists = (("/admin/campaigns/", "Petit-déjeuner de mars"), ("/admin/join-requests/", "Imprimerie Vasseur"))
    for path, text in lists:
        response = page.goto(live_portal + path)
        assert response.status < 500, path
        expect(page.get_by_text(text).first).to_be_visible()
        assert_accessible(page, f"{path} on a phone")

    page.goto(f"{live_portal}/admin/campaigns/edit/{campaign.pk}/")
    page.get_by_role("textbox", name="Titre").fill("Petit-déjeuner d'avril")
    page.get_by_role("textbox", name="Objectif").fill("Dix nouveaux membres")
    assert_accessible(page, "the campaign's form on a phone")
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.get_by_role("link", name="Petit-déjeuner d'avril")).to_be_visible()
    campaign.refresh_from_db()
    assert (campaign.title, campaign.goal) == ("Petit-déjeuner d'avril", "Dix nouveaux membres")
    context.close()
