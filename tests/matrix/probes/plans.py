"""Probes of the action plans' rules: the plans of an axis (its coordinators') and of a club (its
animators'), the common issues board and what it says of the firms that answered a survey.

Inside: a plan of axis_in or club_in; outside: of axis_out or club_out.
"""

import datetime
import secrets

from django.urls import reverse

from portal.clubs.models import CommonProblem, Importance, Survey, SurveyAnswer, SurveyInvitation, SurveyResponse
from tests.factories import OrganisationFactory
from workgroups.plans.models import (
    Action,
    ActionPlan,
    ActionStatus,
    ActionUpdate,
    CommonIssue,
    IssueStatus,
    PlanScope,
    PlanStatus,
)

from ..kit import allowed, client_for, probe
from .workgroups import AXIS, CLUB, exported, listed, workgroup_of


def plan_of(world, kind: str, inside: bool, *, public: bool = True, draft: bool = False) -> ActionPlan:
    """The world's plan of axis_in/out ("axis") or club_in/out ("club"), with one action."""
    visibility = "draft" if draft else "public" if public else "private"
    key = f"plan-{kind}-{'in' if inside else 'out'}-{visibility}"
    if key not in world.extra:
        owner = world.inside(kind, inside)
        tag = f"{kind}-{'in' if inside else 'out'}-{visibility}"
        plan = ActionPlan.objects.create(
            title=f"Plan {tag}",
            slug=f"plan-{tag}",
            scope=PlanScope.AXIS if kind == AXIS else PlanScope.CLUB,
            axis=owner if kind == AXIS else None,
            club=owner if kind == CLUB else None,
            is_public=public,
            status=PlanStatus.DRAFT if draft else PlanStatus.PUBLISHED,
        )
        Action.objects.create(plan=plan, title=f"Action du plan {tag}", indicator="synergies", target_value=10)
        world.extra[key] = plan
    return world.extra[key]


def _progress_update(world, user, inside, kind):
    plan = plan_of(world, kind, inside)
    action = plan.actions.get()
    client_for(user).post(
        reverse("plans:update", args=[plan.slug]),
        {f"a{action.pk}-status": ActionStatus.IN_PROGRESS, f"a{action.pk}-current_value": "3"},
    )
    action.refresh_from_db()
    updated = action.status == ActionStatus.IN_PROGRESS
    Action.objects.filter(pk=action.pk).update(status=ActionStatus.PLANNED, current_value=None)
    return updated


@probe("plans.axis_plan.progress_update")
def axis_plan_progress_update(world, user, inside):
    return _progress_update(world, user, inside, AXIS)


@probe("plans.club_plan.progress_update")
def club_plan_progress_update(world, user, inside):
    return _progress_update(world, user, inside, CLUB)


def _private_detail(world, user, inside, kind):
    plan = plan_of(world, kind, inside, public=False)
    return allowed(client_for(user).get(reverse("plans:detail", args=[plan.slug])))


@probe("plans.axis_plan.private_detail")
def axis_plan_private_detail(world, user, inside):
    return _private_detail(world, user, inside, AXIS)


@probe("plans.club_plan.private_detail")
def club_plan_private_detail(world, user, inside):
    return _private_detail(world, user, inside, CLUB)


def _record_progress(world, user, inside, kind):
    plan = plan_of(world, kind, inside)
    action = plan.actions.get()
    note = f"Mesure {secrets.token_hex(3)}"
    client_for(user).post(
        reverse("plans:action_progress", args=[plan.slug, action.pk]),
        {f"p{action.pk}-status": ActionStatus.IN_PROGRESS, f"p{action.pk}-value": "4",
         f"p{action.pk}-measured_on": datetime.date.today().isoformat(), f"p{action.pk}-note": note},
    )  # fmt: skip
    recorded = ActionUpdate.objects.filter(action=action, note=note).exists()
    Action.objects.filter(pk=action.pk).update(status=ActionStatus.PLANNED, current_value=None)
    return recorded


@probe("plans.axis_plan.record_progress")
def axis_plan_record_progress(world, user, inside):
    return _record_progress(world, user, inside, AXIS)


@probe("plans.club_plan.record_progress")
def club_plan_record_progress(world, user, inside):
    return _record_progress(world, user, inside, CLUB)


def _publish(world, user, inside, kind):
    plan = plan_of(world, kind, inside, draft=True)
    client_for(user).post(reverse("plans:publish", args=[plan.slug]), {"status": PlanStatus.PUBLISHED})
    plan.refresh_from_db()
    published = plan.status == PlanStatus.PUBLISHED
    ActionPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)
    return published


@probe("plans.axis_plan.publish")
def axis_plan_publish(world, user, inside):
    return _publish(world, user, inside, AXIS)


@probe("plans.club_plan.publish")
def club_plan_publish(world, user, inside):
    return _publish(world, user, inside, CLUB)


def _draft_detail(world, user, inside, kind):
    plan = plan_of(world, kind, inside, draft=True)
    return allowed(client_for(user).get(reverse("plans:detail", args=[plan.slug])))


@probe("plans.axis_plan.draft_detail")
def axis_plan_draft_detail(world, user, inside):
    return _draft_detail(world, user, inside, AXIS)


@probe("plans.club_plan.draft_detail")
def club_plan_draft_detail(world, user, inside):
    return _draft_detail(world, user, inside, CLUB)


# --- The admin screens --------------------------------------------------------------------------


@probe("plans.admin.plans.list_axis")
def admin_plans_list_axis(world, user, inside):
    return listed(user, reverse("action-plans:index"), plan_of(world, AXIS, inside).title)


@probe("plans.admin.plans.list_club")
def admin_plans_list_club(world, user, inside):
    return listed(user, reverse("action-plans:index"), plan_of(world, CLUB, inside).title)


def _admin_action_add(world, user, inside, kind):
    plan = plan_of(world, kind, inside)
    title = f"Ajoutée dans l'admin {secrets.token_hex(3)}"
    data = {"plan": plan.pk, "position": 1, "title": title, "status": ActionStatus.PLANNED}
    client_for(user).post(reverse("plan-actions:add"), data)
    return Action.objects.filter(plan=plan, title=title).exists()


@probe("plans.admin.actions.add_axis")
def admin_action_add_axis(world, user, inside):
    return _admin_action_add(world, user, inside, AXIS)


@probe("plans.admin.actions.add_club")
def admin_action_add_club(world, user, inside):
    return _admin_action_add(world, user, inside, CLUB)


@probe("plans.admin.actions.export_axis")
def admin_actions_export_axis(world, user, inside):
    plan = plan_of(world, AXIS, inside)
    return exported(user, reverse("plan-actions:index"), plan.actions.get().title)


# --- The common issues board --------------------------------------------------------------------


def survey_issue(world, inside: bool) -> CommonIssue:
    """An issue raised by a survey of club_in/out, with the firm that answered it (a distinctive name)."""
    key = f"survey-issue-{'in' if inside else 'out'}"
    if key not in world.extra:
        tag = "Dedans" if inside else "Dehors"
        club = world.inside(CLUB, inside)
        today = datetime.date.today()
        survey = Survey.objects.create(
            title=f"Enquête {tag}", club=club, opened_on=today, closes_on=today + datetime.timedelta(days=30)
        )
        firm = OrganisationFactory(name=f"Répondante{tag} SARL", zone=club.zone)
        invitation = SurveyInvitation.objects.create(survey=survey, organisation=firm, nonce=secrets.token_hex(8))
        response = SurveyResponse.objects.create(invitation=invitation, survey=survey)
        SurveyAnswer.objects.create(
            response=response, survey=survey, problem=CommonProblem.WASTE, importance=Importance.URGENT
        )
        issue = CommonIssue.objects.create(
            title=f"Déchets {tag}", problem=CommonProblem.WASTE, club=club, survey=survey, status=IssueStatus.OPEN
        )
        issue.firms.set([firm])
        world.extra[key] = (issue, firm)
    return world.extra[key][0]


@probe("plans.issues.board")
def issues_board(world, user, inside):
    # The board is the cluster's: every signed-in member sees its issues (inside and outside alike).
    issue = survey_issue(world, inside)
    return listed(user, reverse("plans:issues"), issue.title)


@probe("plans.issues.survey_firm_names")
def issues_survey_firm_names(world, user, inside):
    """The hole of the first release: the board named the firms that answered a survey to everyone."""
    survey_issue(world, inside)
    firm = world.extra[f"survey-issue-{'in' if inside else 'out'}"][1]
    return listed(user, reverse("plans:issues"), firm.name)


def _issue_edit(user, issue) -> bool:
    decisions = f"Décidé {secrets.token_hex(3)}"
    client_for(user).post(
        reverse("plans:issue_edit", args=[issue.pk]), {"status": IssueStatus.IN_PROGRESS, "decisions": decisions}
    )
    issue.refresh_from_db()
    return issue.decisions == decisions


@probe("plans.issues.edit_club_issue")
def issue_edit_club(world, user, inside):
    return _issue_edit(user, survey_issue(world, inside))


@probe("plans.issues.edit_axis_issue")
def issue_edit_axis(world, user, inside):
    """An issue of no club, handled by a workgroup of axis_in/out."""
    key = f"axis-issue-{'in' if inside else 'out'}"
    if key not in world.extra:
        world.extra[key] = CommonIssue.objects.create(
            title=f"Mobilité {key}", workgroup=workgroup_of(world, AXIS, inside), status=IssueStatus.OPEN
        )
    return _issue_edit(user, world.extra[key])


@probe("plans.issues.from_survey")
def issue_from_survey(world, user, inside):
    issue = survey_issue(world, inside)
    title = f"Depuis l'enquête {secrets.token_hex(3)}"
    client_for(user).post(
        reverse("plans:issue_from_survey"), {"survey": issue.survey_id, "problem": CommonProblem.WASTE, "title": title}
    )
    return CommonIssue.objects.filter(title=title).exists()


@probe("plans.admin.issues.list_club")
def admin_issues_list_club(world, user, inside):
    return listed(user, reverse("common-issues:index"), survey_issue(world, inside).title)


@probe("plans.admin.plans.add_axis")
def admin_plan_add_axis(world, user, inside):
    axis = world.inside(AXIS, inside)
    slug = f"admin-plan-{'in' if inside else 'out'}"
    data = {
        "title": f"Plan {slug}",
        "slug": slug,
        "scope": PlanScope.AXIS,
        "axis": axis.pk,
        "club": "",
        "is_public": "on",
    }
    client_for(user).post(reverse("action-plans:add"), data)
    return ActionPlan.objects.filter(slug=slug).exists()


# --- The coordination screens of the site --------------------------------------------------------


def _create_plan(world, user, inside, kind):
    owner = world.inside(kind, inside)
    title = f"Plan créé sur le site {kind} {'dedans' if inside else 'dehors'}"
    client_for(user).post(reverse("plans:create"), {"owner": f"{kind}:{owner.pk}", "title": title, "is_public": "on"})
    return ActionPlan.objects.filter(title=title, **{kind: owner}).exists()


@probe("plans.coordination.create_axis_plan")
def coordination_create_axis_plan(world, user, inside):
    return _create_plan(world, user, inside, AXIS)


@probe("plans.coordination.create_club_plan")
def coordination_create_club_plan(world, user, inside):
    return _create_plan(world, user, inside, CLUB)


def _plan_from_room(world, user, inside, kind):
    """A draft plan from the decisions of the axis's or club's room (its members may be anyone)."""
    from workgroups.models import Decision

    workgroup = workgroup_of(world, kind, inside)
    if not Decision.objects.filter(workgroup=workgroup).exists():
        Decision.objects.create(workgroup=workgroup, text="Décision de l'atelier", decided_on=datetime.date.today())
    title = f"Plan de l'atelier {secrets.token_hex(3)}"
    client_for(user).post(reverse("plans:from_room", args=[workgroup.slug]), {"title": title})
    return ActionPlan.objects.filter(title=title, status=PlanStatus.DRAFT, actions__isnull=False).exists()


@probe("plans.coordination.plan_from_axis_room")
def coordination_plan_from_axis_room(world, user, inside):
    return _plan_from_room(world, user, inside, AXIS)


@probe("plans.coordination.plan_from_club_room")
def coordination_plan_from_club_room(world, user, inside):
    return _plan_from_room(world, user, inside, CLUB)


@probe("plans.coordination.edit_axis_plan")
def coordination_edit_axis_plan(world, user, inside):
    plan = plan_of(world, AXIS, inside)
    summary = f"Résumé {secrets.token_hex(3)}"
    client_for(user).post(
        reverse("plans:edit", args=[plan.slug]), {"title": plan.title, "summary": summary, "is_public": "on"}
    )
    plan.refresh_from_db()
    return plan.summary == summary


def _add_action(world, user, inside, kind):
    plan = plan_of(world, kind, inside)
    title = f"Action ajoutée {secrets.token_hex(3)}"
    client_for(user).post(
        reverse("plans:action_add", args=[plan.slug]),
        {"title": title, "status": ActionStatus.PLANNED, "indicator": "entreprises", "target_value": "12"},
    )
    return plan.actions.filter(title=title).exists()


@probe("plans.coordination.action_add_axis_plan")
def coordination_action_add_axis_plan(world, user, inside):
    return _add_action(world, user, inside, AXIS)


@probe("plans.coordination.action_add_club_plan")
def coordination_action_add_club_plan(world, user, inside):
    return _add_action(world, user, inside, CLUB)


@probe("plans.coordination.action_edit_axis_plan")
def coordination_action_edit_axis_plan(world, user, inside):
    plan = plan_of(world, AXIS, inside)
    action = plan.actions.order_by("pk").first()
    client_for(user).post(
        reverse("plans:action_edit", args=[plan.slug, action.pk]),
        {"title": action.title, "status": ActionStatus.IN_PROGRESS, "indicator": "synergies", "target_value": "20"},
    )
    action.refresh_from_db()
    changed = action.target_value == 20
    Action.objects.filter(pk=action.pk).update(target_value=10, status=ActionStatus.PLANNED)
    return changed


@probe("plans.coordination.action_delete_axis_plan")
def coordination_action_delete_axis_plan(world, user, inside):
    plan = plan_of(world, AXIS, inside)
    action = Action.objects.create(plan=plan, title=f"À supprimer {secrets.token_hex(3)}")
    client_for(user).post(reverse("plans:action_delete", args=[plan.slug, action.pk]))
    return not Action.objects.filter(pk=action.pk).exists()
