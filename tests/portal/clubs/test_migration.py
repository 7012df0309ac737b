"""The club models' move from the members app keeps every row, every content type id and every
group permission of a database that ran the first release (portal/clubs/migrations)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

MOVED_TABLES = [
    "club",
    "club_other_zones",
    "clubboardmember",
    "clubstagechange",
    "firmimport",
    "growthtarget",
    "prospectcontact",
    "survey",
    "surveyanswer",
    "surveyinvitation",
    "surveyresponse",
]


# The latest migrations, before the clubs app existed, of the apps the move touches (the first
# release's tables, once the plans had their own app)
FIRST_RELEASE = [
    ("members", "0003_survey_link_emailed_at"),
    ("cms", "0007_move_events_to_events_app"),
    ("workgroups", "0004_move_action_plans_to_plans_app"),
    ("plans", "0002_rename_tables_and_content_types"),
    ("exchange", "0001_bourse_d_echanges"),
    ("newsletters", "0001_newsletters_deliveries_subscribers"),
]


def _migrate(targets, *, state_at=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(state_at or targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def _first_release_rows(apps) -> dict:
    """Rows in every moved table, made with the models as the first release knew them."""
    Zone = apps.get_model("members", "Zone")
    Organisation = apps.get_model("members", "Organisation")
    Membership = apps.get_model("members", "Membership")
    Person = apps.get_model("members", "Person")
    User = apps.get_model("auth", "User")
    Club = apps.get_model("members", "Club")
    zone = Zone.objects.create(name="Parc des Tanneries", slug="tanneries", commune="Arvière")
    other_zone = Zone.objects.create(name="Zone du Pré-Long", slug="pre-long", commune="Arvière")
    club = Club.objects.create(zone=zone, name="Club des Tanneries", slug="club-tanneries", stage="needs_collected")
    club.other_zones.add(other_zone)
    firm = Organisation.objects.create(name="SCOP Menuiserie", slug="scop-menuiserie", kind="cooperative", zone=zone)
    membership = Membership.objects.create(organisation=firm, club=club, status="active")
    user = User.objects.create(username="organiser@example.org", email="organiser@example.org")
    person = Person.objects.create(user=user, organisation=firm, handle="organiser", role="organiser")
    apps.get_model("members", "ClubStageChange").objects.create(
        club=club, stage="needs_collected", club_name=club.name, by=user
    )
    apps.get_model("members", "ClubBoardMember").objects.create(club=club, person=person, position="president")
    apps.get_model("members", "GrowthTarget").objects.create(zone=zone, year=2026, target_members=80)
    apps.get_model("members", "ProspectContact").objects.create(organisation=firm, status="called", by=user)
    apps.get_model("members", "FirmImport").objects.create(zone=zone, filename="parc.csv", content=b"", created_by=user)
    survey = apps.get_model("members", "Survey").objects.create(
        title="Besoins", club=club, closes_on=datetime.date(2030, 1, 1), results_public=True
    )
    invitation = apps.get_model("members", "SurveyInvitation").objects.create(
        survey=survey, organisation=firm, nonce="0123456789abcdef"
    )
    response = apps.get_model("members", "SurveyResponse").objects.create(
        invitation=invitation, survey=survey, respondent_name="Jeanne Martin"
    )
    apps.get_model("members", "SurveyAnswer").objects.create(
        response=response, survey=survey, problem="waste", importance=3
    )

    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type = ContentType.objects.get(app_label="members", model="club")
    group = apps.get_model("auth", "Group").objects.create(name="Éditeurs des clubs (test)")
    group.permissions.add(Permission.objects.get(content_type=content_type, codename="change_club"))
    return {"club": club.pk, "membership": membership.pk, "content_type": content_type.pk, "group": group.pk}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_moving_the_club_models_keeps_rows_content_types_and_permissions_and_can_be_undone_and_done_again():
    """One trip back to the first release's tables (a minute of migrations each way) serves both: the
    move undone from today's database, then done again over the first release's rows."""
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    survey_type = CurrentContentType.objects.get(app_label="clubs", model="survey").pk
    try:
        before_move = _migrate([("clubs", None)], state_at=FIRST_RELEASE)
        assert {f"members_{table}" for table in MOVED_TABLES} <= _tables()
        assert not {f"clubs_{table}" for table in MOVED_TABLES} & _tables()
        ContentType = before_move.get_model("contenttypes", "ContentType")
        assert ContentType.objects.get(pk=survey_type).app_label == "members"
        assert not ContentType.objects.filter(app_label="clubs", model="survey").exists()
        ids = _first_release_rows(before_move)
        # What a post_migrate makes while the tables are back: a second content type for the model.
        _migrate([("clubs", "0001_initial")])
        assert {f"members_{table}" for table in MOVED_TABLES} <= _tables()
        duplicate = ContentType.objects.create(app_label="clubs", model="survey").pk
        after_move = _migrate(_latest())
    finally:
        # Whatever happens, the later tests find the database at the latest migrations.
        MigrationExecutor(connection).migrate(_latest())

    assert {f"clubs_{table}" for table in MOVED_TABLES} <= _tables()
    assert not {f"members_{table}" for table in MOVED_TABLES} & _tables()
    Club = after_move.get_model("clubs", "Club")
    club = Club.objects.get(pk=ids["club"])
    assert club.slug == "club-tanneries" and club.stage == "needs_collected"
    assert list(club.other_zones.values_list("slug", flat=True)) == ["pre-long"]
    assert after_move.get_model("members", "Membership").objects.get(pk=ids["membership"]).club_id == club.pk
    for model in ["ClubStageChange", "ClubBoardMember", "GrowthTarget", "ProspectContact", "FirmImport", "Survey",
                  "SurveyInvitation", "SurveyResponse", "SurveyAnswer"]:  # fmt: skip
        assert after_move.get_model("clubs", model).objects.count() == 1, model
    response = after_move.get_model("clubs", "SurveyResponse").objects.get()
    assert response.respondent_name == "Jeanne Martin" and response.survey.club_id == club.pk

    ContentType = after_move.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.get(pk=ids["content_type"])
    assert (content_type.app_label, content_type.model) == ("clubs", "club")
    assert not ContentType.objects.filter(app_label="members", model="club").exists()
    assert ContentType.objects.get(app_label="clubs", model="survey").pk == survey_type
    assert not ContentType.objects.filter(pk=duplicate).exists()
    assert not ContentType.objects.filter(app_label="members", model="survey").exists()
    group = after_move.get_model("auth", "Group").objects.get(pk=ids["group"])
    assert list(group.permissions.values_list("content_type__app_label", "codename")) == [("clubs", "change_club")]
