"""Plans that move from the site: a coordinator publishes her draft plan and updates its actions from the
plan's page; every update is kept with its date and the indicator's history is drawn as a chart."""

import collections
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portal.members.models import Role
from portal.members.scopes import ScopeKind
from tests.dates import local_today
from tests.factories import AxisFactory, ClubFactory, WorkgroupFactory
from tests.workgroups.plans.test_coordination import holder
from workgroups.plans import services
from workgroups.plans.models import Action, ActionPlan, ActionUpdate, PlanStatus


@pytest.fixture
def client():
    """The screens in English (the default language is French): the assertions read the msgids."""
    language = translation.get_language()
    yield Client(headers={"accept-language": "en"})
    translation.activate(language)


@pytest.fixture
def draft_plan(db):
    axis = AxisFactory(title="Mobilité")
    coordinator = holder(Role.COORDINATOR, ScopeKind.AXIS, axis.pk)
    plan = services.plan_create(by=coordinator, title="Plan mobilité 2026", axis=axis, is_public=True)
    action = services.action_save(
        plan=plan,
        by=coordinator,
        title="Navette du parc",
        indicator="salariés transportés",
        target_value=Decimal("120"),
        status="planned",
    )
    return {"plan": plan, "action": action, "coordinator": coordinator, "axis": axis}


def test_a_plan_started_on_the_site_is_a_draft_until_its_coordinator_publishes_it(client, draft_plan):
    plan = draft_plan["plan"]
    assert plan.status == PlanStatus.DRAFT
    detail = reverse("plans:detail", args=[plan.slug])
    assert client.get(detail).status_code == 404
    assert "Plan mobilité 2026" not in client.get(reverse("plans:index")).content.decode()

    client.force_login(draft_plan["coordinator"])
    page = client.get(detail).content.decode()
    assert "is a draft" in page and reverse("plans:publish", args=[plan.slug]) in page
    assert "· draft" in client.get(reverse("plans:index")).content.decode()  # among the plans she leads
    client.post(reverse("plans:publish", args=[plan.slug]), {"status": "published"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.published_at is not None

    client.logout()
    assert client.get(detail).status_code == 200
    assert "Plan mobilité 2026" in client.get(reverse("plans:index")).content.decode()


def test_a_plan_updated_from_the_site_keeps_its_indicator_history_and_draws_it(client, draft_plan):
    plan, action = draft_plan["plan"], draft_plan["action"]
    services.plan_set_status(plan=plan, by=draft_plan["coordinator"], status=PlanStatus.PUBLISHED)
    client.force_login(draft_plan["coordinator"])
    url = reverse("plans:action_progress", args=[plan.slug, action.pk])
    two_months_ago, last_month = (
        local_today() - datetime.timedelta(days=60),
        local_today() - datetime.timedelta(days=30),
    )
    for day, status, value, note in (
        (two_months_ago, "in_progress", "20", "Premier mois de la navette"),
        (last_month, "in_progress", "45.5", ""),
        (local_today(), "in_progress", "80", "Deuxième ligne ouverte"),
    ):
        response = client.post(
            url,
            {
                f"p{action.pk}-status": status,
                f"p{action.pk}-value": value,
                f"p{action.pk}-measured_on": day.isoformat(),
                f"p{action.pk}-note": note,
            },
        )
        assert response.status_code == 302 and response["Location"].endswith(f"#action-{action.pk}")

    action.refresh_from_db()
    assert (action.status, action.current_value, action.progress_percent) == ("in_progress", 80, 66)
    history = list(action.updates.order_by("measured_on").values_list("measured_on", "value"))
    assert history == [(two_months_ago, 20), (last_month, Decimal("45.5")), (local_today(), 80)]
    assert action.updates.get(measured_on=local_today()).by == draft_plan["coordinator"]

    # A measurement typed in late joins the history without replacing the latest value.
    client.post(
        url,
        {
            f"p{action.pk}-status": "in_progress",
            f"p{action.pk}-value": "30",
            f"p{action.pk}-measured_on": (local_today() - datetime.timedelta(days=45)).isoformat(),
        },
    )
    action.refresh_from_db()
    assert action.current_value == 80 and action.updates.count() == 4

    # Anyone reading the published plan sees the chart: one bar per measurement, the target's line.
    client.logout()
    page = client.get(reverse("plans:detail", args=[plan.slug])).content.decode()
    chart = page[page.index('<figure class="indicator-chart">') : page.index("</figure>")]
    assert chart.count("<rect") == 4 and 'class="chart-target"' in chart
    assert "Deuxième ligne ouverte" in page and "style=" not in chart
    assert "Update this action" not in page  # the form is the coordinators'


def test_an_update_in_the_future_or_negative_is_refused_and_nothing_is_kept(client, draft_plan):
    plan, action = draft_plan["plan"], draft_plan["action"]
    client.force_login(draft_plan["coordinator"])
    url = reverse("plans:action_progress", args=[plan.slug, action.pk])
    tomorrow = (local_today() + datetime.timedelta(days=1)).isoformat()
    client.post(
        url, {f"p{action.pk}-status": "done", f"p{action.pk}-value": "5", f"p{action.pk}-measured_on": tomorrow}
    )
    client.post(
        url,
        {
            f"p{action.pk}-status": "done",
            f"p{action.pk}-value": "-5",
            f"p{action.pk}-measured_on": local_today().isoformat(),
        },
    )
    action.refresh_from_db()
    assert action.status == "planned" and not action.updates.exists()


def test_the_update_table_and_the_action_form_also_join_the_history(client, draft_plan):
    plan, action = draft_plan["plan"], draft_plan["action"]
    client.force_login(draft_plan["coordinator"])
    client.post(
        reverse("plans:update", args=[plan.slug]),
        {f"a{action.pk}-status": "in_progress", f"a{action.pk}-current_value": "12"},
    )
    client.post(
        reverse("plans:action_edit", args=[plan.slug, action.pk]),
        {
            "title": "Navette du parc",
            "status": "in_progress",
            "indicator": "salariés transportés",
            "target_value": "120",
            "current_value": "30",
        },
    )
    assert list(action.updates.values_list("value", flat=True)) == [12, 30]


def test_another_club_animator_cannot_update_an_action(client, draft_plan):
    other = holder(Role.ANIMATOR, ScopeKind.CLUB, ClubFactory().pk)
    action = draft_plan["action"]
    client.force_login(other)
    response = client.post(
        reverse("plans:action_progress", args=[draft_plan["plan"].slug, action.pk]),
        {f"p{action.pk}-status": "done", f"p{action.pk}-measured_on": local_today().isoformat()},
    )
    assert response.status_code == 404  # a draft of someone else's axis is not even seen
    assert not ActionUpdate.objects.exists() and Action.objects.get().status == "planned"
    assert ActionPlan.objects.get().status == PlanStatus.DRAFT


def test_a_workshops_decisions_start_a_draft_plan_its_coordinator_then_publishes(client, draft_plan):
    # The rows workgroups.selectors.decisions_of gives (Decision: text, decided_on), in the order taken.
    decided = collections.namedtuple("Decision", "text decided_on")
    workgroup = WorkgroupFactory(axis=draft_plan["axis"], name="Atelier mobilité du parc")
    decisions = [
        decided("Ouvrir une navette entre la gare et le parc", local_today() - datetime.timedelta(days=7)),
        decided("Lancer une plateforme de covoiturage " + "pour les salariés " * 20, local_today()),
        decided("  ", local_today()),  # an empty line is no decision
    ]
    coordinator = draft_plan["coordinator"]
    with translation.override("en"):
        plan = services.plan_draft_from_workgroup(workgroup=workgroup, decisions=decisions, by=coordinator)

    assert (plan.status, plan.axis) == (PlanStatus.DRAFT, draft_plan["axis"])
    assert plan.title == "Action plan of Atelier mobilité du parc"
    actions = list(plan.actions.order_by("position"))
    assert [action.title for action in actions][0] == "Ouvrir une navette entre la gare et le parc"
    assert len(actions) == 2 and len(actions[1].title) == 200 and actions[1].status == "planned"
    assert "Atelier mobilité du parc" in actions[0].description
    client.force_login(coordinator)
    client.post(reverse("plans:publish", args=[plan.slug]), {"status": "published"})
    client.logout()
    assert "Ouvrir une navette" in client.get(reverse("plans:detail", args=[plan.slug])).content.decode()

    with pytest.raises(ValidationError):
        services.plan_draft_from_workgroup(workgroup=workgroup, decisions=[], by=coordinator)
    other = holder(Role.ANIMATOR, ScopeKind.CLUB, ClubFactory().pk)
    with pytest.raises(PermissionDenied):
        services.plan_draft_from_workgroup(workgroup=workgroup, decisions=decisions, by=other)


def test_a_coordinator_turns_a_rooms_decisions_into_a_draft_plan_from_the_site(client, draft_plan):
    """From the plans' page: the rooms of her axis with decisions, each decision a planned action."""
    from workgroups.models import Decision

    workgroup = WorkgroupFactory(axis=draft_plan["axis"], name="Atelier mobilité du parc")
    Decision.objects.create(workgroup=workgroup, text="Ouvrir une navette gare-parc", decided_on=local_today())
    Decision.objects.create(workgroup=workgroup, text="Lancer le covoiturage", decided_on=local_today())
    silent = WorkgroupFactory(axis=draft_plan["axis"], name="Groupe sans décision")
    client.force_login(draft_plan["coordinator"])

    index = client.get(reverse("plans:index")).content.decode()
    assert reverse("plans:from_room", args=[workgroup.slug]) in index
    assert reverse("plans:from_room", args=[silent.slug]) not in index
    page = client.get(reverse("plans:from_room", args=[workgroup.slug])).content.decode()
    assert "Ouvrir une navette gare-parc" in page and "Lancer le covoiturage" in page

    response = client.post(reverse("plans:from_room", args=[workgroup.slug]), {"title": "Mobilité : plan 2027"})

    plan = ActionPlan.objects.get(title="Mobilité : plan 2027")
    assert response.status_code == 302 and response["Location"] == reverse("plans:detail", args=[plan.slug])
    assert (plan.status, plan.axis) == (PlanStatus.DRAFT, draft_plan["axis"])
    assert list(plan.actions.order_by("position").values_list("title", flat=True)) == [
        "Ouvrir une navette gare-parc",
        "Lancer le covoiturage",
    ]
    # A room with nothing decided: the page says so, posting creates nothing.
    before = ActionPlan.objects.count()
    assert "no decision" in client.get(reverse("plans:from_room", args=[silent.slug])).content.decode()
    client.post(reverse("plans:from_room", args=[silent.slug]), {"title": "Vide"})
    assert ActionPlan.objects.count() == before
    # Another axis's room: refused.
    elsewhere = WorkgroupFactory(axis=AxisFactory(), name="Atelier d'ailleurs")
    Decision.objects.create(workgroup=elsewhere, text="Rien pour elle", decided_on=local_today())
    assert client.get(reverse("plans:from_room", args=[elsewhere.slug])).status_code == 403
    assert reverse("plans:from_room", args=[elsewhere.slug]) not in client.get(reverse("plans:index")).content.decode()
