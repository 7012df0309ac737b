"""The demo shows the clubs' life: a club at each stage, a survey with answers, plans, growth."""

from django.core.management import call_command

from portal.clubs.models import CLUB_STAGE_ORDER, Club, GrowthTarget, Survey
from workgroups.plans.models import ActionPlan, CommonIssue


def test_demo_has_a_club_at_each_stage_a_survey_with_answers_and_plans_and_loads_twice(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - again: nothing duplicated
    running = Club.objects.filter(merged_into__isnull=True)
    assert sorted(running.values_list("stage", flat=True).distinct()) == sorted(CLUB_STAGE_ORDER)
    assert Club.objects.filter(merged_into__isnull=False).count() == 1
    survey = Survey.objects.get()
    assert survey.responses.count() >= 5 and survey.results_public
    assert set(ActionPlan.objects.values_list("scope", flat=True)) == {"axis", "club", "process"}
    assert CommonIssue.objects.count() == 3
    assert GrowthTarget.objects.filter(year=2026, zone__isnull=False).count() == 4
    assert GrowthTarget.objects.get(year=2026, club__slug="club-tanneries").target_members == 30
    for club in running:
        assert club.stage_changes.exists(), club
