"""Each axis page and club page of the site shows how far its published action plan has gone; a draft
stays its leaders' until they publish it."""

from decimal import Decimal

from django.urls import reverse

from cms.models import ClubPage
from portal.members.models import Role
from portal.members.scopes import ScopeKind
from tests.cms.pages import add_page, axis_page
from tests.factories import AxisFactory, ClubFactory
from tests.workgroups.plans.test_coordination import holder
from workgroups.plans import services
from workgroups.plans.models import PlanStatus


def _plan_with_progress(by, **owner):
    plan = services.plan_create(by=by, title="Plan mobilité 2026", is_public=True, **owner)
    services.action_save(plan=plan, by=by, title="Navette du parc", status="done", indicator="salariés",
                         target_value=Decimal("100"), current_value=Decimal("100"))  # fmt: skip
    services.action_save(plan=plan, by=by, title="Covoiturage", status="in_progress", indicator="équipages",
                         target_value=Decimal("40"), current_value=Decimal("10"))  # fmt: skip
    services.action_save(plan=plan, by=by, title="Vélos partagés", status="planned")
    return plan


def test_the_axis_page_shows_its_published_plan_progress_not_a_draft(client, home):
    axis = AxisFactory(title="Mobilité")
    coordinator = holder(Role.COORDINATOR, ScopeKind.AXIS, axis.pk)
    page = axis_page(home, axis)
    plan = _plan_with_progress(coordinator, axis=axis)

    assert "Plan mobilité 2026" not in client.get(page.url).content.decode()  # a draft

    services.plan_set_status(plan=plan, by=coordinator, status=PlanStatus.PUBLISHED)
    text = client.get(page.url).content.decode()
    section = text[text.index('class="plan-progress"') :]
    assert "Plan mobilité 2026" in section and reverse("plans:detail", args=[plan.slug]) in section
    # The site speaks French.
    assert "3 actions : 1 réalisées, 1 en cours" in section
    assert "1 actions réalisées sur 3" in section and "pct-33" in section
    assert "62 % des cibles atteintes, en moyenne" in section  # (100 % + 25 %) / 2


def test_the_club_page_shows_its_published_plan_progress(client, home):
    club = ClubFactory(name="Club des Tanneries")
    animator = holder(Role.ANIMATOR, ScopeKind.CLUB, club.pk)
    page = add_page(home, ClubPage, title=club.name, slug="tanneries", club=club)
    plan = _plan_with_progress(animator, club=club)
    assert "Plan mobilité 2026" not in client.get(page.url).content.decode()  # nor in the plans' list
    services.plan_set_status(plan=plan, by=animator, status=PlanStatus.PUBLISHED)
    text = client.get(page.url).content.decode()
    assert "3 actions : 1 réalisées, 1 en cours" in text[text.index('class="plan-progress"') :]
