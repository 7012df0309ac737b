"""Action plans: public progress per axis and club, one update table for the coordinator; issues board."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.clubs import services as club_services
from portal.clubs.models import SurveyInvitation
from portal.members import services as member_services
from portal.members.models import PersonRole
from tests.dates import local_today
from tests.factories import (
    AxisFactory,
    ClubFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    WorkgroupFactory,
    make_coordinator,
)
from workgroups.plans import services
from workgroups.plans.models import Action, ActionPlan, CommonIssue


@pytest.fixture
def axis_plan(db):
    coordinator = PersonFactory(role=PersonRole.COORDINATOR)
    axis = AxisFactory(title="Alimentation durable")
    make_coordinator(coordinator, axis)
    plan = ActionPlan.objects.create(title="Plan alimentation 2026", slug="plan-alimentation", scope="axis", axis=axis)
    pilot, partner = OrganisationFactory(name="Conserverie Solidaire"), OrganisationFactory(name="Fromagerie")
    first = Action.objects.create(
        plan=plan, position=1, title="Légumerie partagée", pilot=pilot, budget=Decimal("12000"),
        indicator="tonnes transformées", target_value=Decimal("40"), current_value=Decimal("10"), status="in_progress",
    )  # fmt: skip
    first.partners.add(partner)
    second = Action.objects.create(plan=plan, position=2, title="Cantines locales", status="planned")
    return {"plan": plan, "coordinator": coordinator.user, "actions": [first, second]}


def test_public_progress_page_shows_actions_pilots_partners_and_indicators(client, axis_plan):
    response = client.get(reverse("plans:detail", args=["plan-alimentation"]))
    assert response.status_code == 200
    text = response.content.decode()
    for expected in (
        "Légumerie partagée",
        "Conserverie Solidaire",
        "Fromagerie",
        "tonnes transformées",
        "Cantines locales",
    ):
        assert expected in text
    assert reverse("plans:update", args=["plan-alimentation"]) not in text  # visitors cannot update
    index = client.get(reverse("plans:index")).content.decode()
    assert "Plan alimentation 2026" in index


def test_a_private_plan_is_hidden_from_visitors(client, axis_plan):
    ActionPlan.objects.filter(pk=axis_plan["plan"].pk).update(is_public=False)
    assert client.get(reverse("plans:detail", args=["plan-alimentation"])).status_code == 404
    assert "Plan alimentation 2026" not in client.get(reverse("plans:index")).content.decode()
    client.force_login(axis_plan["coordinator"])
    assert client.get(reverse("plans:detail", args=["plan-alimentation"])).status_code == 200


def test_coordinator_updates_every_action_in_one_place(client, axis_plan, member):
    first, second = axis_plan["actions"]
    url = reverse("plans:update", args=["plan-alimentation"])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(axis_plan["coordinator"])
    assert client.get(url).status_code == 200
    data = {f"a{first.pk}-status": "in_progress", f"a{first.pk}-current_value": "25,5",
            f"a{second.pk}-status": "done", f"a{second.pk}-current_value": ""}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.current_value == Decimal("25.5") and second.status == "done"
    assert first.progress_percent == 63
    # One bad line: nothing saved.
    bad = {**data, f"a{first.pk}-current_value": "-3", f"a{second.pk}-status": "planned"}
    assert client.post(url, bad).status_code == 200
    second.refresh_from_db()
    assert second.status == "done"


def test_update_service_refuses_foreign_actions_and_other_people(axis_plan, member):
    other = Action.objects.create(plan=ActionPlan.objects.create(title="Autre", slug="autre", scope="process"),
                                  title="Assises")  # fmt: skip
    with pytest.raises(ValidationError):
        services.plan_actions_update(plan=axis_plan["plan"], by=axis_plan["coordinator"],
                                          changes={other.pk: {"status": "done"}})  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.plan_actions_update(plan=axis_plan["plan"], by=member, changes={})
    other.refresh_from_db()
    assert other.status == "planned"


def test_club_and_process_plans_are_updated_by_organisers(axis_plan):
    club = ClubFactory()
    organiser = UserFactory()  # an organiser of the first release: animates every club, organises the cluster
    member_services.person_create(user=organiser, role=PersonRole.ORGANISER)
    plan = ActionPlan.objects.create(title="Plan du club", slug="plan-club", scope="club", club=club)
    action = Action.objects.create(plan=plan, title="Signalétique commune")
    assert services.plan_actions_update(plan=plan, by=organiser, changes={action.pk: {"status": "done"}}) == 1
    process = ActionPlan.objects.create(title="Assises", slug="assises", scope="process")
    assises = Action.objects.create(plan=process, title="Assises de l'ESS")
    assert services.plan_actions_update(plan=process, by=organiser, changes={assises.pk: {"status": "done"}}) == 1
    with pytest.raises(PermissionDenied):  # an organiser does not run an axis's plan
        services.plan_actions_update(plan=axis_plan["plan"], by=organiser, changes={})
    with pytest.raises(PermissionDenied):  # nor the plan of a club created since, that she does not animate
        newer = ActionPlan.objects.create(title="Autre club", slug="autre-club", scope="club", club=ClubFactory())
        services.plan_actions_update(plan=newer, by=organiser, changes={})


def test_plan_scope_must_match_its_axis_or_club(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ActionPlan.objects.create(title="x", slug="x", scope="club", axis=AxisFactory())


def test_issue_from_a_survey_lists_the_firms_that_raised_it_and_is_followed_on_the_board(client, member):
    club = ClubFactory()  # before the organiser of the first release, who animates every club
    organiser = UserFactory()
    member_services.person_create(user=organiser, role=PersonRole.ORGANISER)
    firms = [OrganisationFactory(zone=club.zone) for _ in range(3)]
    survey = club_services.survey_open(title="Besoins", club=club, closes_on=local_today(), by=organiser)
    for firm, problems in zip(firms, (["waste"], ["waste", "signage"], ["signage"]), strict=True):
        token = club_services.invitation_token(SurveyInvitation.objects.get(survey=survey, organisation=firm))
        club_services.survey_answer(token=token, answers=[{"problem": p, "importance": 2} for p in problems])
    client.force_login(organiser)
    response = client.post(reverse("plans:issue_from_survey"), {"survey": survey.pk, "problem": "waste"})
    issue = CommonIssue.objects.get()
    assert response["Location"] == reverse("plans:issue_edit", args=[issue.pk])
    assert set(issue.firms.all()) == {firms[0], firms[1]} and issue.club == club
    # A problem nobody raised is refused.
    client.post(reverse("plans:issue_from_survey"), {"survey": survey.pk, "problem": "energy"})
    assert CommonIssue.objects.count() == 1
    workgroup = WorkgroupFactory(axis=None, club=club, name="Commission déchets")
    client.post(reverse("plans:issue_edit", args=[issue.pk]),
                {"status": "in_progress", "workgroup": workgroup.pk, "decisions": "Benne commune en mars"})  # fmt: skip
    issue.refresh_from_db()
    assert issue.status == "in_progress" and issue.workgroup == workgroup
    client.force_login(member)
    board = client.get(reverse("plans:issues")).content.decode()
    assert "Commission déchets" in board and "Benne commune en mars" in board
    assert client.post(reverse("plans:issue_edit", args=[issue.pk]), {"status": "resolved"}).status_code == 403
    assert client.get(reverse("plans:issues") + "?statut=zzz&page=-1").status_code == 200
    client.logout()
    assert client.get(reverse("plans:issues")).status_code == 302  # the board is for signed-in people


@pytest.mark.parametrize("viewset", ["action-plans", "plan-actions", "common-issues"])
def test_admin_lists(client, administrator, axis_plan, viewset):
    client.force_login(administrator)
    assert client.get(reverse(f"{viewset}:index")).status_code == 200


def test_administrator_creates_a_plan_in_the_admin(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("action-plans:add"), {"title": "Plan mobilité", "slug": "plan-mobilite",
                                                         "scope": "process", "is_public": "on"})  # fmt: skip
    assert response.status_code == 302
    assert ActionPlan.objects.get(slug="plan-mobilite").title == "Plan mobilité"


def test_admin_menu_lists_the_plans_screens_under_axes_and_workgroups(rf, administrator):
    from django.utils import translation
    from wagtail.admin.menu import admin_menu

    reverse("wagtailadmin_home")  # loads the admin URLs, which register the viewsets and their menu items
    request = rf.get("/admin/")
    request.user = administrator
    with translation.override("en"):
        group = next(item for item in admin_menu.menu_items_for_request(request) if item.label == "Axes and workgroups")
        labels = [str(item.label) for item in group.menu.menu_items_for_request(request)]
    assert labels == ["Thematic axes", "Workgroups", "Workgroup members", "Action plans", "Actions", "Common issues"]
