"""A club's commission that meets (#20), in the browser: its animator, on her phone, plans a meeting
with its agenda, writes its minutes, records a decision and gives a task; a member of a member firm
reads it on a desktop; the participatory process's page shows its diagnosis. Every screen fits
390 px and 1280 px without sideways scrolling and has no serious or critical axe-core violation."""

import re

import pytest
from playwright.sync_api import expect

from portal.members import services as member_services
from portal.members.models import MembershipStatus, Role
from portal.members.scopes import ScopeKind
from tests.e2e.conftest import signed_in_context
from tests.e2e.test_site import assert_accessible
from tests.factories import ClubFactory, MembershipFactory, OrganisationFactory, PersonFactory, UserFactory
from workgroups import services
from workgroups.models import Decision, MembershipPolicy, ParticipatoryProcess, Task, Workgroup

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def commission():
    club = ClubFactory(name="Club des Platanes")
    firm = OrganisationFactory(name="Menuiserie Durand")
    MembershipFactory(organisation=firm, club=club, status=MembershipStatus.ACTIVE)
    animator = PersonFactory(user__first_name="Anne", user__last_name="Morel")
    member_services.role_grant(
        person=animator,
        role=Role.ANIMATOR,
        scope_kind=ScopeKind.CLUB,
        scope_id=club.pk,
        by=UserFactory(is_superuser=True, is_staff=True),
    )
    animator.user.refresh_from_db()
    workgroup = services.workgroup_create(
        by=animator.user, name="Commission bien-être au travail", club=club, membership_policy=MembershipPolicy.OPEN
    )
    member = PersonFactory(organisation=firm, user__first_name="Paul", user__last_name="Durand")
    services.workgroup_join(workgroup=workgroup, by=member.user)
    process = ParticipatoryProcess.objects.create(title="Plan économique participatif", slug="plan-participatif")
    process.leads.add(animator)
    Workgroup.objects.create(
        process=process, theme="Artisanat", name="Suite : atelier artisanat", slug="suite-artisanat"
    )
    return {"workgroup": workgroup, "animator": animator, "member": member}


def check(page, screenshot, name, problems):
    screenshot(page, name)
    if not page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"):
        problems.append(f"{name}: scrolls sideways")
    assert_accessible(page, name)


def test_a_commission_meets_with_minutes_and_a_task_on_phone_and_desktop(
    browser, browser_context_args, live_portal, commission, screenshot
):
    slug = commission["workgroup"].slug
    context = signed_in_context(browser, browser_context_args, live_portal, commission["animator"], viewport=PHONE)
    page = context.new_page()
    problems = []

    page.goto(f"/groupes/{slug}/")
    page.get_by_role("link", name="Réunions, décisions et tâches").click()
    expect(page.locator("h1")).to_contain_text("Réunions de")
    check(page, screenshot, "meetings-1-phone-list", problems)
    page.get_by_role("link", name="Planifier une réunion").click()
    page.get_by_label("Titre").fill("Réunion de rentrée")
    page.get_by_label("Date et heure").fill("2026-09-10T08:30")
    page.get_by_label("Lieu").fill("Salle du club, parc des Platanes")
    page.get_by_label("Ordre du jour").fill("Bilan du questionnaire\nPetit-déjeuner d'octobre")
    check(page, screenshot, "meetings-2-phone-plan", problems)
    page.get_by_role("button", name="Planifier la réunion").click()

    expect(page.locator("h1")).to_have_text("Réunion de rentrée")
    page.get_by_role("textbox", name="Compte rendu").fill(
        "Présents : 9 entreprises.\n\nLe questionnaire part en octobre."
    )
    page.get_by_role("button", name="Enregistrer le compte rendu").click()
    expect(page.locator(".rich-text")).to_contain_text("Présents : 9 entreprises.")
    page.get_by_role("textbox", name=re.compile("^Décision")).fill("Lancer le questionnaire bien-être")
    page.locator("form", has=page.get_by_role("textbox", name=re.compile("^Décision"))).get_by_role("button").click()
    page.get_by_role("textbox", name=re.compile("^Tâche")).fill("Envoyer le questionnaire aux adhérents")
    page.get_by_label("Qui s'en charge").select_option(label="Paul Durand")
    page.get_by_label("Échéance").fill("2026-10-01")
    page.get_by_role("button", name="Confier la tâche").click()
    expect(page.locator("#tasks-title + ul")).to_contain_text("Envoyer le questionnaire aux adhérents")
    page.reload()
    check(page, screenshot, "meetings-3-phone-meeting", problems)
    assert Decision.objects.get().text == "Lancer le questionnaire bien-être"
    assert Task.objects.get().owner == commission["member"]

    page.goto("/groupes/demarches/plan-participatif/")
    expect(page.locator("h1")).to_have_text("Plan économique participatif")
    check(page, screenshot, "meetings-4-phone-process", problems)
    context.close()

    context = signed_in_context(browser, browser_context_args, live_portal, commission["member"], viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"/groupes/{slug}/reunions/")
    page.get_by_role("link", name=re.compile("Réunion de rentrée")).first.click()
    expect(page.locator(".rich-text")).to_contain_text("Le questionnaire part en octobre.")
    expect(page.get_by_role("button", name="Enregistrer le compte rendu")).to_have_count(0)
    check(page, screenshot, "meetings-5-desktop-member", problems)
    context.close()
    assert not problems, problems
