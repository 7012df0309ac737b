"""A club's path to autonomy: a checklist per stage with dates, the accompanying person, the planned
autonomy date, and a warning when a club stays in a stage longer than the cluster's setting."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portal.clubs import services as club_services
from portal.clubs.models import ClubMilestone, ClubSettings, ClubStage, Milestone
from tests.dates import local_today
from tests.factories import ClubFactory, PersonFactory

from .conftest import animate


@pytest.fixture
def client():
    """The screens in English (the default language is French): the assertions read the msgids."""
    language = translation.get_language()
    yield Client(headers={"accept-language": "en"})
    translation.activate(language)


def set_stage_limit(months: int) -> None:
    """As an administrator does in Settings → Clubs."""
    ClubSettings.objects.update_or_create(pk=ClubSettings.load().pk, defaults={"stage_max_months": months})


def _months_ago(months: int) -> datetime.date:
    return local_today() - datetime.timedelta(days=31 * months)


@pytest.fixture
def clubs(organiser):
    stalled = ClubFactory(name="Club des Tanneries", stage=ClubStage.NEEDS_COLLECTED, stage_since=_months_ago(14))
    moving = ClubFactory(name="Club du Port", stage=ClubStage.EMERGENCE, stage_since=_months_ago(3))
    autonomous = ClubFactory(name="Club des Anciens", stage=ClubStage.AUTONOMOUS, stage_since=_months_ago(40))
    someone_elses = ClubFactory(name="Club d'ailleurs", stage=ClubStage.EMERGENCE, stage_since=_months_ago(20))
    animate(organiser, stalled, moving, autonomous)
    return {"stalled": stalled, "moving": moving, "autonomous": autonomous, "other": someone_elses}


def test_the_overview_warns_the_animator_of_her_club_staying_too_long_in_a_stage(client, organiser, clubs):
    set_stage_limit(12)
    client.force_login(organiser)
    rows = _rows(client.get(reverse("club:list")).content.decode())
    assert "months in this stage" in rows["Club des Tanneries"]  # 14 months > 12
    assert "in this stage" not in rows["Club du Port"]  # 3 months
    assert "in this stage" not in rows["Club des Anciens"]  # autonomous: no more stage to leave
    assert "in this stage" not in rows["Club d'ailleurs"]  # not her club: not hers to follow

    set_stage_limit(24)  # the cluster's own pace
    rows = _rows(client.get(reverse("club:list")).content.decode())
    assert "in this stage" not in rows["Club des Tanneries"]

    set_stage_limit(12)
    client.logout()  # visitors see where each club is, not the warnings
    rows = _rows(client.get(reverse("club:list")).content.decode())
    assert "in this stage" not in rows["Club des Tanneries"] and "2/4" in rows["Club des Tanneries"]


def test_the_club_back_office_explains_the_warning(client, organiser, clubs):
    set_stage_limit(12)
    client.force_login(organiser)
    page = client.get(reverse("club:detail", args=[clubs["stalled"].slug])).content.decode()
    assert "for 14 months, longer than the cluster's 12" in page
    page = client.get(reverse("club:detail", args=[clubs["moving"].slug])).content.decode()
    assert "longer than the cluster's" not in page and "Path to autonomy" in page


def test_the_animator_ticks_the_checklist_names_the_accompanying_person_and_plans_autonomy(client, organiser, clubs):
    club = clubs["stalled"]
    client.force_login(organiser)
    data = {
        "accompanied_by": organiser.person.pk,
        "autonomy_planned_on": "2028-06-30",
        "m_first_meeting": _months_ago(20).isoformat(),
        "m_needs_collected": _months_ago(14).isoformat(),
        "m_common_actions": "",
    }
    response = client.post(reverse("club:autonomy", args=[club.slug]), data)
    assert response.status_code == 302
    club.refresh_from_db()
    assert club.accompanied_by == organiser.person and club.autonomy_planned_on == datetime.date(2028, 6, 30)
    assert dict(ClubMilestone.objects.filter(club=club).values_list("milestone", "done_on")) == {
        Milestone.FIRST_MEETING: _months_ago(20),
        Milestone.NEEDS_COLLECTED: _months_ago(14),
    }
    rows = _rows(client.get(reverse("club:list")).content.decode())
    assert "June 2028" in rows["Club des Tanneries"] and "0 of 1" in rows["Club des Tanneries"]
    assert f"accompanied by {organiser.person.full_name}" in rows["Club des Tanneries"]

    # Unticking a step takes it off the checklist; a stranger cannot accompany the club.
    client.post(reverse("club:autonomy", args=[club.slug]), {**data, "m_first_meeting": ""})
    assert not ClubMilestone.objects.filter(club=club, milestone=Milestone.FIRST_MEETING).exists()
    with pytest.raises(ValidationError):
        club_services.club_autonomy_update(club=club, by=organiser, accompanied_by=PersonFactory(),
                                           autonomy_planned_on=None, milestones={})  # fmt: skip


def test_another_club_animator_cannot_change_the_path(client, organiser, clubs):
    client.force_login(organiser)
    other = clubs["other"]
    response = client.post(reverse("club:autonomy", args=[other.slug]), {"m_first_meeting": local_today().isoformat()})
    assert response.status_code == 403 and not ClubMilestone.objects.filter(club=other).exists()


def _rows(html: str) -> dict[str, str]:
    """The overview's table rows by club name."""
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    rows = {}
    for row in body.split("<tr>")[1:]:
        name = row.split("</a>")[0].rsplit(">", 1)[-1]
        rows[name.replace("&#x27;", "'")] = row
    return rows


def test_the_first_limit_is_the_one_the_cluster_had_set_in_its_environment(db, settings):
    settings.PORTAL_CLUB_STAGE_MAX_MONTHS = 18  # what a cluster set before the limit was a setting
    assert ClubSettings.load().stage_max_months == 18


def test_an_administrator_changes_the_limit_in_the_settings_and_a_wrong_one_changes_nothing(
    administrator, organiser, clubs
):
    admin = Client(headers={"accept-language": "fr"})
    admin.force_login(administrator)
    url = reverse("wagtailsettings:edit", args=["clubs", "clubsettings", ClubSettings.load().pk])
    refused = admin.post(url, {"stage_max_months": "500"})
    assert refused.status_code == 200
    assert "inférieure ou égale à 120" in refused.content.decode()
    assert ClubSettings.load().stage_max_months == 12

    admin.post(url, {"stage_max_months": "24"})
    assert ClubSettings.load().stage_max_months == 24
    animator = Client(headers={"accept-language": "en"})
    animator.force_login(organiser)
    page = animator.get(reverse("club:detail", args=[clubs["stalled"].slug])).content.decode()
    assert "longer than the cluster's" not in page  # 14 months: within the new 24

    assert animator.post(url, {"stage_max_months": "1"}).status_code in (302, 403)
    assert ClubSettings.load().stage_max_months == 24


def test_moving_on_with_the_checklist_not_done_warns_and_moves_only_when_confirmed(client, organiser, clubs):
    """Club du Port, at emergence, has held its first meeting but not collected its needs."""
    club = clubs["moving"]
    ClubMilestone.objects.create(club=club, milestone=Milestone.FIRST_MEETING, done_on=_months_ago(2))
    client.force_login(organiser)
    detail = reverse("club:detail", args=[club.slug])
    page = client.get(detail).content.decode()
    assert "Not done yet at this stage" in page and "Needs collected" in page

    url = reverse("club:stage", args=[club.slug])
    moved = {"stage": "needs_collected", "changed_on": local_today().isoformat(), "note": ""}
    warned = client.post(url, moved, follow=True).content.decode()
    assert "Not done yet at the stage" in warned and "Needs collected" in warned
    club.refresh_from_db()
    assert club.stage == ClubStage.EMERGENCE and club.stage_changes.count() == 0

    client.post(url, {**moved, "unfinished_ok": "on"})
    club.refresh_from_db()
    assert club.stage == ClubStage.NEEDS_COLLECTED and club.stage_since == local_today()
    assert list(club.stage_changes.values_list("stage", "changed_on")) == [(ClubStage.NEEDS_COLLECTED, local_today())]


def test_moving_on_with_the_checklist_done_or_back_needs_no_confirmation(organiser, clubs):
    club = clubs["moving"]
    for milestone in (Milestone.FIRST_MEETING, Milestone.NEEDS_COLLECTED):
        ClubMilestone.objects.create(club=club, milestone=milestone, done_on=_months_ago(1))
    club = club_services.club_set_stage(club=club, stage=ClubStage.NEEDS_COLLECTED, by=organiser)
    with pytest.raises(ValidationError) as caught:  # common actions not chosen yet
        club_services.club_set_stage(club=club, stage=ClubStage.AUTONOMOUS, by=organiser)
    assert "unfinished_ok" in caught.value.error_dict
    club_services.club_set_stage(club=club, stage=ClubStage.EMERGENCE, by=organiser)  # back: no checklist
    club.refresh_from_db()
    assert club.stage == ClubStage.EMERGENCE
