"""An axis's coordinators (a club's animators) keep their plans from the site: the plan, its actions
and their indicators; the issues board names survey respondents only to who reads the answers."""

import datetime
import secrets

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portal.clubs.models import CommonProblem, Survey, SurveyAnswer, SurveyInvitation, SurveyResponse
from portal.members import services as member_services
from portal.members.models import Role
from portal.members.scopes import ScopeKind
from tests.factories import AxisFactory, ClubFactory, OrganisationFactory, PersonFactory, UserFactory
from workgroups.plans.models import Action, ActionPlan, CommonIssue


@pytest.fixture
def client():
    language = translation.get_language()
    yield Client(headers={"accept-language": "en"})
    translation.activate(language)


def holder(role, kind, scope_id):
    person = PersonFactory()
    granter = UserFactory(is_superuser=True, is_staff=True)
    member_services.role_grant(person=person, role=role, scope_kind=kind, scope_id=scope_id, by=granter)
    person.user.refresh_from_db()
    return person.user


def test_a_coordinator_creates_her_axis_plan_and_keeps_its_actions(client, db):
    axis = AxisFactory(title="Mobilité")
    AxisFactory(title="Alimentation")  # another axis: not offered
    coordinator = holder(Role.COORDINATOR, ScopeKind.AXIS, axis.pk)
    pilot = OrganisationFactory(name="Transports du Val")
    client.force_login(coordinator)

    form = client.get(reverse("plans:create")).content.decode()
    assert "Mobilité" in form and "Alimentation" not in form
    response = client.post(
        reverse("plans:create"),
        {"owner": f"axis:{axis.pk}", "title": "Plan mobilité 2026", "summary": "Covoiturage et navettes."},
    )
    plan = ActionPlan.objects.get(title="Plan mobilité 2026")
    assert (plan.axis, plan.scope, plan.is_public) == (axis, "axis", False)  # public once she says so
    assert response["Location"] == reverse("plans:action_add", args=[plan.slug])

    client.post(
        reverse("plans:action_add", args=[plan.slug]),
        {"title": "Navette du parc", "pilot": pilot.pk, "status": "planned", "indicator": "salariés transportés",
         "target_value": "120", "budget": "15000", "starts_on": "2026-03-01", "ends_on": "2026-09-30"},
    )  # fmt: skip
    action = plan.actions.get()
    assert (action.pilot, action.target_value, action.budget) == (pilot, 120, 15000)
    client.post(
        reverse("plans:action_edit", args=[plan.slug, action.pk]),
        {"title": "Navette du parc", "status": "in_progress", "indicator": "salariés transportés",
         "target_value": "120", "current_value": "45"},
    )  # fmt: skip
    action.refresh_from_db()
    assert (action.status, action.current_value, action.progress_percent) == ("in_progress", 45, 37)

    detail = client.get(reverse("plans:detail", args=[plan.slug])).content.decode()
    assert "Navette du parc" in detail and "is a draft" in detail  # published once she says so
    assert "Plan mobilité 2026" in client.get(reverse("plans:index")).content.decode()  # among hers
    client.logout()
    assert client.get(reverse("plans:detail", args=[plan.slug])).status_code == 404  # nobody else's yet

    client.force_login(coordinator)
    client.post(reverse("plans:action_delete", args=[plan.slug, action.pk]))
    assert not Action.objects.filter(pk=action.pk).exists()


def test_an_action_ending_before_it_starts_is_refused_with_its_reason(client, db):
    axis = AxisFactory()
    coordinator = holder(Role.COORDINATOR, ScopeKind.AXIS, axis.pk)
    plan = ActionPlan.objects.create(title="Plan", slug="plan", scope="axis", axis=axis)
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:action_add", args=[plan.slug]),
        {"title": "À l'envers", "status": "planned", "starts_on": "2026-05-01", "ends_on": "2026-04-01"},
    )
    assert response.status_code == 200 and "cannot end before it starts" in response.content.decode()
    assert not plan.actions.exists()


def test_the_board_names_the_firms_of_a_survey_only_to_its_club_animators(client, db):
    club = ClubFactory()
    today = datetime.date.today()
    survey = Survey.objects.create(title="Besoins", club=club, opened_on=today, closes_on=today)
    firm = OrganisationFactory(name="Imprimerie Rivière")
    invitation = SurveyInvitation.objects.create(survey=survey, organisation=firm, nonce=secrets.token_hex(8))
    response = SurveyResponse.objects.create(invitation=invitation, survey=survey)
    SurveyAnswer.objects.create(response=response, survey=survey, problem=CommonProblem.WASTE, importance=3)
    issue = CommonIssue.objects.create(title="Collecte des cartons", club=club, survey=survey)
    issue.firms.set([firm])
    other_club_animator = holder(Role.ANIMATOR, ScopeKind.CLUB, ClubFactory().pk)

    for user in (PersonFactory().user, other_club_animator):
        client.force_login(user)
        page = client.get(reverse("plans:issues")).content.decode()
        assert "Collecte des cartons" in page and "Imprimerie Rivière" not in page
        assert client.get(reverse("plans:issue_edit", args=[issue.pk])).status_code == 403

    client.force_login(holder(Role.ANIMATOR, ScopeKind.CLUB, club.pk))
    page = client.get(reverse("plans:issues")).content.decode()
    assert "Imprimerie Rivière" in page
    assert "Imprimerie Rivière" in client.get(reverse("plans:issue_edit", args=[issue.pk])).content.decode()


def test_the_admin_names_only_her_plans_in_its_lists_filters_and_forms(client, db):
    axis, other_axis = AxisFactory(), AxisFactory()
    coordinator = holder(Role.COORDINATOR, ScopeKind.AXIS, axis.pk)
    ActionPlan.objects.create(title="Plan à moi", slug="a-moi", scope="axis", axis=axis)
    theirs = ActionPlan.objects.create(
        title="Plan confidentiel des autres", slug="autres", scope="axis", axis=other_axis, is_public=False
    )
    Action.objects.create(plan=theirs, title="Action cachée")
    client.force_login(coordinator)

    for url in (reverse("plan-actions:index"), reverse("plan-actions:add"), reverse("action-plans:index")):
        page = client.get(url).content.decode()
        assert "Plan à moi" in page, url
        assert "Plan confidentiel des autres" not in page and "Action cachée" not in page, url
    assert client.get(reverse("action-plans:edit", args=[theirs.pk])).status_code == 404
