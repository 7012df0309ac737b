"""An axis coordinator leads her axis from the site, on her phone: she creates a workgroup, adds a
member and makes him its facilitator, archives it; she creates the axis's action plan and adds an
action with its indicator. Every screen fits 390 px and 1280 px without sideways scrolling and has
no serious or critical axe-core violation; each is kept in test-artifacts/e2e/."""

import re

import pytest
from playwright.sync_api import expect

from portal.members import services as member_services
from portal.members.models import Role
from portal.members.scopes import ScopeKind
from tests.e2e.conftest import signed_in_context
from tests.e2e.test_site import assert_accessible
from tests.factories import AxisFactory, OrganisationFactory, PersonFactory, UserFactory
from workgroups.models import Workgroup, WorkgroupMembership, WorkgroupRole
from workgroups.plans.models import ActionPlan

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def coordinator():
    axis = AxisFactory(number=5, title="Mobilité et accessibilité", slug="mobilite")
    AxisFactory(number=2, title="Alimentation durable", slug="alimentation")
    person = PersonFactory(user__first_name="Claire", user__last_name="Vasseur")
    granter = UserFactory(is_superuser=True, is_staff=True)
    member_services.role_grant(
        person=person, role=Role.COORDINATOR, scope_kind=ScopeKind.AXIS, scope_id=axis.pk, by=granter
    )
    PersonFactory(user__first_name="Malik", user__last_name="Haddad", user__email="malik.haddad@example.org")
    OrganisationFactory(name="Transports solidaires du Val")
    return person


def check(page, screenshot, name, problems, *, after_post=False):
    """The screen fits its width and passes axe; kept as a screenshot. After a post, the screen is
    read again first: its one-time message is base.html's, whose list markup is fixed elsewhere."""
    if after_post:
        page.reload()
    screenshot(page, name)
    if not page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"):
        problems.append(f"{name}: scrolls sideways")
    assert_accessible(page, name)


def test_a_coordinator_leads_her_axis_workgroups_and_plan_from_her_phone(
    browser, browser_context_args, live_portal, coordinator, screenshot
):
    context = signed_in_context(browser, browser_context_args, live_portal, coordinator, viewport=PHONE)
    page = context.new_page()
    problems = []

    page.goto("/groupes/")
    page.get_by_role("link", name=re.compile("groupes que j")).click()
    expect(page.locator("h1")).to_have_text(re.compile("groupes que j"))
    check(page, screenshot, "coordination-1-phone-workgroups", problems)
    page.get_by_role("link", name="Créer un groupe").click()
    select = page.get_by_label("Axe ou club")
    expect(select.locator("option")).to_have_count(1)  # her axis only
    page.get_by_label("Nom").fill("Covoiturage des salariés du parc")
    page.get_by_label("Qui peut rejoindre").select_option("approval")
    check(page, screenshot, "coordination-2-phone-new-workgroup", problems)
    page.get_by_role("button", name="Créer le groupe").click()

    expect(page.locator("h1")).to_contain_text("Covoiturage des salariés du parc")
    page.get_by_label("Adresse e-mail ou @identifiant").fill("malik.haddad@example.org")
    page.locator("form", has=page.get_by_role("button", name="Ajouter au groupe")).get_by_label(
        "Rôle dans le groupe"
    ).select_option("facilitator")
    page.get_by_role("button", name="Ajouter au groupe").click()
    expect(page.locator(".manage-members")).to_contain_text("Malik Haddad")
    check(page, screenshot, "coordination-3-phone-manage", problems, after_post=True)
    workgroup = Workgroup.objects.get(name="Covoiturage des salariés du parc")
    malik = WorkgroupMembership.objects.get(workgroup=workgroup, person__user__first_name="Malik")
    assert malik.role == WorkgroupRole.FACILITATOR
    page.get_by_role("button", name="Archiver ce groupe").click()
    expect(page.get_by_role("button", name="Le rouvrir")).to_be_visible()

    page.goto("/plans-d-action/")
    page.get_by_role("link", name="Créer un plan").click()
    page.get_by_label("Titre").fill("Plan mobilité 2026")
    page.get_by_label("Public").check()
    check(page, screenshot, "coordination-4-phone-new-plan", problems)
    page.get_by_role("button", name="Créer le plan").click()
    expect(page.locator("h1")).to_have_text("Ajouter une action")
    page.reload()  # past the one-time message (see check)
    page.get_by_label("Titre").fill("Navette du parc")
    page.get_by_label("Structure pilote").select_option(label="Transports solidaires du Val")
    page.get_by_label("Indicateur").fill("salariés transportés")
    page.get_by_label("Cible").fill("120")
    check(page, screenshot, "coordination-5-phone-new-action", problems)
    page.get_by_role("button", name="Enregistrer l’action").click()
    expect(page.locator("main table")).to_contain_text("Navette du parc")
    check(page, screenshot, "coordination-6-phone-plan", problems, after_post=True)
    plan = ActionPlan.objects.get(title="Plan mobilité 2026")
    assert plan.actions.get().target_value == 120 and plan.axis.slug == "mobilite"

    # The same screens on a desktop.
    page.set_viewport_size(DESKTOP)
    for number, url in enumerate(
        (
            "/groupes/coordination/",
            f"/groupes/{workgroup.slug}/gestion/",
            f"/plans-d-action/{plan.slug}/",
            f"/plans-d-action/{plan.slug}/actions/nouvelle/",
        ),
        start=7,
    ):
        page.goto(url)
        check(page, screenshot, f"coordination-{number}-desktop", problems)
    assert not problems, problems
