"""Probes of the clubs' rules (portal/clubs): the animators' tools on the site and in the admin.

Inside is club_in (its zone zone_in, where org_in is a member firm); outside is club_out and zone_out.
Prospects, firm imports and growth targets belong to a zone: to the clubs that cover it.
"""

import datetime
import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from cms.models import SurveyResultsPage
from portal.clubs.models import (
    Campaign,
    CampaignTarget,
    ClubBoardMember,
    ClubSettings,
    ClubStageChange,
    FirmImport,
    GrowthTarget,
    ImportStatus,
    JoinRequest,
    ProspectContact,
    ProspectFile,
    ProspectingObjection,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)
from portal.members.demo import fictional_siret
from tests.factories import OrganisationFactory, PersonFactory

from ..kit import allowed, client_for, probe

_numbers = itertools.count(1)


def marker(prefix: str) -> str:
    """A text no other row of the page carries (no character HTML would escape)."""
    return f"{prefix} {next(_numbers)} matrice"


# --- Admin helpers (shared with the other apps' probes) ---------------------------------------------


def admin_list_shows(user, viewset: str, text: str) -> bool:
    """The viewset's list answers and shows `text` (a row of the user's scope, or not)."""
    response = client_for(user).get(reverse(f"{viewset}:index"))
    return allowed(response) and response.status_code == 200 and escape(text) in response.content.decode()


def admin_export_has(user, viewset: str, text: str) -> bool:
    """The list's CSV export (a POST, as the button sends it) holds `text`."""
    response = client_for(user).post(reverse(f"{viewset}:index") + "?export=csv")
    if response.status_code != 200:
        return False
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return text in body.decode("utf-8-sig", errors="replace")


def admin_page_opens(user, viewset: str, view: str, pk) -> bool:
    """The row's edit, delete, inspect or history page answers (another scope's row: 404)."""
    return allowed(client_for(user).get(reverse(f"{viewset}:{view}", args=[pk])))


def admin_form_offers(user, viewset: str, field: str, pk, *, view: str = "add", args=()) -> bool:
    """The add (or edit) form answers and offers `pk` among the choices of `field`."""
    response = client_for(user).get(reverse(f"{viewset}:{view}", args=list(args)))
    if response.status_code != 200 or response.context is None or "form" not in response.context:
        return False
    choices = response.context["form"].fields[field]
    if pk is None:  # the empty choice ("the whole cluster")
        return not choices.required and choices.empty_label is not None
    return choices.queryset.filter(pk=pk).exists()


# --- What the probes act on -------------------------------------------------------------------------


def club(world, inside):
    return world.inside("club", inside)


def zone(world, inside):
    return world.inside("zone", inside)


def prospect(world, inside):
    """A firm established on the zone, member of nothing: a prospect of the club covering it."""
    return OrganisationFactory(zone=zone(world, inside), name=marker("Prospect"))


def survey(world, inside, *, cluster: bool = False, answered: bool = True) -> Survey:
    """A survey of the club (or of the whole cluster) whose invited firm (org_in or org_out) answered."""
    the_survey = Survey.objects.create(
        title=marker("Enquete"),
        club=None if cluster else club(world, inside),
        closes_on=datetime.date.today() + datetime.timedelta(days=30),
    )
    invitation = SurveyInvitation.objects.create(
        survey=the_survey, organisation=world.inside("org", inside), nonce="0123456789abcdef"
    )
    if answered:
        SurveyResponse.objects.create(invitation=invitation, survey=the_survey, free_text="Signaletique absente")
    return the_survey


def firm_import(world, inside, **fields) -> FirmImport:
    return FirmImport.objects.create(zone=zone(world, inside), filename=f"{marker('parc')}.csv", content=b"x", **fields)


# --- Clubs: back office, stages, mergers --------------------------------------------------------------


@probe("clubs.club.backoffice")
def club_backoffice(world, user, inside):
    # Everyone reads the club's public summary: only its animators get the stage form.
    the_club = club(world, inside)
    response = client_for(user).get(reverse("club:detail", args=[the_club.slug]))
    return response.status_code == 200 and reverse("club:stage", args=[the_club.slug]) in response.content.decode()


@probe("clubs.club.stage")
def club_stage(world, user, inside):
    the_club = club(world, inside)
    client_for(user).post(
        reverse("club:stage", args=[the_club.slug]),
        {
            "stage": "needs_collected",
            "changed_on": datetime.date.today().isoformat(),
            "note": "",
            "unfinished_ok": "on",
        },  # its checklist not done: the animator confirms the move
    )
    the_club.refresh_from_db()
    return the_club.stage == "needs_collected"


@probe("clubs.club.autonomy")
def club_autonomy(world, user, inside):
    the_club = club(world, inside)
    client_for(user).post(
        reverse("club:autonomy", args=[the_club.slug]),
        {"autonomy_planned_on": "2029-01-31", "m_first_meeting": datetime.date.today().isoformat()},
    )
    the_club.refresh_from_db()
    saved = the_club.autonomy_planned_on == datetime.date(2029, 1, 31)
    the_club.milestones.all().delete()
    type(the_club).objects.filter(pk=the_club.pk).update(autonomy_planned_on=None)
    return saved


@probe("clubs.overview.stage_warning")
def overview_stage_warning(world, user, inside):
    """A club two years in its first stage is flagged on the overview (the cluster's limit: 12 months)."""
    the_club = club(world, inside)
    type(the_club).objects.filter(pk=the_club.pk).update(
        stage="emergence", stage_since=datetime.date.today() - datetime.timedelta(days=730)
    )
    limit = ClubSettings.load()
    limit.stage_max_months = 12
    limit.save()
    page = client_for(user).get(reverse("club:list"), headers={"accept-language": "en"}).content.decode()
    row = (
        page.split(f">{escape(the_club.name)}</a>", 1)[1].split("</tr>", 1)[0] if escape(the_club.name) in page else ""
    )
    return "in this stage" in row


@probe("clubs.settings.stage_limit")
def settings_stage_limit(world, user, inside):
    # The cluster's pace is one setting (one scope): inside and outside are the same screen.
    url = reverse("wagtailsettings:edit", args=["clubs", "clubsettings", ClubSettings.load().pk])
    client_for(user).post(url, {"stage_max_months": "30"})
    return ClubSettings.load().stage_max_months == 30


@probe("clubs.club.merge")
def club_merge(world, user, inside):
    return allowed(client_for(user).get(reverse("club:merge", args=[club(world, inside).slug])))


# --- Prospects -------------------------------------------------------------------------------------


@probe("clubs.prospects.list")
def prospects_list(world, user, inside):
    firm = prospect(world, inside)
    response = client_for(user).get(reverse("club:prospects", args=[zone(world, inside).slug]))
    return response.status_code == 200 and firm.name in response.content.decode()


@probe("clubs.prospects.contact")
def prospects_contact(world, user, inside):
    firm = prospect(world, inside)
    client_for(user).post(
        reverse("club:prospect_contact", args=[zone(world, inside).slug, firm.pk]),
        {"status": "called", "contacted_on": datetime.date.today().isoformat(), "note": ""},
    )
    return ProspectContact.objects.filter(organisation=firm).exists()


@probe("clubs.prospects.file")
def prospects_file(world, user, inside):
    firm = prospect(world, inside)
    response = client_for(user).get(reverse("club:prospect_file", args=[zone(world, inside).slug, firm.pk]))
    return response.status_code == 200 and firm.name in response.content.decode()


@probe("clubs.prospects.log")
def prospects_log(world, user, inside):
    firm = prospect(world, inside)
    client_for(user).post(
        reverse("club:prospect_log", args=[zone(world, inside).slug, firm.pk]),
        {"log-kind": "call", "log-status": "called", "log-contacted_on": datetime.date.today().isoformat()},
    )
    return ProspectContact.objects.filter(organisation=firm, kind="call").exists()


@probe("clubs.prospects.plan")
def prospects_plan(world, user, inside):
    firm = prospect(world, inside)
    client_for(user).post(
        reverse("club:prospect_plan", args=[zone(world, inside).slug, firm.pk]),
        {
            "plan-assigned_to": "",
            "plan-next_action": "visit",
            "plan-next_action_due": datetime.date.today().isoformat(),
        },
    )
    return ProspectFile.objects.filter(organisation=firm, next_action="visit").exists()


@probe("clubs.prospects.objection")
def prospects_objection(world, user, inside):
    firm = OrganisationFactory(zone=zone(world, inside), email="contact@opposee.example")
    client_for(user).post(reverse("club:prospect_objection", args=[zone(world, inside).slug, firm.pk]))
    return ProspectingObjection.objects.filter(organisation=firm).exists()


# --- "My calls today" ------------------------------------------------------------------------------
# A file assigned to the user on a zone their clubs do not cover is not theirs to call: outside.


def _assigned_file(world, user, inside, *, days_late: int = 0) -> ProspectFile | None:
    if user is None:
        return None
    return ProspectFile.objects.create(
        organisation=prospect(world, inside),
        assigned_to=user,
        next_action="call",
        next_action_due=datetime.date.today() - datetime.timedelta(days=days_late),
    )


def _calls_page_shows(world, user, inside, url_name: str, *, days_late: int = 0) -> bool:
    prospect_file = _assigned_file(world, user, inside, days_late=days_late)
    response = client_for(user).get(reverse(url_name))
    return (
        prospect_file is not None
        and response.status_code == 200
        and escape(prospect_file.organisation.name) in response.content.decode()
    )


@probe("clubs.calls.today")
def calls_today(world, user, inside):
    return _calls_page_shows(world, user, inside, "club:calls")


@probe("clubs.calls.overdue")
def calls_overdue(world, user, inside):
    return _calls_page_shows(world, user, inside, "club:calls", days_late=3)


@probe("clubs.calls.sheet")
def calls_sheet(world, user, inside):
    return _calls_page_shows(world, user, inside, "club:call_sheet")


@probe("clubs.calls.export")
def calls_export(world, user, inside):
    prospect_file = _assigned_file(world, user, inside)
    response = client_for(user).get(reverse("club:calls_export"))
    if prospect_file is None or response.status_code != 200:
        return False
    sheet = load_workbook(io.BytesIO(response.content)).active
    return any(
        prospect_file.organisation.name in [str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)
    )


# --- Campaigns ------------------------------------------------------------------------------------


def _campaign(world, inside) -> Campaign:
    the_club = club(world, inside)
    campaign = Campaign.objects.create(club=the_club, zone=the_club.zone, title=marker("Campagne"))
    CampaignTarget.objects.create(campaign=campaign, organisation=prospect(world, inside))
    return campaign


@probe("clubs.campaigns.list")
def campaigns_list(world, user, inside):
    campaign = _campaign(world, inside)
    response = client_for(user).get(reverse("club:campaigns"))
    return response.status_code == 200 and campaign.title in response.content.decode()


@probe("clubs.campaigns.start")
def campaigns_start(world, user, inside):
    the_club, title = club(world, inside), marker("Nouvelle campagne")
    prospect(world, inside)
    data = {"title": title, "club": the_club.pk, "zone": the_club.zone_id, "kind": "phoning", "status": ""}
    if user is not None:
        data["assignees"] = [user.pk]
    client_for(user).post(reverse("club:campaigns"), data)
    return Campaign.objects.filter(title=title, club=the_club).exists()


@probe("clubs.campaigns.see")
def campaigns_see(world, user, inside):
    campaign = _campaign(world, inside)
    response = client_for(user).get(reverse("club:campaign_detail", args=[campaign.pk]) + "?qui=tous")
    return response.status_code == 200 and campaign.title in response.content.decode()


@probe("clubs.campaigns.record")
def campaigns_record(world, user, inside):
    target = _campaign(world, inside).targets.get()
    client_for(user).post(
        reverse("club:campaign_record", args=[target.campaign_id, target.pk]), {"result": "interested"}
    )
    target.refresh_from_db()
    return target.result == "interested"


def _inviting_campaign(world, inside, *, sent: bool = False) -> Campaign:
    """A campaign of the club inviting its prospect (with an address) to the club's open survey."""
    campaign = _campaign(world, inside)
    campaign.targets.update(invited_at=datetime.datetime.now(datetime.UTC) if sent else None, nonce="n")
    Campaign.objects.filter(pk=campaign.pk).update(invite_kind="survey", invite_id=survey(world, inside).pk)
    target = campaign.targets.select_related("organisation").get()
    target.organisation.email = f"prospect{target.pk}@example.org"
    target.organisation.save()
    if sent:
        Campaign.objects.filter(pk=campaign.pk).update(invitations_sent_at=datetime.datetime.now(datetime.UTC))
    return campaign


@probe("clubs.campaigns.invite")
def campaigns_invite(world, user, inside):
    campaign = _campaign(world, inside)
    the_survey = survey(world, inside)
    data = {"invitation": f"survey:{the_survey.pk}", "reminder_days": "7", "reminder_max": "1"}
    client_for(user).post(reverse("club:campaign_invitation", args=[campaign.pk]), data)
    campaign.refresh_from_db()
    return (campaign.invite_kind, campaign.invite_id) == ("survey", the_survey.pk)


@probe("clubs.campaigns.send")
def campaigns_send(world, user, inside):
    campaign = _inviting_campaign(world, inside)
    response = client_for(user).post(reverse("club:campaign_send", args=[campaign.pk]))
    return allowed(response) and Campaign.objects.filter(pk=campaign.pk, invitations_sent_at__isnull=False).exists()


@probe("clubs.campaigns.remind")
def campaigns_remind(world, user, inside):
    campaign = _inviting_campaign(world, inside, sent=True)
    return allowed(client_for(user).post(reverse("club:campaign_remind", args=[campaign.pk])))


# --- Joining online: a firm's request waits for the animators of its park's club -----------------------


def _join_request(world, inside) -> JoinRequest:
    the_club = club(world, inside)
    return JoinRequest.objects.create(
        zone=the_club.zone, club=the_club, name=marker("Demandeuse"), kind="classic_firm",
        siret=fictional_siret(700_000 + next(_numbers)),
        first_name="Lucie", last_name="Vasseur", email="lucie@example.org",
    )  # fmt: skip


@probe("clubs.join.register_lookup")
def join_register_lookup(world, user, inside):
    # The public join form's SIRET lookup: anyone, no scope (inside and outside are the same search);
    # the register is down in the tests (nothing listens), which answers 503 to whoever may ask.
    response = client_for(user).get(reverse("club:join_lookup"), {"q": fictional_siret(7001)})
    return response.status_code == 503


@probe("clubs.join.requests")
def join_requests(world, user, inside):
    join_request = _join_request(world, inside)
    response = client_for(user).get(reverse("club:join_requests"))
    return response.status_code == 200 and join_request.name in response.content.decode()


@probe("clubs.join.accept")
def join_accept(world, user, inside):
    join_request = _join_request(world, inside)
    client_for(user).post(reverse("club:join_request_accept", args=[join_request.pk]))
    join_request.refresh_from_db()
    return join_request.status == "accepted"


@probe("clubs.join.refuse")
def join_refuse(world, user, inside):
    join_request = _join_request(world, inside)
    client_for(user).post(reverse("club:join_request_refuse", args=[join_request.pk]), {"reason": "Hors du parc"})
    join_request.refresh_from_db()
    return join_request.status == "refused"


# --- Firm imports ----------------------------------------------------------------------------------


@probe("clubs.imports.upload")
def imports_upload(world, user, inside):
    the_zone = zone(world, inside)
    upload = SimpleUploadedFile("parc.csv", b"nom;siret\nBoulangerie;\n", content_type="text/csv")
    client_for(user).post(reverse("club:zone_import", args=[the_zone.slug]), {"file": upload, "mode": "all_or_nothing"})
    return FirmImport.objects.filter(zone=the_zone, filename="parc.csv").exists()


@probe("clubs.imports.progress")
def imports_progress(world, user, inside):
    return allowed(client_for(user).get(reverse("club:import_progress", args=[firm_import(world, inside).pk])))


@probe("clubs.imports.rerun")
def imports_rerun(world, user, inside):
    refused = firm_import(world, inside, status=ImportStatus.REFUSED)
    client_for(user).post(reverse("club:import_good_rows", args=[refused.pk]))
    return FirmImport.objects.filter(zone=refused.zone, filename=refused.filename).count() == 2


# --- Needs surveys ---------------------------------------------------------------------------------


@probe("clubs.surveys.list")
def surveys_list(world, user, inside):
    the_survey = survey(world, inside)
    response = client_for(user).get(reverse("club:surveys"))
    return response.status_code == 200 and the_survey.title in response.content.decode()


def _open(world, user, the_club) -> bool:
    title = marker("Nouvelle enquete")
    client_for(user).post(
        reverse("club:surveys"),
        {
            "title": title,
            "club": the_club.pk if the_club else "",
            "closes_on": (datetime.date.today() + datetime.timedelta(days=20)).isoformat(),
            "introduction": "",
        },
    )
    return Survey.objects.filter(title=title, club=the_club).exists()


@probe("clubs.surveys.open")
def surveys_open(world, user, inside):
    return _open(world, user, club(world, inside))


@probe("clubs.surveys.open_cluster")
def surveys_open_cluster(world, user, inside):
    # A survey of the whole cluster asks every firm of every club: the cluster's one scope.
    return _open(world, user, None)


@probe("clubs.surveys.see")
def surveys_see(world, user, inside):
    return allowed(client_for(user).get(reverse("club:survey_detail", args=[survey(world, inside).pk])))


@probe("clubs.surveys.see_cluster")
def surveys_see_cluster(world, user, inside):
    # Its answers come from the firms of every club.
    the_survey = survey(world, inside, cluster=True)
    return allowed(client_for(user).get(reverse("club:survey_detail", args=[the_survey.pk])))


@probe("clubs.surveys.results")
def surveys_results(world, user, inside):
    # The live results; the public reads them on the survey's page of the site, once published.
    return allowed(client_for(user).get(reverse("club:survey_results", args=[survey(world, inside).pk])))


@probe("clubs.surveys.export")
def surveys_export(world, user, inside):
    response = client_for(user).get(reverse("club:survey_export", args=[survey(world, inside).pk]))
    return response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


@probe("clubs.surveys.publish")
def surveys_publish(world, user, inside):
    the_survey = survey(world, inside, answered=False)
    client_for(user).post(reverse("club:survey_publish", args=[the_survey.pk]), {"public": "1"})
    the_survey.refresh_from_db()
    return the_survey.results_public


@probe("clubs.surveys.publish_page")
def surveys_publish_page(world, user, inside):
    # The one click that publishes the survey's aggregated results as a page of the site.
    the_survey = survey(world, inside)
    client_for(user).post(reverse("survey_results_page", args=[the_survey.pk]))
    return SurveyResultsPage.objects.filter(survey=the_survey).exists()


@probe("clubs.surveys.email")
def surveys_email(world, user, inside):
    return allowed(client_for(user).post(reverse("club:survey_email", args=[survey(world, inside).pk])))


# --- Growth ----------------------------------------------------------------------------------------


@probe("clubs.growth.dashboard")
def growth_dashboard(world, user, inside):
    # The dashboard shows the zones of the user's clubs (every zone for the cluster's administrators).
    response = client_for(user).get(reverse("club:growth"))
    return response.status_code == 200 and escape(zone(world, inside).name) in response.content.decode()


@probe("clubs.growth.club_figures")
def growth_club_figures(world, user, inside):
    # The club by club table, for last year: a row headed by the club's name.
    year = timezone.localdate().year - 1
    response = client_for(user).get(reverse("club:growth"), {"annee": year})
    row = f'<th scope="row" class="text-start">{escape(club(world, inside).name)}</th>'
    return response.status_code == 200 and row in response.content.decode()


# --- The admin screens -----------------------------------------------------------------------------


@probe("clubs.admin.clubs.list")
def admin_clubs_list(world, user, inside):
    return admin_list_shows(user, "clubs", club(world, inside).name)


@probe("clubs.admin.clubs.export")
def admin_clubs_export(world, user, inside):
    return admin_export_has(user, "clubs", club(world, inside).name)


@probe("clubs.admin.clubs.edit")
def admin_clubs_edit(world, user, inside):
    return admin_page_opens(user, "clubs", "edit", club(world, inside).pk)


def _board_seat(world, inside):
    person = PersonFactory(organisation=world.inside("org", inside), user__last_name=marker("Presidente"))
    return ClubBoardMember.objects.create(club=club(world, inside), person=person, position="president")


@probe("clubs.admin.board.list")
def admin_board_list(world, user, inside):
    return admin_list_shows(user, "club-board", _board_seat(world, inside).person.user.last_name)


@probe("clubs.admin.board.add_choices")
def admin_board_add_choices(world, user, inside):
    return admin_form_offers(user, "club-board", "club", club(world, inside).pk)


@probe("clubs.admin.board.edit")
def admin_board_edit(world, user, inside):
    return admin_page_opens(user, "club-board", "edit", _board_seat(world, inside).pk)


@probe("clubs.admin.history.list")
def admin_history_list(world, user, inside):
    step = ClubStageChange.objects.create(
        club=club(world, inside), stage="emergence", club_name=club(world, inside).name, note=marker("Etape")
    )
    return admin_list_shows(user, "club-history", step.note)


def _target(world, inside) -> GrowthTarget:
    year = 2000 + next(_numbers) % 90
    return GrowthTarget.objects.create(zone=zone(world, inside), year=year, target_members=10_000 + next(_numbers))


@probe("clubs.admin.growth_targets.list")
def admin_targets_list(world, user, inside):
    return admin_list_shows(user, "growth-targets", str(_target(world, inside).target_members))


@probe("clubs.admin.growth_targets.edit")
def admin_targets_edit(world, user, inside):
    return admin_page_opens(user, "growth-targets", "edit", _target(world, inside).pk)


def _club_target(world, inside) -> GrowthTarget:
    year = 2000 + next(_numbers) % 90
    return GrowthTarget.objects.create(club=club(world, inside), year=year, target_members=10_000 + next(_numbers))


@probe("clubs.admin.growth_targets.club_list")
def admin_club_targets_list(world, user, inside):
    return admin_list_shows(user, "growth-targets", str(_club_target(world, inside).target_members))


@probe("clubs.admin.growth_targets.club_edit")
def admin_club_targets_edit(world, user, inside):
    return admin_page_opens(user, "growth-targets", "edit", _club_target(world, inside).pk)


def _contact(world, inside) -> ProspectContact:
    return ProspectContact.objects.create(organisation=prospect(world, inside), status="called")


@probe("clubs.admin.prospects.list")
def admin_prospects_list(world, user, inside):
    return admin_list_shows(user, "prospect-contacts", _contact(world, inside).organisation.name)


@probe("clubs.admin.prospects.export")
def admin_prospects_export(world, user, inside):
    return admin_export_has(user, "prospect-contacts", _contact(world, inside).organisation.name)


@probe("clubs.admin.prospects.add_choices")
def admin_prospects_add_choices(world, user, inside):
    return admin_form_offers(user, "prospect-contacts", "organisation", prospect(world, inside).pk)


@probe("clubs.admin.prospects.edit")
def admin_prospects_edit(world, user, inside):
    return admin_page_opens(user, "prospect-contacts", "edit", _contact(world, inside).pk)


def _prospect_file(world, inside) -> ProspectFile:
    return ProspectFile.objects.create(organisation=prospect(world, inside))


@probe("clubs.admin.prospect_files.list")
def admin_prospect_files_list(world, user, inside):
    return admin_list_shows(user, "prospect-files", _prospect_file(world, inside).organisation.name)


@probe("clubs.admin.prospect_files.export")
def admin_prospect_files_export(world, user, inside):
    return admin_export_has(user, "prospect-files", _prospect_file(world, inside).organisation.name)


@probe("clubs.admin.prospect_files.add_choices")
def admin_prospect_files_add_choices(world, user, inside):
    return admin_form_offers(user, "prospect-files", "organisation", prospect(world, inside).pk)


@probe("clubs.admin.prospect_files.edit")
def admin_prospect_files_edit(world, user, inside):
    return admin_page_opens(user, "prospect-files", "edit", _prospect_file(world, inside).pk)


@probe("clubs.admin.imports.list")
def admin_imports_list(world, user, inside):
    return admin_list_shows(user, "firm-imports", firm_import(world, inside).filename)


@probe("clubs.admin.imports.inspect")
def admin_imports_inspect(world, user, inside):
    return admin_page_opens(user, "firm-imports", "inspect", firm_import(world, inside).pk)


@probe("clubs.admin.surveys.list")
def admin_surveys_list(world, user, inside):
    return admin_list_shows(user, "surveys", survey(world, inside).title)


@probe("clubs.admin.surveys.add_choices")
def admin_surveys_add_choices(world, user, inside):
    return admin_form_offers(user, "surveys", "club", club(world, inside).pk)


@probe("clubs.admin.surveys.add_cluster")
def admin_surveys_add_cluster(world, user, inside):
    # The form's empty club ("the whole cluster") is the cluster's: offered to its administrators only.
    return admin_form_offers(user, "surveys", "club", None)


@probe("clubs.admin.surveys.edit")
def admin_surveys_edit(world, user, inside):
    return admin_page_opens(user, "surveys", "edit", survey(world, inside).pk)


@probe("clubs.admin.surveys.delete")
def admin_surveys_delete(world, user, inside):
    return admin_page_opens(user, "surveys", "delete", survey(world, inside).pk)


@probe("clubs.admin.surveys.history")
def admin_surveys_history(world, user, inside):
    return admin_page_opens(user, "surveys", "history", survey(world, inside).pk)


@probe("clubs.admin.campaigns.list")
def admin_campaigns_list(world, user, inside):
    return admin_list_shows(user, "campaigns", _campaign(world, inside).title)


@probe("clubs.admin.campaigns.export")
def admin_campaigns_export(world, user, inside):
    return admin_export_has(user, "campaigns", _campaign(world, inside).title)


@probe("clubs.admin.campaigns.inspect")
def admin_campaigns_inspect(world, user, inside):
    return admin_page_opens(user, "campaigns", "inspect", _campaign(world, inside).pk)


@probe("clubs.admin.campaigns.edit")
def admin_campaigns_edit(world, user, inside):
    campaign = _campaign(world, inside)
    title = marker("Campagne renommée")
    client_for(user).post(
        reverse("campaigns:edit", args=[campaign.pk]),
        {"title": title, "goal": "", "starts_on": campaign.starts_on.isoformat()},
    )
    campaign.refresh_from_db()
    return campaign.title == title


@probe("clubs.admin.join_requests.list")
def admin_join_requests_list(world, user, inside):
    return admin_list_shows(user, "join-requests", _join_request(world, inside).name)


@probe("clubs.admin.join_requests.export")
def admin_join_requests_export(world, user, inside):
    return admin_export_has(user, "join-requests", _join_request(world, inside).name)


@probe("clubs.admin.join_requests.inspect")
def admin_join_requests_inspect(world, user, inside):
    return admin_page_opens(user, "join-requests", "inspect", _join_request(world, inside).pk)


@probe("clubs.admin.join_requests.edit")
def admin_join_requests_edit(world, user, inside):
    return admin_page_opens(user, "join-requests", "edit", _join_request(world, inside).pk)


@probe("clubs.admin.join_requests.answer")
def admin_join_requests_answer(world, user, inside):
    join_request = _join_request(world, inside)
    client_for(user).post(
        reverse("join-requests:edit", args=[join_request.pk]), {"status": "refused", "refusal_reason": "Hors du parc"}
    )
    join_request.refresh_from_db()
    return join_request.status == "refused"


def _objection(world, inside) -> ProspectingObjection:
    key = f"objection-{inside}"
    if key not in world.extra:
        world.extra[key] = ProspectingObjection.objects.create(
            email=f"opposee-{'dedans' if inside else 'dehors'}@entreprise.example", source="link"
        )
    return world.extra[key]


@probe("clubs.admin.objections.list")
def admin_objections_list(world, user, inside):
    return admin_list_shows(user, "prospecting-objections", _objection(world, inside).email)


@probe("clubs.admin.objections.add")
def admin_objections_add(world, user, inside):
    # Nobody adds one by hand in the admin: the link or the prospect's file record them.
    return allowed(client_for(user).get(reverse("prospecting-objections:add")))
