"""Plans that move and clubs on their path (#20), as their users do it in a browser.

A coordinator, on her phone, publishes her axis's draft plan, records an action's progress from the
plan's page and sees its indicator's history drawn; the axis page then shows the plan's progress. An
animator ticks her club's checklist to autonomy and sees, on the clubs' overview, the warning of a
club staying too long in its stage. Every screen fits 390 px and 1280 px without sideways scrolling and
has no serious or critical axe-core violation; each is kept in test-artifacts/e2e/."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cms.models import HomePage
from portal.clubs.models import Club, ClubMilestone, ClubStage
from portal.members import services as member_services
from portal.members.models import Role
from portal.members.scopes import ScopeKind
from tests.cms.pages import axis_page
from tests.dates import local_today
from tests.e2e.conftest import signed_in_context
from tests.e2e.test_coordination import DESKTOP, PHONE, check
from tests.factories import AxisFactory, ClubFactory, PersonFactory, UserFactory
from workgroups.plans import services as plan_services
from workgroups.plans.models import Action, ActionPlan, PlanStatus

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _holder(role, kind, scope_id, **names):
    person = PersonFactory(**{f"user__{key}": value for key, value in names.items()})
    granter = UserFactory(is_superuser=True, is_staff=True)
    member_services.role_grant(person=person, role=role, scope_kind=kind, scope_id=scope_id, by=granter)
    return person


def test_a_coordinator_publishes_her_plan_and_records_progress_from_her_phone(
    browser, browser_context_args, live_portal, screenshot
):
    axis = AxisFactory(number=5, title="Mobilité et accessibilité", slug="mobilite")
    site_page = axis_page(HomePage.objects.get(), axis, introduction="Se déplacer mieux sur le parc.")
    coordinator = _holder(Role.COORDINATOR, ScopeKind.AXIS, axis.pk, first_name="Claire", last_name="Vasseur")
    plan = plan_services.plan_create(by=coordinator.user, title="Plan mobilité 2026", axis=axis, is_public=True)
    action = plan_services.action_save(plan=plan, by=coordinator.user, title="Navette du parc", status="in_progress",
                                       indicator="salariés transportés", target_value=Decimal("120"),
                                       current_value=Decimal("30"))  # fmt: skip
    plan_services.action_save(plan=plan, by=coordinator.user, title="Covoiturage", status="planned")
    context = signed_in_context(browser, browser_context_args, live_portal, coordinator, viewport=PHONE)
    page = context.new_page()
    problems = []

    page.goto(f"/plans-d-action/{plan.slug}/")
    expect(page.locator(".notice")).to_contain_text("brouillon")
    check(page, screenshot, "plans20-1-phone-draft-plan", problems)
    page.get_by_role("button", name="Publier le plan").click()
    expect(page.get_by_role("button", name="Repasser en brouillon")).to_be_visible()

    card = page.locator(f"#action-{action.pk}")
    card.locator("summary", has_text="Mettre à jour cette action").click()
    card.get_by_label("Valeur de l’indicateur").fill("75")
    card.get_by_label("Note (facultative)").fill("Deuxième ligne ouverte")
    check(page, screenshot, "plans20-2-phone-update-form", problems)
    card.get_by_role("button", name="Enregistrer la mise à jour").click()
    card = page.locator(f"#action-{action.pk}")
    expect(card.locator(".indicator-chart svg rect")).to_have_count(2)  # 30, then 75
    card.locator("summary", has_text="mises à jour").click()
    expect(card.locator(".history-list")).to_contain_text("Deuxième ligne ouverte")
    check(page, screenshot, "plans20-3-phone-history-chart", problems, after_post=True)
    assert Action.objects.get(pk=action.pk).current_value == 75
    assert ActionPlan.objects.get(pk=plan.pk).status == PlanStatus.PUBLISHED

    page.goto(site_page.url)
    progress = page.locator(".plan-progress")
    expect(progress).to_contain_text("Plan mobilité 2026")
    expect(progress).to_contain_text("2 actions : 0 réalisées, 1 en cours")
    check(page, screenshot, "plans20-4-phone-axis-page", problems)

    page.set_viewport_size(DESKTOP)
    for number, url in enumerate((f"/plans-d-action/{plan.slug}/", site_page.url), start=5):
        page.goto(url)
        check(page, screenshot, f"plans20-{number}-desktop", problems)
    assert not problems, problems


def test_an_animator_follows_her_clubs_path_to_autonomy(browser, browser_context_args, live_portal, screenshot):
    stalled = ClubFactory(name="Club des Tanneries", slug="tanneries", stage=ClubStage.NEEDS_COLLECTED,
                          stage_since=local_today() - datetime.timedelta(days=450))  # fmt: skip
    animator = _holder(Role.ANIMATOR, ScopeKind.CLUB, stalled.pk, first_name="Inès", last_name="Morel")
    context = signed_in_context(browser, browser_context_args, live_portal, animator, viewport=PHONE)
    page = context.new_page()
    problems = []

    page.goto("/clubs/")
    row = page.locator("tr", has_text="Club des Tanneries")
    expect(row.locator(".badge-warning")).to_contain_text("mois à cette étape")
    check(page, screenshot, "plans20-6-phone-clubs-overview", problems)

    row.get_by_role("link", name="Club des Tanneries").click()
    section = page.locator(".autonomy")
    expect(section.locator(".notice")).to_contain_text("qu’est-ce qui le retient")
    section.get_by_label("Personne qui accompagne").select_option(label="Inès Morel")
    section.get_by_label("Autonomie prévue le").fill("2028-06-30")
    section.get_by_label("Première réunion des entreprises tenue").fill(
        (local_today() - datetime.timedelta(days=700)).isoformat()
    )
    section.get_by_label("Besoins recueillis").fill((local_today() - datetime.timedelta(days=450)).isoformat())
    check(page, screenshot, "plans20-7-phone-autonomy-form", problems)
    section.get_by_role("button", name="Enregistrer le chemin").click()
    expect(page.locator(".autonomy li.done")).to_have_count(2)
    check(page, screenshot, "plans20-8-phone-autonomy-saved", problems, after_post=True)
    assert ClubMilestone.objects.filter(club=stalled).count() == 2

    # She moves the club on while its common actions are not chosen: warned, then she confirms.
    expect(page.locator(".stage-unfinished")).to_contain_text("Actions communes choisies")
    stage_form = page.locator("form", has=page.get_by_role("button", name="Enregistrer l'étape"))
    stage_form.get_by_label("Nouvelle étape").select_option("common_actions")
    stage_form.get_by_role("button", name="Enregistrer l'étape").click()
    expect(page.locator(".messages")).to_contain_text("Pas encore fait à l’étape")
    assert ClubStage(Club.objects.get(pk=stalled.pk).stage) == ClubStage.NEEDS_COLLECTED
    check(page, screenshot, "plans20-8b-phone-stage-warning", problems, after_post=True)
    stage_form = page.locator("form", has=page.get_by_role("button", name="Enregistrer l'étape"))
    stage_form.get_by_label("Nouvelle étape").select_option("common_actions")
    stage_form.get_by_label("Passer quand même", exact=False).check()
    stage_form.get_by_role("button", name="Enregistrer l'étape").click()
    expect(page.locator(".messages")).to_contain_text("Actions communes")
    moved = Club.objects.get(pk=stalled.pk)
    assert moved.stage == ClubStage.COMMON_ACTIONS and moved.stage_since == local_today()
    assert moved.stage_changes.filter(stage=ClubStage.COMMON_ACTIONS, changed_on=local_today()).exists()

    page.set_viewport_size(DESKTOP)
    page.goto("/clubs/")
    expect(page.locator("tr", has_text="Club des Tanneries")).to_contain_text("juin 2028")
    check(page, screenshot, "plans20-9-desktop-clubs-overview", problems)
    page.goto("/clubs/tanneries/")
    check(page, screenshot, "plans20-10-desktop-club-back-office", problems)
    assert not problems, problems
