"""The migrations since the first release, checked one by one in a single forward pass.

Run by tests/test_upgrade_release1.py in a process of its own, on the restored first-release database
(DATABASE_URL), so the test database and its connections stay untouched and the data migrations write
where they should:

    python -m tests.upgrade_steps pass  > pass.json     # every migration applied, one at a time
    python -m tests.upgrade_steps final < pass.json     # after `manage.py migrate`: today's code

The pass carries one ProjectState from migration to migration as Django's own `migrate` does
(MigrationExecutor._migrate_all_forwards): its rendered apps stay current, so the historical models of
any moment are at hand for free. Just before a migration under test, a step inserts its rows with the
models of that moment; just after, it checks what the migration made of them; where the migration must
be reversible, it is undone (from a copy of the state before it), checked, and done again. The final
phase checks, with today's models and permissions.py, what a user would notice.

Each step is one former test (a trip back and forth through the migrations, a minute or two each):
its failures are reported under its name, each naming the migration. Steps insert their own rows with
names no first-release row uses; the upgrade test compares against what release one held, read before
the pass, so they add to the database without hiding a lost row.
"""

import datetime
import json
import os
import sys
import traceback
from collections import defaultdict

# step name -> the phases it ran and its failures
REPORT: dict[str, dict] = defaultdict(lambda: {"ran": [], "failures": [], "ids": {}})
# (phase, app label, migration name) -> [(step, function)]; phase: before, after, undone, redone
HOOKS: dict[tuple[str, str, str], list] = defaultdict(list)
FINAL: dict[str, object] = {}


class Failure(AssertionError):
    pass


def same(actual, expected, what: str) -> None:
    if actual != expected:
        raise Failure(f"{what}: got {actual!r}, expected {expected!r}")


def true(condition, what: str) -> None:
    if not condition:
        raise Failure(what)


def hook(step: str, phase: str, migration: str):
    app_label, name = migration.split(".", 1)

    def register(function):
        HOOKS[(phase, app_label, name)].append((step, function))
        return function

    return register


def final(step: str):
    def register(function):
        FINAL[step] = function
        return function

    return register


def _run(step: str, where: str, function, *args) -> None:
    report = REPORT[step]
    if report["failures"]:
        return  # a step that failed once stops there: its later checks would only repeat it
    try:
        function(*args, report["ids"])
    except Exception as error:  # noqa: BLE001 (every failure is the finding, reported by step)
        detail = str(error) if isinstance(error, Failure) else traceback.format_exc(limit=-3)
        report["failures"].append(f"{where}: {detail}")
    report["ran"].append(where)


def _tables(connection) -> set[str]:
    return set(connection.introspection.table_names())


# --- workgroups.0004 … plans.0004: the action plans move to their own app -------------------------------

PLANS = "plans"
PLANS_MOVED = ["actionplan", "action", "commonissue"]


@hook(PLANS, "before", "plans.0001_initial")
def plans_first_release_rows(apps, connection, ids):
    true(
        {"workgroups_actionplan", "workgroups_action_partners", "workgroups_commonissue_firms"} <= _tables(connection),
        "plans.0001: the first release's plan tables are missing before the move",
    )
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission, Group = apps.get_model("auth", "Permission"), apps.get_model("auth", "Group")
    content_types = {
        model: ContentType.objects.get_or_create(app_label="workgroups", model=model)[0].pk for model in PLANS_MOVED
    }
    permission, _ = Permission.objects.get_or_create(
        content_type_id=content_types["actionplan"], codename="view_actionplan",
        defaults={"name": "Can view action plan"},
    )  # fmt: skip
    readers = Group.objects.create(name="Lecteurs des plans (montée de version)")
    readers.permissions.add(permission)
    Organisation = apps.get_model("members", "Organisation")
    pilot = Organisation.objects.create(name="Conserverie (étape)", slug="etape-conserverie", kind="cooperative")
    partner = Organisation.objects.create(name="Fromagerie (étape)", slug="etape-fromagerie", kind="cooperative")
    plan = apps.get_model("workgroups", "ActionPlan").objects.create(
        title="Plan économique participatif", slug="etape-plan-participatif", scope="process"
    )
    action = apps.get_model("workgroups", "Action").objects.create(
        plan=plan, position=1, title="Légumerie partagée", pilot=pilot, status="in_progress"
    )
    action.partners.add(partner)
    issue = apps.get_model("workgroups", "CommonIssue").objects.create(title="Déchets (étape)", status="open")
    issue.firms.add(pilot, partner)
    ids.update(
        content_types=content_types, permission=permission.pk, group=readers.pk, pilot=pilot.pk,
        partner=partner.pk, plan=plan.pk, action=action.pk, issue=issue.pk,
    )  # fmt: skip


@hook(PLANS, "after", "plans.0002_rename_tables_and_content_types")
def plans_moved(apps, connection, ids):
    tables = _tables(connection)
    true(
        {"plans_actionplan", "plans_action", "plans_action_partners", "plans_commonissue", "plans_commonissue_firms"}
        <= tables,
        f"plans.0002: the plans' tables are not renamed: {sorted(t for t in tables if 'action' in t)}",
    )
    left = sorted(t for t in tables if t.startswith("workgroups_") and "action" in t)
    same(left, [], "plans.0002: plan tables left in workgroups")
    ContentType = apps.get_model("contenttypes", "ContentType")
    moved_types = dict(ContentType.objects.filter(app_label="plans").values_list("model", "pk"))
    for model in PLANS_MOVED:
        same(moved_types.get(model), ids["content_types"][model], f"plans.0002: content type id of {model}")
        true(
            not ContentType.objects.filter(app_label="workgroups", model=model).exists(),
            f"plans.0002: a workgroups content type is left for {model}",
        )
    ActionPlan = apps.get_model("plans", "ActionPlan")
    same(ActionPlan.objects.get(slug="etape-plan-participatif").pk, ids["plan"], "plans.0002: the plan's id")
    action = apps.get_model("plans", "Action").objects.get(pk=ids["action"])
    same((action.plan_id, action.pilot_id), (ids["plan"], ids["pilot"]), "plans.0002: the action's plan and pilot")
    same(list(action.partners.values_list("pk", flat=True)), [ids["partner"]], "plans.0002: the action's partners")
    issue = apps.get_model("plans", "CommonIssue").objects.get(pk=ids["issue"])
    same(set(issue.firms.values_list("pk", flat=True)), {ids["pilot"], ids["partner"]}, "plans.0002: the issue's firms")
    granted = apps.get_model("auth", "Group").objects.get(pk=ids["group"]).permissions.get()
    same(
        (granted.pk, granted.content_type_id, granted.content_type.app_label, granted.codename),
        (ids["permission"], ids["content_types"]["actionplan"], "plans", "view_actionplan"),
        "plans.0002: the group's permission on the plans",
    )
    # New rows still get ids after the renamed table's own (the sequence follows the column).
    highest = ActionPlan.objects.order_by("-pk").values_list("pk", flat=True).first()
    created = ActionPlan.objects.create(title="Plan suivant", slug="etape-plan-suivant", scope="process")
    true(created.pk > highest, f"plans.0002: a new plan got id {created.pk}, not after {highest}")


@hook(PLANS, "before", "plans.0004_plan_status_and_action_updates")
def plans_before_status(apps, connection, ids):
    Plan, Action = apps.get_model("plans", "ActionPlan"), apps.get_model("plans", "Action")
    public = Plan.objects.create(title="Plan public", slug="etape-plan-public-0004", scope="process")
    private = Plan.objects.create(title="Plan privé", slug="etape-plan-prive-0004", scope="process", is_public=False)
    moved = Action.objects.create(plan=public, title="Navette", status="in_progress", target_value=100,
                                  current_value=40)  # fmt: skip
    untouched = Action.objects.create(plan=public, title="Vélos", status="planned")
    ids.update(public=public.pk, private=private.pk, moved=moved.pk, untouched=untouched.pk)


@hook(PLANS, "after", "plans.0004_plan_status_and_action_updates")
def plans_status(apps, connection, ids):
    Plan, Action = apps.get_model("plans", "ActionPlan"), apps.get_model("plans", "Action")
    public, private = Plan.objects.get(pk=ids["public"]), Plan.objects.get(pk=ids["private"])
    same((public.status, private.status), ("published", "published"), "plans.0004: first-release plans' status")
    true(public.published_at is not None, "plans.0004: a published plan has no publication date")
    history = list(Action.objects.get(pk=ids["moved"]).updates.values_list("status", "value"))
    same(history, [("in_progress", 40)], "plans.0004: a moved action's first update")
    same(Action.objects.get(pk=ids["untouched"]).updates.count(), 0, "plans.0004: updates of an action never moved")


@final(PLANS)
def plans_final(ids):
    from workgroups.plans.models import ActionPlan

    public, private = ActionPlan.objects.get(pk=ids["public"]), ActionPlan.objects.get(pk=ids["private"])
    same((public.is_visible_to_all, private.is_visible_to_all), (True, False), "plans.0004: who sees the plans")


# --- clubs.0001, members.0004, clubs.0002: the club models move from members to clubs ---------------------

CLUBS = "clubs"
CLUBS_MOVED_TABLES = [
    "club", "club_other_zones", "clubboardmember", "clubstagechange", "firmimport", "growthtarget",
    "prospectcontact", "survey", "surveyanswer", "surveyinvitation", "surveyresponse",
]  # fmt: skip
CLUBS_MODELS = ["ClubStageChange", "ClubBoardMember", "GrowthTarget", "ProspectContact", "FirmImport", "Survey",
                "SurveyInvitation", "SurveyResponse", "SurveyAnswer"]  # fmt: skip


def _club_tables_in(connection, app_label: str, where: str) -> None:
    tables = _tables(connection)
    other = "clubs" if app_label == "members" else "members"
    missing = sorted({f"{app_label}_{t}" for t in CLUBS_MOVED_TABLES} - tables)
    same(missing, [], f"{where}: club tables missing under {app_label}")
    same(sorted({f"{other}_{t}" for t in CLUBS_MOVED_TABLES} & tables), [], f"{where}: club tables left in {other}")


@hook(CLUBS, "before", "clubs.0001_initial")
def clubs_first_release_rows(apps, connection, ids):
    """Rows in every moved table, made with the models as the first release knew them."""
    _club_tables_in(connection, "members", "clubs.0001")
    Zone, Organisation = apps.get_model("members", "Zone"), apps.get_model("members", "Organisation")
    Person, User = apps.get_model("members", "Person"), apps.get_model("auth", "User")
    Club = apps.get_model("members", "Club")
    zone = Zone.objects.create(name="Parc des Tanneries (étape)", slug="etape-tanneries", commune="Arvière")
    other_zone = Zone.objects.create(name="Zone du Pré-Long (étape)", slug="etape-pre-long", commune="Arvière")
    club = Club.objects.create(
        zone=zone, name="Club des Tanneries (étape)", slug="etape-club-tanneries", stage="needs_collected"
    )
    club.other_zones.add(other_zone)
    firm = Organisation.objects.create(name="SCOP Menuiserie (étape)", slug="etape-scop-menuiserie",
                                       kind="cooperative", zone=zone)  # fmt: skip
    membership = apps.get_model("members", "Membership").objects.create(organisation=firm, club=club, status="active")
    user = User.objects.create(username="etape-organiser@example.org", email="etape-organiser@example.org")
    person = Person.objects.create(user=user, organisation=firm, handle="etape-organiser", role="organiser")
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
        survey=survey, organisation=firm, nonce="e7a9e0123456789f"
    )
    response = apps.get_model("members", "SurveyResponse").objects.create(
        invitation=invitation, survey=survey, respondent_name="Jeanne Martin"
    )
    answer = apps.get_model("members", "SurveyAnswer").objects.create(
        response=response, survey=survey, problem="waste", importance=3
    )
    # The newest row of each moved table is the one just made.
    rows = {
        model: apps.get_model("members", model).objects.order_by("-pk").values_list("pk", flat=True).first()
        for model in CLUBS_MODELS
    }
    same(
        [rows["Survey"], rows["SurveyInvitation"], rows["SurveyResponse"], rows["SurveyAnswer"]],
        [survey.pk, invitation.pk, response.pk, answer.pk], "clubs.0001: the rows just made",
    )  # fmt: skip

    ContentType, Permission = apps.get_model("contenttypes", "ContentType"), apps.get_model("auth", "Permission")
    content_type = ContentType.objects.get(app_label="members", model="club")
    group = apps.get_model("auth", "Group").objects.create(name="Éditeurs des clubs (montée de version)")
    group.permissions.add(Permission.objects.get(content_type=content_type, codename="change_club"))
    ids.update(
        club=club.pk, membership=membership.pk, content_type=content_type.pk, group=group.pk, rows=rows,
        survey_type=ContentType.objects.get(app_label="members", model="survey").pk,
    )  # fmt: skip


def _duplicate_survey_type(apps, ids) -> None:
    """What a post_migrate makes while the models are in the clubs app and the tables not yet moved: a
    second content type for the model."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    same(ContentType.objects.get(pk=ids["survey_type"]).app_label, "members", "clubs.0002: survey's content type")
    true(not ContentType.objects.filter(app_label="clubs", model="survey").exists(), "clubs.0002: clubs.survey exists")
    ids["duplicate"] = ContentType.objects.create(app_label="clubs", model="survey").pk


@hook(CLUBS, "before", "clubs.0002_tables_and_content_types")
def clubs_before_move(apps, connection, ids):
    _club_tables_in(connection, "members", "clubs.0002")
    _duplicate_survey_type(apps, ids)


def _clubs_moved(apps, connection, ids):
    _club_tables_in(connection, "clubs", "clubs.0002")
    club = apps.get_model("clubs", "Club").objects.get(pk=ids["club"])
    same((club.slug, club.stage), ("etape-club-tanneries", "needs_collected"), "clubs.0002: the club")
    same(list(club.other_zones.values_list("slug", flat=True)), ["etape-pre-long"], "clubs.0002: its other zones")
    membership = apps.get_model("members", "Membership").objects.get(pk=ids["membership"])
    same(membership.club_id, club.pk, "clubs.0002: a membership's club")
    for model, pk in ids["rows"].items():
        true(apps.get_model("clubs", model).objects.filter(pk=pk).exists(), f"clubs.0002: {model} {pk} gone")
    response = apps.get_model("clubs", "SurveyResponse").objects.get(pk=ids["rows"]["SurveyResponse"])
    same((response.respondent_name, response.survey.club_id), ("Jeanne Martin", club.pk), "clubs.0002: a response")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.get(pk=ids["content_type"])
    same((content_type.app_label, content_type.model), ("clubs", "club"), "clubs.0002: the club's content type")
    true(not ContentType.objects.filter(app_label="members", model="club").exists(), "clubs.0002: members.club left")
    same(ContentType.objects.get(app_label="clubs", model="survey").pk, ids["survey_type"],
         "clubs.0002: the survey's content type id")  # fmt: skip
    true(not ContentType.objects.filter(pk=ids["duplicate"]).exists(), "clubs.0002: the duplicate content type left")
    true(not ContentType.objects.filter(app_label="members", model="survey").exists(), "clubs.0002: members.survey")
    group = apps.get_model("auth", "Group").objects.get(pk=ids["group"])
    same(list(group.permissions.values_list("content_type__app_label", "codename")), [("clubs", "change_club")],
         "clubs.0002: the group's permission on the clubs")  # fmt: skip


hook(CLUBS, "after", "clubs.0002_tables_and_content_types")(_clubs_moved)


@hook(CLUBS, "undone", "clubs.0002_tables_and_content_types")
def clubs_move_undone(apps, connection, ids):
    _club_tables_in(connection, "members", "clubs.0002 undone")
    ContentType = apps.get_model("contenttypes", "ContentType")
    same(ContentType.objects.get(pk=ids["content_type"]).app_label, "members", "clubs.0002 undone: club's type")
    _duplicate_survey_type(apps, ids)


hook(CLUBS, "redone", "clubs.0002_tables_and_content_types")(_clubs_moved)


# --- events.0001 … events.0005: event pages and registrations move from cms to events --------------------

EVENTS = "events"


@hook(EVENTS, "before", "plans.0001_initial")
def events_first_release_rows(apps, connection, ids):
    ContentType, Permission = apps.get_model("contenttypes", "ContentType"), apps.get_model("auth", "Permission")
    page_type = ContentType.objects.get(app_label="cms", model="eventpage")
    registration_type = ContentType.objects.get(app_label="cms", model="eventregistration")
    locale = apps.get_model("wagtailcore", "Locale").objects.order_by("pk").first()
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    plan = apps.get_model("workgroups", "ActionPlan").objects.create(
        title="Plan des événements (étape)", slug="etape-plan-evenements", scope="process"
    )
    page = apps.get_model("cms", "EventPage").objects.create(
        title="Atelier mobilité", draft_title="Atelier mobilité", slug="etape-atelier-mobilite", path="0001ZZZZ",
        depth=2, numchild=0, url_path="/etape-atelier-mobilite/", content_type=page_type, locale=locale,
        live=True, kind="workshop", start=start, end=start + datetime.timedelta(hours=2), place="Salle 2",
        summary="Un atelier.", capacity=10, action_plan=plan,
    )  # fmt: skip
    registration = apps.get_model("cms", "EventRegistration").objects.create(
        event=page, name="Nadia Berthier", email="nadia@example.org", status="confirmed", cancel_token_hash="e" * 64
    )
    group = apps.get_model("auth", "Group").objects.create(name="Accueil des événements (montée de version)")
    permission = Permission.objects.get(content_type=registration_type, codename="change_eventregistration")
    group.permissions.add(permission)
    ids.update(
        page=page.pk, registration=registration.pk, plan=plan.pk, group=group.pk, permission=permission.pk,
        page_type=page_type.pk, registration_type=registration_type.pk,
    )  # fmt: skip


@hook(EVENTS, "after", "events.0002_rename_content_types_and_tables")
def events_moved(apps, connection, ids):
    page = apps.get_model("events", "EventPage").objects.get(pk=ids["page"])
    same((page.title, page.capacity, page.kind, page.action_plan_id), ("Atelier mobilité", 10, "workshop", ids["plan"]),
         "events.0002: the event page")  # fmt: skip
    registration = apps.get_model("events", "EventRegistration").objects.get(pk=ids["registration"])
    same((registration.event_id, registration.email), (ids["page"], "nadia@example.org"), "events.0002: registration")
    ContentType = apps.get_model("contenttypes", "ContentType")
    moved_types = dict(ContentType.objects.filter(app_label="events").values_list("model", "pk"))
    same((moved_types.get("eventpage"), moved_types.get("eventregistration")),
         (ids["page_type"], ids["registration_type"]), "events.0002: content type ids")  # fmt: skip
    left = list(ContentType.objects.filter(app_label="cms", model__startswith="event").values_list("model", flat=True))
    same(left, [], "events.0002: cms content types left for the events")
    kept = apps.get_model("auth", "Group").objects.get(pk=ids["group"]).permissions.get()
    same((kept.pk, kept.content_type.app_label, kept.codename),
         (ids["permission"], "events", "change_eventregistration"),
         "events.0002: the group's permission on registrations")  # fmt: skip
    tables = _tables(connection)
    same(sorted({"events_eventindexpage", "events_eventpage", "events_eventregistration"} - tables), [],
         "events.0002: events tables missing")  # fmt: skip
    same(sorted({"cms_eventindexpage", "cms_eventpage", "cms_eventregistration"} & tables), [],
         "events.0002: cms event tables left")  # fmt: skip


@hook(EVENTS, "after", "events.0005_sessions_and_badges")
def events_badges(apps, connection, ids):
    registration = apps.get_model("events", "EventRegistration").objects.get(pk=ids["registration"])
    same(len(registration.badge_code), 8, "events.0005: an existing registration's badge code")


@final(EVENTS)
def events_final(ids):
    from wagtail.models import Page

    from cms.events.models import EventPage

    page = EventPage.objects.get(pk=ids["page"])
    same(list(page.action_plan.feeding_events.all()), [page], "events: the event no longer feeds its plan")
    true(Page.objects.get(pk=ids["page"]).specific_class is EventPage, "events: Wagtail lost the event page's type")


# --- members.0008: every account's address recorded for django-allauth ----------------------------------

ACCOUNTS = "account_emails"
DOMAIN = "etape.example.org"


def _addresses(apps, ids) -> set:
    EmailAddress = apps.get_model("account", "EmailAddress")
    rows = EmailAddress.objects.filter(user_id__in=ids["accounts"].values())
    return {(a.user_id, a.email, a.verified, a.primary) for a in rows}


def _expected_addresses(ids) -> set:
    accounts = ids["accounts"]
    return {
        (accounts["mixed_case"], f"camille.martin@{DOMAIN}", True, True),
        (accounts["plain"], f"lea.fontaine@{DOMAIN}", True, True),
        (accounts["shared_active"], f"partage@{DOMAIN}", True, True),
    }


@hook(ACCOUNTS, "before", "members.0008_account_email_addresses")
def accounts_before(apps, connection, ids):
    from django.contrib.auth.hashers import make_password

    from tests.factories import PASSWORD

    User = apps.get_model("auth", "User")
    password = make_password(PASSWORD)

    def account(username, email, **extra):
        return User.objects.create(username=username, email=email, password=password, **extra).pk

    ids["accounts"] = {
        "mixed_case": account(f"camille.martin@{DOMAIN}", "Camille.Martin@Etape.Example.org"),
        "plain": account(f"lea.fontaine@{DOMAIN}", f"lea.fontaine@{DOMAIN}"),
        "no_address": account("etape-gestion", ""),
        "shared_inactive": account(f"ancien@{DOMAIN}", f"partage@{DOMAIN}", is_active=False),
        "shared_active": account(f"actuel@{DOMAIN}", f"partage@{DOMAIN}"),
    }


@hook(ACCOUNTS, "after", "members.0008_account_email_addresses")
def accounts_recorded(apps, connection, ids):
    same(_addresses(apps, ids), _expected_addresses(ids), "members.0008: the addresses recorded")


@hook(ACCOUNTS, "undone", "members.0008_account_email_addresses")
def accounts_undone(apps, connection, ids):
    same(apps.get_model("account", "EmailAddress").objects.count(), 0, "members.0008 undone: addresses left")


@hook(ACCOUNTS, "redone", "members.0008_account_email_addresses")
def accounts_redone(apps, connection, ids):
    same(_addresses(apps, ids), _expected_addresses(ids), "members.0008 done again: the addresses recorded")


@final(ACCOUNTS)
def accounts_final(ids):
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from tests.factories import PASSWORD

    def signs_in(login):
        cache.clear()
        client = Client()
        client.post(reverse("members:login"), {"login": login, "password": PASSWORD})
        return int(client.session["_auth_user_id"]) if "_auth_user_id" in client.session else None

    accounts = ids["accounts"]
    same(signs_in(f"camille.martin@{DOMAIN.upper()}"), accounts["mixed_case"], "members.0008: sign-in, any case")
    same(signs_in(f"lea.fontaine@{DOMAIN}"), accounts["plain"], "members.0008: sign-in by address")
    same(signs_in("etape-gestion"), accounts["no_address"], "members.0008: sign-in by username")
    same(signs_in(f"partage@{DOMAIN}"), accounts["shared_active"], "members.0008: sign-in by a shared address")


# --- members.0006: the single role becomes role assignments ----------------------------------------------

ROLES = "roles"


@hook(ROLES, "before", "members.0006_role_assignments_from_person_role")
def roles_first_release_people(apps, connection, ids):
    User, Person = apps.get_model("auth", "User"), apps.get_model("members", "Person")
    Axis, Club, Zone = (
        apps.get_model("workgroups", "Axis"),
        apps.get_model("clubs", "Club"),
        apps.get_model("members", "Zone"),
    )
    zone = Zone.objects.create(name="Parc des rôles (étape)", slug="etape-roles", commune="Arvière")
    firm = apps.get_model("members", "Organisation").objects.create(
        name="SCOP des rôles (étape)", slug="etape-scop-roles", kind="cooperative"
    )
    axes = [Axis.objects.create(number=n, title=f"Axe {n}", slug=f"etape-axe-{n}") for n in (61, 62, 63)]
    for n in (1, 2):
        Club.objects.create(zone=zone, name=f"Club des rôles {n}", slug=f"etape-club-roles-{n}")

    def person(handle, role, organisation=firm):
        user = User.objects.create(username=f"{handle}@{DOMAIN}", email=f"{handle}@{DOMAIN}")
        return Person.objects.create(user=user, organisation=organisation, handle=handle, role=role)

    people = {
        "administrator": person("etape-administrator", "administrator"),
        "coordinator": person("etape-coordinator", "coordinator"),
        "coordinator_of_no_axis": person("etape-coordinator-of-no-axis", "coordinator"),
        "organiser": person("etape-organiser-roles", "organiser"),
        "member": person("etape-member", "member"),
        "member_of_no_organisation": person("etape-member-alone", "member", organisation=None),
    }
    axes[0].coordinators.add(people["coordinator"])
    axes[2].coordinators.add(people["coordinator"])
    ids.update(
        people={name: p.pk for name, p in people.items()}, axes=[axis.pk for axis in axes], firm=firm.pk,
        clubs=sorted(Club.objects.values_list("pk", flat=True)),  # an organiser animates every club
    )  # fmt: skip


def _all_assignments(apps) -> set:
    return set(
        apps.get_model("members", "RoleAssignment").objects.values_list("person_id", "role", "scope_kind", "scope_id")
    )


@hook(ROLES, "after", "members.0006_role_assignments_from_person_role")
def roles_granted(apps, connection, ids):
    RoleAssignment, RoleChange = apps.get_model("members", "RoleAssignment"), apps.get_model("members", "RoleChange")

    def held(name):
        return set(
            RoleAssignment.objects.filter(person_id=ids["people"][name]).values_list("role", "scope_kind", "scope_id")
        )

    axis1, _axis2, axis3 = ids["axes"]
    same(held("administrator"), {("administrator", "cluster", 0)}, "members.0006: an administrator's assignments")
    same(held("coordinator"), {("coordinator", "axis", axis1), ("coordinator", "axis", axis3)},
         "members.0006: a coordinator's assignments")  # fmt: skip
    same(held("coordinator_of_no_axis"), {("coordinator", "cluster", 0)}, "members.0006: coordinator of no axis")
    expected = {("exchange_organiser", "cluster", 0)}
    for club in ids["clubs"]:
        expected |= {("animator", "club", club), ("exchange_organiser", "club", club)}
    same(held("organiser"), expected, "members.0006: an organiser's assignments")
    same(held("member"), {("member", "organisation", ids["firm"])}, "members.0006: a member's assignments")
    same(held("member_of_no_organisation"), set(), "members.0006: a member of no organisation's assignments")
    # Every grant is in the log, made by nobody (the migration), with the scope's name.
    same(RoleChange.objects.count(), RoleAssignment.objects.count(), "members.0006: logged grants against assignments")
    labels = set(
        RoleChange.objects.filter(person_id=ids["people"]["coordinator"]).values_list("scope_label", flat=True)
    )
    same(labels, {"61. Axe 61", "63. Axe 63"}, "members.0006: the logged scopes' names")
    ids["granted"] = sorted(_all_assignments(apps))


@hook(ROLES, "undone", "members.0006_role_assignments_from_person_role")
def roles_undone(apps, connection, ids):
    same(apps.get_model("members", "RoleAssignment").objects.count(), 0, "members.0006 undone: assignments left")


@hook(ROLES, "redone", "members.0006_role_assignments_from_person_role")
def roles_redone(apps, connection, ids):
    same(_all_assignments(apps), {tuple(a) for a in ids["granted"]}, "members.0006 done again: the assignments")


@final(ROLES)
def roles_final(ids):
    """The first release's checks answer as before, now from the assignments."""
    from portal.members import permissions
    from portal.members.models import Person, PersonRole
    from portal.members.permissions import ALL

    people = ids["people"]
    for name in ("administrator", "coordinator", "coordinator_of_no_axis", "organiser", "member"):
        person = Person.objects.select_related("user").get(pk=people[name])
        for role in PersonRole.values:
            expected = person.role == role or person.role == PersonRole.ADMINISTRATOR
            same(permissions.has_role(person.user, role), expected, f"members.0006: has_role({name}, {role})")
        same(permissions.is_administrator(person.user), name == "administrator", f"members.0006: {name} administrator")
    axis1, axis2, axis3 = ids["axes"]
    organiser = Person.objects.get(pk=people["organiser"]).user
    same(
        permissions.scope_ids(organiser, "animator", "club"),
        set(ids["clubs"]),
        "members.0006: clubs an organiser animates",
    )
    true(permissions.scope_ids(organiser, "exchange_organiser", "club") is ALL, "members.0006: an organiser's sessions")
    coordinator = Person.objects.get(pk=people["coordinator"]).user
    same(permissions.scope_ids(coordinator, "coordinator", "axis"), {axis1, axis3}, "members.0006: coordinated axes")
    true(permissions.holds(coordinator, "coordinator", ("axis", axis1)), "members.0006: a coordinator lost an axis")
    true(not permissions.holds(coordinator, "coordinator", ("axis", axis2)), "members.0006: a coordinator gained one")
    no_axis = Person.objects.get(pk=people["coordinator_of_no_axis"]).user
    same(permissions.scope_ids(no_axis, "coordinator", "axis"), set(), "members.0006: axes of a coordinator of none")


# --- clubs.0004: club animators get their own group -------------------------------------------------------

ANIMATORS = "animators_group"
CLUBS_SCREENS = ["clubs.add_survey", "clubs.change_prospectcontact", "clubs.add_clubboardmember"]
EXCHANGE_SCREENS = ["exchange.add_exchangesession", "exchange.change_resourcesheet", "exchange.view_interest"]


@hook(ANIMATORS, "before", "clubs.0004_animators_own_group")
def animators_before(apps, connection, ids):
    User, Group = apps.get_model("auth", "User"), apps.get_model("auth", "Group")
    Person, RoleAssignment = apps.get_model("members", "Person"), apps.get_model("members", "RoleAssignment")
    organisers = Group.objects.get_or_create(name="Organisateurs")[0]
    club = apps.get_model("clubs", "Club").objects.order_by("pk").values_list("pk", flat=True).first()
    held = {
        "animator": [("animator", "club", club)],
        "both": [("animator", "club", club), ("exchange_organiser", "club", club)],
        "exchange": [("exchange_organiser", "cluster", 0)],
    }
    users = {}
    for name, assignments in held.items():
        user = User.objects.create(
            username=f"etape-animators-{name}@{DOMAIN}", email=f"etape-animators-{name}@{DOMAIN}"
        )
        User.groups.through.objects.create(user_id=user.pk, group_id=organisers.pk)
        person = Person.objects.create(user=user, handle=f"etape-animators-{name}", role="organiser")
        for role, kind, scope_id in assignments:
            RoleAssignment.objects.create(person=person, role=role, scope_kind=kind, scope_id=scope_id)
        users[name] = user.pk
    ids["users"] = users


ANIMATORS_GROUPS = {
    "animator": {"Animateurs de club"},
    "both": {"Animateurs de club", "Organisateurs"},
    "exchange": {"Organisateurs"},
}


@hook(ANIMATORS, "after", "clubs.0004_animators_own_group")
def animators_after(apps, connection, ids):
    User = apps.get_model("auth", "User")
    for name, expected in ANIMATORS_GROUPS.items():
        groups = set(User.objects.get(pk=ids["users"][name]).groups.values_list("name", flat=True))
        same(groups, expected, f"clubs.0004: the groups of {name}")


@final(ANIMATORS)
def animators_final(ids):
    from django.contrib.auth import get_user_model

    from portal.members.roles import ROLE_GROUP_NAMES

    User = get_user_model()
    for name, expected in ANIMATORS_GROUPS.items():
        user = User.objects.get(pk=ids["users"][name])
        # The role groups (an animator of a club also gets that club's page editors' group, cms's own).
        groups = set(user.groups.filter(name__in=ROLE_GROUP_NAMES.values()).values_list("name", flat=True))
        same(groups, expected, f"clubs.0004: the role groups of {name}")
        wanted = EXCHANGE_SCREENS + (CLUBS_SCREENS if name != "exchange" else [])
        same([perm for perm in wanted if not user.has_perm(perm)], [], f"clubs.0004: rights {name} lost")


# --- workgroups.0006: an axis's listed coordinators and the coordinator assignments agree -----------------

COORDINATORS = "coordinators"


@hook(COORDINATORS, "before", "workgroups.0006_axis_coordinators_follow_assignments")
def coordinators_before(apps, connection, ids):
    User, Person = apps.get_model("auth", "User"), apps.get_model("members", "Person")
    Assignment, Axis = apps.get_model("members", "RoleAssignment"), apps.get_model("workgroups", "Axis")
    axes = [Axis.objects.create(number=n, title=f"Axe {n}", slug=f"etape-axe-{n}") for n in (71, 72, 73)]

    def person(handle, role):
        user = User.objects.create(username=f"{handle}@{DOMAIN}", email=f"{handle}@{DOMAIN}")
        return Person.objects.create(user=user, handle=handle, role=role)

    listed_member = person("etape-listed-member", "member")  # listed by an administrator, whatever her role
    listed_organiser = person("etape-listed-organiser", "organiser")
    assigned_only = person("etape-assigned-only", "coordinator")
    both = person("etape-both", "coordinator")
    axes[0].coordinators.add(listed_member, both)
    axes[1].coordinators.add(listed_organiser)
    Assignment.objects.create(person=assigned_only, role="coordinator", scope_kind="axis", scope_id=axes[2].pk)
    Assignment.objects.create(person=both, role="coordinator", scope_kind="axis", scope_id=axes[0].pk)
    ids.update(people={p.handle: p.pk for p in (listed_member, listed_organiser, assigned_only, both)},
               axes=[axis.pk for axis in axes])  # fmt: skip


@hook(COORDINATORS, "after", "workgroups.0006_axis_coordinators_follow_assignments")
def coordinators_after(apps, connection, ids):
    RoleAssignment, RoleChange = apps.get_model("members", "RoleAssignment"), apps.get_model("members", "RoleChange")
    Axis, Person = apps.get_model("workgroups", "Axis"), apps.get_model("members", "Person")
    people = ids["people"]

    def coordinated(handle):
        rows = RoleAssignment.objects.filter(person_id=people[handle], role="coordinator", scope_kind="axis")
        return set(rows.values_list("scope_id", flat=True))

    axis1, axis2, axis3 = ids["axes"]
    for handle, axis in [
        ("listed-member", axis1),
        ("listed-organiser", axis2),
        ("assigned-only", axis3),
        ("both", axis1),
    ]:
        same(coordinated(f"etape-{handle}"), {axis}, f"workgroups.0006: the axes {handle} coordinates")
    same(set(Axis.objects.get(pk=axis1).coordinators.values_list("pk", flat=True)),
         {people["etape-listed-member"], people["etape-both"]}, "workgroups.0006: the listed coordinators")  # fmt: skip
    same(list(Axis.objects.get(pk=axis3).coordinators.values_list("pk", flat=True)), [people["etape-assigned-only"]],
         "workgroups.0006: an assigned coordinator listed")  # fmt: skip
    # Each grant is logged (by nobody: the migration), once.
    granted = RoleChange.objects.filter(role="coordinator", scope_kind="axis", by__isnull=True)
    logged = set(granted.values_list("person_id", "scope_id"))
    true({(people["etape-listed-member"], axis1), (people["etape-listed-organiser"], axis2)} <= logged,
         "workgroups.0006: a grant to a listed coordinator is not logged")  # fmt: skip
    true(not granted.filter(person_id=people["etape-both"]).exists(), "workgroups.0006: a grant logged twice")
    for handle in ("etape-listed-member", "etape-listed-organiser"):
        same(Person.objects.get(pk=people[handle]).role, "coordinator", f"workgroups.0006: the role of {handle}")


@final(COORDINATORS)
def coordinators_final(ids):
    """They keep leading their axis: the coordinator's rights, the coordinators' group."""
    from portal.members.models import Person
    from portal.members.permissions import holds

    axis1, axis2, _axis3 = ids["axes"]
    member = Person.objects.select_related("user").get(pk=ids["people"]["etape-listed-member"])
    true(holds(member.user, "coordinator", ("axis", axis1)), "workgroups.0006: a listed coordinator lost the axis")
    true(not holds(member.user, "coordinator", ("axis", axis2)), "workgroups.0006: a listed coordinator gained one")
    true(member.user.groups.filter(name="Coordinateurs d'axe").exists(), "workgroups.0006: not in the group")


# --- clubs.0014: each prospect file points at its firm's latest contact ----------------------------------------

LATEST = "prospect_latest"


@hook(LATEST, "before", "clubs.0014_prospect_file_latest_contact")
def latest_before(apps, connection, ids):
    """Three firms of a zone: one with a file and three contacts (the latest by date recorded first), one
    with two contacts of the same day and no file, one with neither."""
    Zone, Organisation = apps.get_model("members", "Zone"), apps.get_model("members", "Organisation")
    Contact, File = apps.get_model("clubs", "ProspectContact"), apps.get_model("clubs", "ProspectFile")
    zone = Zone.objects.create(name="Parc de la Gare (étape)", slug="etape-gare", commune="Arvière")
    firms = {
        name: Organisation.objects.create(name=f"{name} (étape)", slug=f"etape-latest-{name.lower()}", zone=zone)
        for name in ("Filée", "Sansfiche", "Jamais")
    }
    File.objects.create(organisation=firms["Filée"], next_action="call", next_action_due=datetime.date(2026, 12, 20))
    day = datetime.date(2026, 11, 2)
    Contact.objects.create(organisation=firms["Filée"], status="visited", contacted_on=day)
    Contact.objects.create(organisation=firms["Filée"], status="invited", contacted_on=day - datetime.timedelta(30))
    Contact.objects.create(organisation=firms["Filée"], status="called", contacted_on=day - datetime.timedelta(9))
    Contact.objects.create(organisation=firms["Sansfiche"], status="invited", contacted_on=day)
    Contact.objects.create(organisation=firms["Sansfiche"], status="declined", contacted_on=day)
    ids.update(zone=zone.pk, firms={name: firm.pk for name, firm in firms.items()})


LATEST_STATUSES = {"Filée": "visited", "Sansfiche": "declined", "Jamais": None}


@hook(LATEST, "after", "clubs.0014_prospect_file_latest_contact")
def latest_after(apps, connection, ids):
    File = apps.get_model("clubs", "ProspectFile")
    firms = ids["firms"]
    for name, status in LATEST_STATUSES.items():
        file = File.objects.filter(organisation_id=firms[name]).select_related("latest_contact").first()
        same(file.latest_contact.status if file and file.latest_contact else None, status, f"clubs.0014: {name}")
    planned = File.objects.get(organisation_id=firms["Filée"])
    same((planned.next_action, planned.next_action_due), ("call", datetime.date(2026, 12, 20)), "clubs.0014: its plan")
    true(not File.objects.filter(organisation_id=firms["Jamais"]).exists(), "clubs.0014: a file for a firm never met")


@final(LATEST)
def latest_final(ids):
    """The animator's prospect list shows each firm's latest status, and counts and filters on it."""
    from portal.clubs import selectors
    from portal.members.models import Zone

    zone = Zone.objects.get(pk=ids["zone"])
    listed = {firm.name.removesuffix(" (étape)"): firm.contact_status for firm in selectors.zone_prospects(zone)}
    same(listed, LATEST_STATUSES, "clubs.0014: the prospect list")
    counts = selectors.prospect_status_counts(zone)
    same((counts["visited"], counts["declined"], counts["none"], counts["invited"]), (1, 1, 1, 0), "clubs.0014: counts")
    same([firm.name for firm in selectors.zone_prospects(zone, status="declined")], ["Sansfiche (étape)"],
         "clubs.0014: the list filtered by status")  # fmt: skip


STEPS = [PLANS, CLUBS, EVENTS, ACCOUNTS, ROLES, ANIMATORS, COORDINATORS, LATEST]


# --- the pass ------------------------------------------------------------------------------------------------


def _models(state):
    """The state's models, usable: an operation that alters no relation reloads only its own model and
    marks the state "delayed" (the models pointing at it keep pointing at its old class), as Django
    does for speed; a RunPython then renders the state again before running (clear_delayed_apps_cache).
    So do the steps, before inserting or reading rows."""
    state.clear_delayed_apps_cache()
    return state.apps


def _hooks(phase: str, migration) -> list:
    return HOOKS.get((phase, migration.app_label, migration.name), [])


def _state_before(state):
    """A copy of the state, rendered afresh, to undo a migration from while `state` goes on to the next.

    A copy made with `clone()` alone shares the model classes of the state it comes from: re-rendering a
    model in it (undoing an AlterModelTable, say) would rebind those shared classes' relations to the
    copy's and break the models of the state the pass carries on with. Rendering costs 0.2-0.5 s here.
    """
    before = state.clone()
    del before.apps
    before.apps  # noqa: B018 (rendered once here, not once per operation while undoing)
    return before


def forward_pass() -> dict:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    # As `migrate` does: the state of the applied migrations, rendered once, then carried along.
    state = executor._create_project_state(with_applied_migrations=True)
    state.apps  # noqa: B018 (render all, once)
    applied = 0
    for migration, backwards in plan:
        assert not backwards, migration
        key = f"{migration.app_label}.{migration.name}"
        for step, function in _hooks("before", migration):
            _run(step, f"before {key}", function, _models(state), connection)
        undo = _hooks("undone", migration) or _hooks("redone", migration)
        before = _state_before(state) if undo else None
        state = executor.apply_migration(state, migration)
        applied += 1
        for step, function in _hooks("after", migration):
            _run(step, f"after {key}", function, _models(state), connection)
        if undo:
            # Undone from the state before it, then done again on that state; the pass goes on with its
            # own state, the same as after the migration.
            executor.unapply_migration(before, migration)
            for step, function in _hooks("undone", migration):
                _run(step, f"undone {key}", function, _models(before), connection)
            executor.apply_migration(before, migration)
            for step, function in _hooks("redone", migration):
                _run(step, f"redone {key}", function, _models(state), connection)
    return {"applied": applied, "steps": {step: REPORT[step] for step in STEPS}}


def final_checks(report: dict) -> dict:
    answers = {}
    for step in STEPS:
        mine = report["steps"][step]
        failures = []
        if step in FINAL and not mine["failures"]:
            try:
                FINAL[step](mine["ids"])
            except Exception as error:  # noqa: BLE001
                failures.append(
                    f"after migrate: {error if isinstance(error, Failure) else traceback.format_exc(limit=-3)}"
                )
        answers[step] = {"ran": step in FINAL, "failures": failures}
    return answers


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django

    django.setup()
    answer = forward_pass() if sys.argv[1] == "pass" else final_checks(json.load(sys.stdin))
    print(json.dumps(answer, default=str))


if __name__ == "__main__":
    main()
