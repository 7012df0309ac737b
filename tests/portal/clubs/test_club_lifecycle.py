"""A club's life cycle: dated stages, and mergers that lose nothing."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.clubs import permissions as club_permissions
from portal.clubs import selectors as club_selectors
from portal.clubs import services as club_services
from portal.clubs.models import Club, ClubBoardMember, ClubStage, ClubStageChange, Survey
from portal.members import services as member_services
from portal.members.models import Membership, MembershipStatus, Role, RoleAssignment, RoleChange
from portal.members.scopes import ScopeKind
from tests.dates import local_today
from tests.factories import (
    ClubFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    WorkgroupFactory,
    ZoneFactory,
)
from workgroups.plans.models import ActionPlan, CommonIssue

from .conftest import animate


def test_stages_are_dated_in_the_history_in_order(organiser):
    club = ClubFactory(
        founded=local_today() - datetime.timedelta(days=900), stage_since=local_today() - datetime.timedelta(days=900)
    )
    animate(organiser, club)
    club_services.club_record_creation(club=club)
    club_services.club_set_stage(club=club, stage=ClubStage.NEEDS_COLLECTED, by=organiser,
                         changed_on=local_today() - datetime.timedelta(days=600), unfinished_ok=True)  # fmt: skip
    club_services.club_set_stage(club=club, stage=ClubStage.COMMON_ACTIONS, by=organiser, unfinished_ok=True,
                         changed_on=local_today() - datetime.timedelta(days=300),
                         note="Socle d'actions voté")  # fmt: skip
    club.refresh_from_db()
    assert club.stage == ClubStage.COMMON_ACTIONS and club.stage_number == 3
    assert club.stage_since == local_today() - datetime.timedelta(days=300)
    history = list(club_selectors.club_history(club).values_list("stage", "changed_on"))
    assert history == [
        (ClubStage.EMERGENCE, local_today() - datetime.timedelta(days=900)),
        (ClubStage.NEEDS_COLLECTED, local_today() - datetime.timedelta(days=600)),
        (ClubStage.COMMON_ACTIONS, local_today() - datetime.timedelta(days=300)),
    ]
    timeline = club_selectors.stage_timeline(club)
    assert [step["reached_on"] for step in timeline] == [
        local_today() - datetime.timedelta(days=900), local_today() - datetime.timedelta(days=600),
        local_today() - datetime.timedelta(days=300), None,
    ]  # fmt: skip
    assert [step["current"] for step in timeline] == [False, False, True, False]


def test_a_stage_cannot_be_dated_before_the_last_step_or_in_the_future(organiser):
    club = ClubFactory()
    animate(organiser, club)
    club_services.club_set_stage(club=club, stage=ClubStage.NEEDS_COLLECTED, by=organiser, changed_on=local_today(),
                                 unfinished_ok=True)  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        club_services.club_set_stage(club=club, stage=ClubStage.COMMON_ACTIONS, by=organiser, unfinished_ok=True,
                             changed_on=local_today() - datetime.timedelta(days=1))  # fmt: skip
    assert "changed_on" in caught.value.error_dict
    with pytest.raises(ValidationError):
        club_services.club_set_stage(club=club, stage=ClubStage.COMMON_ACTIONS, by=organiser, unfinished_ok=True,
                             changed_on=local_today() + datetime.timedelta(days=1))  # fmt: skip
    club.refresh_from_db()
    assert club.stage == ClubStage.NEEDS_COLLECTED
    assert club.stage_changes.count() == 1


def test_only_the_club_s_animators_change_its_stage(member, organiser):
    club = ClubFactory()
    animate(organiser, ClubFactory())
    with pytest.raises(PermissionDenied):
        club_services.club_set_stage(club=club, stage=ClubStage.AUTONOMOUS, by=member)
    with pytest.raises(PermissionDenied):
        club_services.club_set_stage(club=club, stage=ClubStage.AUTONOMOUS, by=organiser)
    assert ClubStageChange.objects.count() == 0


def test_stage_form_on_the_club_page(client, organiser, member):
    club, other = ClubFactory(), ClubFactory()
    url = reverse("club:stage", args=[club.slug])
    client.force_login(member)
    assert client.post(url, {"stage": "needs_collected", "changed_on": local_today().isoformat()}).status_code == 403
    client.force_login(animate(organiser, other))
    assert client.post(url, {"stage": "needs_collected", "changed_on": local_today().isoformat()}).status_code == 403
    animate(organiser, club)
    response = client.post(url, {"stage": "needs_collected", "changed_on": "pas une date"})
    assert response.status_code == 302
    club.refresh_from_db()
    assert club.stage == ClubStage.EMERGENCE
    client.post(url, {"stage": "needs_collected", "changed_on": local_today().isoformat(), "unfinished_ok": "on"})
    club.refresh_from_db()
    assert club.stage == ClubStage.NEEDS_COLLECTED
    page = client.get(reverse("club:detail", args=[club.slug]))
    assert page.status_code == 200 and club.get_stage_display() in page.content.decode()


def _related_counts(*club_list: Club) -> dict[str, int]:
    """Rows of every model pointing at these clubs, per relation (whatever app declares it)."""
    counts = {}
    for relation in Club._meta.related_objects:
        model, field = relation.related_model, relation.field
        if relation.many_to_many:
            through = field.remote_field.through
            key = f"{through._meta.label}"
            counts[key] = through.objects.filter(**{f"{field.m2m_reverse_field_name()}__in": club_list}).count()
        else:
            key = f"{model._meta.label}.{field.name}"
            counts[key] = model._default_manager.filter(**{f"{field.name}__in": club_list}).count()
    counts["clubs.Club.other_zones"] = Club.other_zones.through.objects.filter(club__in=club_list).count()
    return counts


# Derived or queued rows, not data: Wagtail's reference index is rebuilt on save, and the search
# outbox holds the index updates a merger queues for the organisations whose memberships moved.
DERIVED_TABLES = {"wagtailcore.ReferenceIndex", "search.IndexOutbox"}


def _table_totals() -> dict[str, int]:
    """Rows of every table holding data."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label not in DERIVED_TABLES
    }


def test_merger_moves_every_related_row_and_deletes_nothing(administrator):
    zone_a, zone_b = ZoneFactory(), ZoneFactory()
    into = ClubFactory(zone=zone_a, name="Technopôle")
    absorbed = ClubFactory(zone=zone_b, name="Club de l'Est")
    both = OrganisationFactory(zone=zone_a)
    for club, count in ((into, 3), (absorbed, 4)):
        club_services.club_record_creation(club=club)
        for _ in range(count):
            MembershipFactory(organisation=OrganisationFactory(zone=club.zone), club=club)
        MembershipFactory(organisation=OrganisationFactory(zone=club.zone), club=club,
                          status=MembershipStatus.LEFT, ended_on=local_today())  # fmt: skip
        WorkgroupFactory(axis=None, club=club)
        ClubBoardMember.objects.create(club=club, person=PersonFactory(), position="president")
        survey = Survey.objects.create(title=f"Besoins {club.name}", club=club, closes_on=local_today())
        ActionPlan.objects.create(title=f"Plan {club.name}", slug=f"plan-{club.slug}", scope="club", club=club)
        CommonIssue.objects.create(title="Déchets", club=club, survey=survey)
    # A firm current in both clubs (after moving between zones): it keeps one current membership.
    both_in_into = MembershipFactory(organisation=both, club=into)
    both.zone = zone_b
    both.save()
    both_in_absorbed = MembershipFactory(organisation=both, club=absorbed)
    earlier = ClubFactory(zone=zone_b)
    earlier.merged_into = absorbed
    earlier.merged_on = local_today()
    earlier.save()

    before = _related_counts(into, absorbed, earlier)
    totals_before = _table_totals()
    club_services.club_merge(absorbed=absorbed, into=into, by=administrator)

    after_into = _related_counts(into)
    after_absorbed = _related_counts(absorbed)
    totals_after = _table_totals()
    # One new row: the merger's step in the surviving club's history.
    assert totals_after.pop("clubs.ClubStageChange") == totals_before.pop("clubs.ClubStageChange") + 1
    assert totals_after == totals_before
    expected = dict(before)
    expected["clubs.ClubStageChange.club"] += 1
    expected["clubs.Club.other_zones"] = 1  # zone_b, the absorbed club's zone
    expected["clubs.Club.merged_into"] += 1  # the absorbed club itself now points at `into`
    # Relations that point at the club being merged into: the earlier merged club now points at `into`.
    assert after_into == expected, (after_into, expected)
    assert all(value == 0 for key, value in after_absorbed.items()), after_absorbed

    absorbed.refresh_from_db()
    assert absorbed.merged_into == into and absorbed.merged_on == local_today()
    earlier.refresh_from_db()
    assert earlier.merged_into == into
    # The firm current in both keeps its membership of `into`; the other one ended on the merger day.
    both_in_into.refresh_from_db()
    both_in_absorbed.refresh_from_db()
    assert both_in_into.status == MembershipStatus.ACTIVE
    assert both_in_absorbed.club == into and both_in_absorbed.status == MembershipStatus.LEFT
    assert both_in_absorbed.ended_on == local_today()
    assert Membership.objects.filter(club=into).exclude(status=MembershipStatus.LEFT).count() == 3 + 4 + 1
    # The history says whose step each row was.
    names = set(into.stage_changes.values_list("club_name", flat=True))
    assert names == {"Technopôle", "Club de l'Est"}


def test_the_absorbed_club_s_animators_carry_on_with_the_club_that_took_it_over(administrator, organiser):
    into, absorbed = ClubFactory(), ClubFactory()
    animate(organiser, absorbed)
    both = PersonFactory()
    for club in (into, absorbed):
        member_services.role_grant(person=both, role=Role.EXCHANGE_ORGANISER, scope_kind=ScopeKind.CLUB,
                                   scope_id=club.pk, by=administrator)  # fmt: skip
    club_services.club_merge(absorbed=absorbed, into=into, by=administrator)

    def clubs_of(person, role):
        return set(RoleAssignment.objects.filter(person=person, role=role).values_list("scope_id", flat=True))

    assert clubs_of(organiser.person, Role.ANIMATOR) == {into.pk}
    assert clubs_of(both, Role.EXCHANGE_ORGANISER) == {into.pk}
    # Each move is on the roles' log, as the administrator's.
    moves = RoleChange.objects.filter(person=organiser.person, role=Role.ANIMATOR, by=administrator)
    assert set(moves.values_list("action", "scope_id")) == {("granted", into.pk), ("withdrawn", absorbed.pk)}
    # The animator now follows the prospects of the absorbed club's zone, which the other club covers.
    assert club_permissions.can_work_on_zone(_fresh(organiser), absorbed.zone)


def _fresh(user):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=user.pk)


def test_old_club_address_redirects_to_the_club_that_carries_it_on(client, administrator):
    into, absorbed = ClubFactory(), ClubFactory()
    club_services.club_merge(absorbed=absorbed, into=into, by=administrator)
    response = client.get(reverse("club:detail", args=[absorbed.slug]))
    assert response.status_code == 301
    assert response["Location"] == reverse("club:detail", args=[into.slug])
    assert client.get(response["Location"]).status_code == 200


def test_merger_is_refused_twice_for_oneself_and_for_non_administrators(administrator, organiser):
    into, absorbed = ClubFactory(), ClubFactory()
    with pytest.raises(PermissionDenied):
        club_services.club_merge(absorbed=absorbed, into=into, by=organiser)
    with pytest.raises(ValidationError):
        club_services.club_merge(absorbed=into, into=into, by=administrator)
    club_services.club_merge(absorbed=absorbed, into=into, by=administrator)
    with pytest.raises(ValidationError):
        club_services.club_merge(absorbed=absorbed, into=into, by=administrator)
    with pytest.raises(ValidationError):
        club_services.club_merge(absorbed=into, into=absorbed, by=administrator)


def test_merge_form(client, administrator, organiser):
    into, absorbed = ClubFactory(), ClubFactory()
    url = reverse("club:merge", args=[into.slug])
    client.force_login(organiser)
    assert client.get(url).status_code == 403
    client.force_login(administrator)
    assert client.get(url).status_code == 200
    # Without the confirmation box nothing happens.
    response = client.post(url, {"absorbed": absorbed.pk, "merged_on": local_today().isoformat()})
    assert response.status_code == 200
    absorbed.refresh_from_db()
    assert not absorbed.is_merged
    response = client.post(url, {"absorbed": absorbed.pk, "merged_on": local_today().isoformat(), "confirm": "on"})
    assert response.status_code == 302
    absorbed.refresh_from_db()
    assert absorbed.merged_into == into
    # A club already merged is no longer offered.
    assert (
        client.post(url, {"absorbed": absorbed.pk, "merged_on": local_today().isoformat(), "confirm": "on"}).status_code
        == 200
    )


def test_public_club_list_shows_running_clubs_only(client, administrator):
    into, absorbed = ClubFactory(name="Club Alpha"), ClubFactory(name="Club Bêta")
    club_services.club_merge(absorbed=absorbed, into=into, by=administrator)
    page = client.get(reverse("club:list")).content.decode()
    assert "Club Alpha" in page and "Club Bêta" not in page


def test_merger_keeps_both_public_club_pages_and_moves_a_lone_one(administrator):
    """The public site's club page is one per club: a merger never deletes one (receivers of
    `club_merged` decide what to show); the absorbed club's page moves over when the other has none."""
    from cms.models import ClubPage, HomePage
    from tests.cms.pages import add_page

    home = HomePage.objects.first()
    into, absorbed = ClubFactory(name="Technopôle"), ClubFactory(name="Rezames")
    into_page = add_page(home, ClubPage, title="Technopôle", club=into)
    absorbed_page = add_page(home, ClubPage, title="Rezames", club=absorbed)
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    from portal.clubs.signals import club_merged

    club_merged.connect(receiver)
    try:
        club_services.club_merge(absorbed=absorbed, into=into, by=administrator)
    finally:
        club_merged.disconnect(receiver)
    assert ClubPage.objects.get(pk=absorbed_page.pk).club == absorbed  # left for the receivers
    assert ClubPage.objects.get(pk=into_page.pk).club == into
    assert received[0]["absorbed"] == absorbed and received[0]["left_behind"] == ["cms.ClubPage"]

    lone_into, lone_absorbed = ClubFactory(), ClubFactory()
    lone_page = add_page(home, ClubPage, title="Club sans page jumelle", club=lone_absorbed)
    club_services.club_merge(absorbed=lone_absorbed, into=lone_into, by=administrator)
    assert ClubPage.objects.get(pk=lone_page.pk).club == lone_into


def test_club_page_links_its_public_plans_and_survey_results(client, organiser):
    club = ClubFactory()
    ActionPlan.objects.create(title="Socle d'actions communes", slug="socle", scope="club", club=club)
    ActionPlan.objects.create(title="Plan interne", slug="interne", scope="club", club=club, is_public=False)
    survey = Survey.objects.create(title="Besoins 2026", club=club, closes_on=local_today(), results_public=True)
    page = client.get(reverse("club:detail", args=[club.slug])).content.decode()
    assert reverse("plans:detail", args=["socle"]) in page and "Plan interne" not in page
    assert reverse("club:survey_results", args=[survey.pk]) in page
