"""Pages of the clubs' life: public club pages, and the organisers' tools (stage, merger, imports,
prospects, surveys, growth). Thin: writes in services.py, reads in selectors.py, rules in permissions.py."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.exports import xlsx_download
from portal.forms import HONEYPOT_FIELD, add_service_errors
from portal.members.models import Organisation, Zone
from portal.members.validators import validate_siret
from portal.members.views import register_lookup_answer
from portal.outside import company_register
from portal.pagination import page_of
from portal.ratelimits import TOO_MANY, over_rate

from . import exports, invitations, permissions, selectors, services
from .forms import (
    AutonomyForm,
    CampaignForm,
    CampaignInvitationForm,
    CampaignResultForm,
    FirmImportForm,
    JoinRefusalForm,
    JoinRequestForm,
    MergeForm,
    ProspectContactForm,
    ProspectLogForm,
    ProspectPlanForm,
    StageForm,
    SurveyAnswerForm,
    SurveyForm,
)
from .links import LinkError
from .models import Campaign, CampaignResult, CampaignTarget, Club, ContactStatus, FirmImport, JoinRequest, Survey


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Clubs --------------------------------------------------------------------------------------


@require_safe
def club_list(request):
    return render(
        request,
        "clubs/club_list.html",
        {"clubs": selectors.clubs_overview(request.user), "can_organise": permissions.animates_a_club(request.user)},
    )


@require_safe
def club_detail(request, slug):
    """The back office of a club, for its animators; everyone else is sent to the club's page on the
    site, or, while it has none, sees the public summary."""
    club = get_object_or_404(Club.objects.select_related("zone", "merged_into"), slug=slug)
    if club.is_merged:
        # The absorbed club's address keeps working: it leads to the club that carries it on.
        return redirect("club:detail", slug=selectors.current_club(club).slug, permanent=True)
    can_organise = permissions.can_animate(request.user, club)
    site_page_url = selectors.club_site_page_url(club)
    if site_page_url and not can_organise:
        return redirect(site_page_url)
    context = {
        **selectors.club_public_summary(club),
        "site_page_url": site_page_url,
        "can_organise": can_organise,
        "can_merge": permissions.can_merge_clubs(request.user),
        "stage_form": StageForm(initial={"stage": club.stage}) if can_organise else None,
        "stage_unfinished": selectors.stage_unfinished(club) if can_organise else [],
    }
    if can_organise:  # the whole board, and how many of it the public page leaves out
        context["board_hidden_count"] = len(selectors.club_board(club)) - len(context["board"])
        context["board"] = selectors.club_board(club)
    if permissions.can_follow_autonomy(request.user, club):
        context["autonomy"] = _autonomy_context(club)
    return render(request, "clubs/club_detail.html", context)


def _autonomy_context(club, form=None) -> dict:
    form = form or AutonomyForm(club=club, people=selectors.accompanying_choices(club))
    checklist = selectors.autonomy_checklist(club)
    for group in checklist:
        for item in group["items"]:
            item["field"] = form.milestone_field(item["value"])
    return {"form": form, "checklist": checklist, "overdue": selectors.stage_overdue(club)}


@login_required
@require_POST
def club_autonomy(request, slug):
    """The club's checklist to autonomy, its accompanying person and planned autonomy date."""
    club = get_object_or_404(Club, slug=slug)
    if not permissions.can_follow_autonomy(request.user, club):
        raise PermissionDenied(_("Only the club's animators and the administrators follow its path to autonomy."))
    form = AutonomyForm(request.POST, club=club, people=selectors.accompanying_choices(club))
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: check the dates."))
        return redirect(f"{reverse('club:detail', args=[club.slug])}#autonomy-title")
    try:
        services.club_autonomy_update(club=club, by=request.user, **form.service_arguments())
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The club's path to autonomy is saved."))
    return redirect(f"{reverse('club:detail', args=[club.slug])}#autonomy-title")


@login_required
@require_POST
def club_stage(request, slug):
    club = get_object_or_404(Club, slug=slug)
    if not permissions.can_set_stage(request.user, club):
        raise PermissionDenied(_("Only the club's animators and the administrators change its stage."))
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The stage was not changed: check the stage and the date."))
        return redirect("club:detail", slug=club.slug)
    try:
        club = services.club_set_stage(club=club, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("“%(club)s” is now at the stage “%(stage)s”.")
                         % {"club": club.name, "stage": club.get_stage_display()})  # fmt: skip
    return redirect("club:detail", slug=club.slug)


@login_required
@require_http_methods(["GET", "POST"])
def club_merge(request, slug):
    into = get_object_or_404(Club, slug=slug, merged_into__isnull=True)
    if not permissions.can_merge_clubs(request.user):
        raise PermissionDenied(_("Only cluster administrators merge clubs."))
    form = MergeForm(request.POST or None, into=into)
    if request.method == "POST" and form.is_valid():
        absorbed = form.cleaned_data["absorbed"]
        try:
            services.club_merge(absorbed=absorbed, into=into, by=request.user, merged_on=form.cleaned_data["merged_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("“%(absorbed)s” has joined “%(into)s”.") % {"absorbed": absorbed.name, "into": into.name}
            )
            return redirect("club:detail", slug=into.slug)
    return render(request, "clubs/club_merge.html", {"club": into, "form": form})


# --- Imports of a zone's firms ------------------------------------------------------------------


def _zone_animators_only(request, zone):
    if not permissions.can_work_on_zone(request.user, zone):
        raise PermissionDenied(_("This page is for the animators of the clubs of this zone and the administrators."))


def _survey_managers_only(request, survey):
    if not permissions.can_manage_survey(request.user, survey):
        raise PermissionDenied(_("This survey is managed by its club's animators and the administrators."))


@login_required
@require_http_methods(["GET", "POST"])
def zone_import(request, zone_slug):
    zone = get_object_or_404(Zone, slug=zone_slug)
    _zone_animators_only(request, zone)
    form = FirmImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            firm_import = services.firm_import_create(
                zone=zone, filename=upload.name, content=upload.read(), mode=form.cleaned_data["mode"],
                by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("club:import_progress", import_id=firm_import.pk)
    recent = zone.firm_imports.defer("content").select_related("created_by")[:10]
    return render(request, "clubs/zone_import.html", {"zone": zone, "form": form, "recent": recent})


@login_required
@require_safe
def import_progress(request, import_id):
    firm_import = get_object_or_404(FirmImport.objects.defer("content").select_related("zone"), pk=import_id)
    _zone_animators_only(request, firm_import.zone)
    context = {
        "firm_import": firm_import,
        "zone": firm_import.zone,
        "error_page": page_of(request, firm_import.errors or [], 100),
        "error_count": len(firm_import.errors or []),
        "good_count": max(firm_import.total_rows - len(firm_import.errors or []), 0),
    }
    return render(request, "clubs/import_progress.html", context)


@login_required
@require_POST
def import_good_rows(request, import_id):
    firm_import = get_object_or_404(FirmImport.objects.select_related("zone"), pk=import_id)
    _zone_animators_only(request, firm_import.zone)
    try:
        rerun = services.firm_import_good_rows(firm_import=firm_import, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("club:import_progress", import_id=firm_import.pk)
    return redirect("club:import_progress", import_id=rerun.pk)


# --- Prospects ----------------------------------------------------------------------------------

PROSPECTS_PAGE_SIZE = 50
_ID_MARK = 987654321


def _url_by_id(name: str, zone_slug: str):
    """`reverse(name, args=[zone_slug, id])` for many ids, reversed once: the id is the last argument,
    so its place is the last occurrence of a mark reversed in its stead."""
    before, _mark, after = reverse(name, args=[zone_slug, _ID_MARK]).rpartition(str(_ID_MARK))
    return lambda organisation_id: f"{before}{organisation_id}{after}"


@login_required
@require_safe
def zone_prospects(request, zone_slug):
    zone = get_object_or_404(Zone, slug=zone_slug)
    _zone_animators_only(request, zone)
    status = request.GET.get("statut", "")
    text = request.GET.get("q", "").strip()[:100]
    queryset = selectors.zone_prospects(zone, status=status, text=text)
    counts = selectors.prospect_status_counts(zone)
    # Without a text, the counts by status already say how many prospects the list has.
    known = None if text else (sum(counts.values()) if not status else counts.get(status))
    page = page_of(request, queryset, PROSPECTS_PAGE_SIZE, count=known)
    names = dict(ContactStatus.choices)
    file_url = _url_by_id("club:prospect_file", zone.slug)
    contact_url = _url_by_id("club:prospect_contact", zone.slug)
    context = {
        "zone": zone,
        "page": page,
        # Each row's two addresses and its id as text, worked out in Python: reversing two URLs and
        # formatting the id six times a row were a third of the page's time with 50 rows (#22).
        "rows": [
            (
                organisation,
                names.get(organisation.contact_status, ""),
                str(organisation.pk),
                file_url(organisation.pk),
                contact_url(organisation.pk),
            )
            for organisation in page.object_list
        ],  # fmt: skip
        "csrf_input": csrf_input(request),
        "status_options": format_html_join("", '<option value="{}">{}</option>', ContactStatus.choices),
        "back_query": request.GET.urlencode(),
        "status": status,
        "text": text,
        "statuses": ContactStatus.choices,
        "counts": counts,
        "status_counts": [(value, label, counts[value]) for value, label in ContactStatus.choices],
        "contact_form": ProspectContactForm(),
    }
    return render(request, "clubs/zone_prospects.html", context)


@login_required
@require_POST
def prospect_contact(request, zone_slug, organisation_id):
    zone = get_object_or_404(Zone, slug=zone_slug)
    _zone_animators_only(request, zone)
    organisation = get_object_or_404(Organisation, pk=organisation_id, zone=zone)
    form = ProspectContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The contact was not recorded: check the status and the date."))
    else:
        try:
            services.prospect_contact_record(organisation=organisation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Contact with %(name)s recorded.") % {"name": organisation.name})
    back = request.POST.get("next", "")
    if back.startswith("?"):
        return redirect(reverse("club:prospects", args=[zone.slug]) + back)
    return redirect("club:prospects", zone_slug=zone.slug)


def _prospect_of_zone(request, zone_slug, organisation_id):
    zone = get_object_or_404(Zone, slug=zone_slug)
    _zone_animators_only(request, zone)
    return zone, get_object_or_404(Organisation.objects.select_related("zone"), pk=organisation_id, zone=zone)


def _plan_form(prospect_file, zone, user, data=None):
    assignees = selectors.prospect_assignees(zone, also=[prospect_file.assigned_to, user])
    initial = {
        "assigned_to": prospect_file.assigned_to_id,
        "next_action": prospect_file.next_action,
        "next_action_due": prospect_file.next_action_due,
    }
    return ProspectPlanForm(data, initial=initial, assignees=assignees, prefix="plan")


def _prospect_file_page(request, zone, organisation, *, log_form=None, plan_form=None, status=200):
    prospect_file = selectors.prospect_file_of(organisation)
    context = {
        "zone": zone,
        "organisation": organisation,
        "prospect_file": prospect_file,
        "log": selectors.prospect_log(organisation),
        "log_form": log_form or ProspectLogForm(prefix="log"),
        "plan_form": plan_form or _plan_form(prospect_file, zone, request.user),
        "objection": selectors.prospecting_objection_of(organisation),
    }
    return render(request, "clubs/prospect_file.html", context, status=status)


@login_required
@require_safe
def prospect_file(request, zone_slug, organisation_id):
    """The prospect's file: who follows it, its next action, and its log (with the form to add to it)."""
    zone, organisation = _prospect_of_zone(request, zone_slug, organisation_id)
    return _prospect_file_page(request, zone, organisation)


@login_required
@require_POST
def prospect_log(request, zone_slug, organisation_id):
    zone, organisation = _prospect_of_zone(request, zone_slug, organisation_id)
    form = ProspectLogForm(request.POST, prefix="log")
    if form.is_valid():
        try:
            services.prospect_contact_record(organisation=organisation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Contact with %(name)s recorded.") % {"name": organisation.name})
            back = request.POST.get("next", "")
            if back == "calls":
                return redirect("club:calls")
            return redirect("club:prospect_file", zone_slug=zone.slug, organisation_id=organisation.pk)
    return _prospect_file_page(request, zone, organisation, log_form=form, status=400)


@login_required
@require_POST
def prospect_objection(request, zone_slug, organisation_id):
    """The firm told the animator it objects to being prospected: nothing is e-mailed to it any more."""
    zone, organisation = _prospect_of_zone(request, zone_slug, organisation_id)
    services.prospecting_objection_record(organisation=organisation, by=request.user)
    message = _("%(name)s's objection is recorded: nothing is e-mailed to it any more.")
    messages.success(request, message % {"name": organisation.name})
    return redirect("club:prospect_file", zone_slug=zone.slug, organisation_id=organisation.pk)


@login_required
@require_POST
def prospect_plan(request, zone_slug, organisation_id):
    zone, organisation = _prospect_of_zone(request, zone_slug, organisation_id)
    form = _plan_form(selectors.prospect_file_of(organisation), zone, request.user, request.POST)
    if form.is_valid():
        try:
            services.prospect_file_plan(organisation=organisation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The file of %(name)s is up to date.") % {"name": organisation.name})
            return redirect("club:prospect_file", zone_slug=zone.slug, organisation_id=organisation.pk)
    return _prospect_file_page(request, zone, organisation, plan_form=form, status=400)


def _prospect_files_keepers_only(request):
    if not permissions.can_keep_prospect_files(request.user):
        raise PermissionDenied(_("This page is for the animators of the clubs and the administrators."))


MY_CALLS_OVERDUE_SHOWN = 50


def _agenda(request):
    today = timezone.localdate()
    statuses = dict(ContactStatus.choices)
    due_today = list(selectors.prospect_agenda(request.user, today=today))
    overdue = list(selectors.prospect_agenda(request.user, overdue=True, today=today))
    for prospect_file in due_today + overdue:
        prospect_file.last_status_label = statuses.get(prospect_file.last_status, "")
    return {"today": today, "due_today": due_today, "overdue": overdue}


@login_required
@require_safe
def my_calls(request):
    """ "My calls today" and the overdue ones, for the signed-in animator (their clubs' zones only)."""
    _prospect_files_keepers_only(request)
    agenda = _agenda(request)
    # On a phone, a long backlog buried today's calls: the oldest ones first, the rest on the sheet.
    agenda["overdue_total"] = len(agenda["overdue"])
    agenda["overdue"] = agenda["overdue"][:MY_CALLS_OVERDUE_SHOWN]
    return render(request, "clubs/my_calls.html", agenda)


@login_required
@require_safe
def call_sheet(request):
    """The same lists, to print and take along (room to write by hand)."""
    _prospect_files_keepers_only(request)
    return render(request, "clubs/call_sheet.html", _agenda(request))


@login_required
@require_safe
def calls_export(request):
    _prospect_files_keepers_only(request)
    agenda = _agenda(request)
    content = exports.calls_workbook(agenda["overdue"] + agenda["due_today"])
    return xlsx_download(content, filename=f"appels-{agenda['today'].isoformat()}.xlsx")


# --- Needs surveys ------------------------------------------------------------------------------

LINKS_PAGE_SIZE = 100


@login_required
@require_http_methods(["GET", "POST"])
def survey_list(request):
    if not permissions.can_run_surveys(request.user):
        raise PermissionDenied(_("This page is for the clubs' animators and the administrators."))
    form = SurveyForm(request.POST or None)
    permissions.narrow_club_choice(form, request.user)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_open(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The survey is open: send each firm its own link."))
            return redirect("club:survey_detail", survey_id=survey.pk)
    page = page_of(request, selectors.surveys_for(request.user), 30)
    return render(request, "clubs/survey_list.html", {"form": form, "page": page})


@login_required
@require_safe
def survey_detail(request, survey_id):
    survey = get_object_or_404(Survey.objects.select_related("club"), pk=survey_id)
    _survey_managers_only(request, survey)
    links = page_of(request, selectors.survey_invitations(survey), LINKS_PAGE_SIZE)
    for invitation in links.object_list:
        invitation.link = request.build_absolute_uri(
            reverse("club:survey_answer", args=[services.invitation_token(invitation)])
        )
    context = {"survey": survey, "results": selectors.survey_results(survey), "links": links}
    return render(request, "clubs/survey_detail.html", context)


@login_required
@require_safe
def survey_export(request, survey_id):
    survey = get_object_or_404(Survey, pk=survey_id)
    _survey_managers_only(request, survey)
    return xlsx_download(exports.survey_workbook(survey), filename=f"enquete-besoins-{survey.pk}.xlsx")


@login_required
@require_POST
def survey_publish(request, survey_id):
    survey = get_object_or_404(Survey, pk=survey_id)
    _survey_managers_only(request, survey)
    public = request.POST.get("public") == "1"
    services.survey_set_public(survey=survey, public=public, by=request.user)
    if public:
        messages.success(request, _("The results are now public (without the firms' names)."))
    else:
        messages.success(request, _("The results are no longer public."))
    return redirect("club:survey_detail", survey_id=survey.pk)


@login_required
@require_POST
def survey_email(request, survey_id):
    survey = get_object_or_404(Survey, pk=survey_id)
    _survey_managers_only(request, survey)
    try:
        count = services.survey_email_links(survey=survey, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)d firm will receive its link by e-mail in a few minutes.",
                    "%(count)d firms will receive their link by e-mail in a few minutes.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("No firm left to e-mail: the others have no address, answered or were e-mailed."))
    return redirect("club:survey_detail", survey_id=survey.pk)


@require_safe
def survey_public_results(request, survey_id):
    """The live results, for the survey's managers; the public's results are the survey's page on the site."""
    survey = get_object_or_404(Survey.objects.select_related("club"), pk=survey_id)
    if not permissions.can_manage_survey(request.user, survey):
        site_page_url = selectors.survey_site_page_url(survey)
        if site_page_url is None:
            raise Http404
        return redirect(site_page_url)
    return render(request, "clubs/survey_results.html", {"survey": survey, "results": selectors.survey_results(survey)})


LINK_ERRORS = {
    "invalid": (
        gettext_lazy("This link is not valid: check that it was copied whole, or ask the organisers for a new one."),
        404,
    ),
    "expired": (gettext_lazy("This survey is closed: thank you for your interest."), 410),
    "answered": (gettext_lazy("Your firm has already answered this survey: thank you!"), 409),
}


@require_http_methods(["GET", "POST"])
def survey_answer(request, token):
    """The public questionnaire of one firm, reached through its signed link (no account)."""
    try:
        invitation = services.invitation_from_token(token)
    except services.SurveyLinkError as error:
        message, status = LINK_ERRORS[error.reason]
        return render(request, "clubs/survey_link_error.html", {"message": message}, status=status)
    form = SurveyAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(
                token=token,
                answers=form.answers(),
                free_text=form.cleaned_data["free_text"],
                respondent_name=form.cleaned_data["respondent_name"],
            )
        except services.SurveyLinkError as error:
            message, status = LINK_ERRORS[error.reason]
            return render(request, "clubs/survey_link_error.html", {"message": message}, status=status)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "clubs/survey_thanks.html", {"survey": invitation.survey})
    context = {"invitation": invitation, "survey": invitation.survey, "form": form}
    return render(request, "clubs/survey_answer.html", context)


# --- Membership growth --------------------------------------------------------------------------

FIRST_GROWTH_YEAR = 2000


def _year(request) -> int:
    """The year of the query string, or this year: a year that is no year, or out of reach, says so."""
    this_year = timezone.localdate().year
    asked = request.GET.get("annee", "").strip()
    if not asked:
        return this_year
    try:
        year = int(asked)
    except ValueError:
        year = None
    if year is None or not FIRST_GROWTH_YEAR <= year <= this_year + 5:
        messages.warning(
            request,
            _("“%(asked)s” is not a year of the dashboard: the figures of %(year)s are shown.")
            % {"asked": asked[:20], "year": this_year},
        )
        return this_year
    return year


def _month_rows(joins, departures) -> list[tuple]:
    return [(month, joined, left) for (month, joined), (_month, left) in zip(joins, departures, strict=True)]


@login_required
@require_safe
def growth_dashboard(request):
    if not permissions.can_view_growth(request.user):
        raise PermissionDenied(_("The growth dashboard is for the clubs' animators and the administrators."))
    year = _year(request)
    zones = selectors.zone_growth(year=year, zone_ids=permissions.growth_zone_ids(request.user))
    clubs = selectors.club_growth(year=year, club_ids=permissions.growth_club_ids(request.user), zones=zones)
    totals = selectors.cluster_totals(zones)
    today = timezone.localdate()
    peak = max([n for _m, n in totals["joins"] + totals["departures"]] + [1])
    context = {
        "year": year,
        "years": sorted({*range(today.year - 5, today.year + 2), year}),  # a year typed in the address too
        "counted_on": selectors.growth_date(year, today),
        "zones": zones,
        "clubs": clubs,
        "totals": totals,
        "peak": peak,
        "totals_rows": _month_rows(totals["joins"], totals["departures"]),
        "zone_rows": [(zone, _month_rows(zone.joins, zone.departures)) for zone in zones],
        "max_established": max([z.firms_established for z in zones] + [1]),
    }
    return render(request, "clubs/growth_dashboard.html", context)


@require_safe
def growth_public(request):
    year = timezone.localdate().year
    zones = selectors.zone_growth(year=year)
    context = {
        "year": year,
        "zones": zones,
        "totals": selectors.cluster_totals(zones),
        "clubs": selectors.active_clubs(),
    }
    return render(request, "clubs/growth_public.html", context)


# --- Campaigns ----------------------------------------------------------------------------------


def _campaign_form(request, data=None):
    clubs = permissions.animated_clubs(request.user)
    past_events = [
        (pk, f"{club.name} · {label}" if len(clubs) > 1 else label)
        for club in clubs[:20]
        for pk, label in invitations.past_event_choices(club)
    ]
    return CampaignForm(
        data,
        past_events=past_events,
        clubs=clubs,
        zones=selectors.campaign_zones(request.user),
        assignees=selectors.campaign_assignees(request.user),
        initial={"assignees": [request.user.pk]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_list(request):
    """The campaigns of the user's clubs with their progress, and the form to start one."""
    if not permissions.can_run_campaigns(request.user):
        raise PermissionDenied(_("This page is for the animators of the clubs and the administrators."))
    form = _campaign_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            count = campaign.targets.count()
            messages.success(
                request,
                ngettext(
                    "The campaign is ready: %(count)d firm to contact.",
                    "The campaign is ready: %(count)d firms to contact.",
                    count,
                )
                % {"count": count},
            )
            return redirect("club:campaign_detail", campaign_id=campaign.pk)
    page = page_of(request, selectors.campaigns_for(request.user), 30)
    return render(request, "clubs/campaign_list.html", {"form": form, "page": page})


def _campaign_of(request, campaign_id):
    campaign = get_object_or_404(Campaign.objects.select_related("club", "zone"), pk=campaign_id)
    if not permissions.can_manage_campaign(request.user, campaign):
        raise PermissionDenied(_("This campaign is its club's animators' and the administrators'."))
    return campaign


CAMPAIGN_PAGE_SIZE = 50


@login_required
@require_safe
def campaign_detail(request, campaign_id):
    """The funnel (contacted, interested, joined), each animator's share, the invitation's funnel and
    the firms left to contact ("mine" by default: the ones the signed-in animator has to call)."""
    return _campaign_page(request, _campaign_of(request, campaign_id))


def _campaign_page(request, campaign, *, invitation_form=None, status=200):
    mine = request.GET.get("qui", "moi") != "tous"
    result = request.GET.get("resultat", "")
    targets = selectors.campaign_targets(campaign, assigned_to=request.user if mine else None, result=result)
    context = {
        "campaign": campaign,
        "funnel": selectors.campaign_funnel(campaign),
        "invitation": selectors.campaign_invitation_funnel(campaign),
        "invitation_form": invitation_form or _invitation_form(campaign),
        "to_call": selectors.TO_CALL,
        "page": page_of(request, targets, CAMPAIGN_PAGE_SIZE),
        "mine": mine,
        "result": result,
        "results": CampaignResult.choices,
        "result_form": CampaignResultForm(),
        "query_string": urlencode({"qui": "moi" if mine else "tous", "resultat": result}),
    }
    return render(request, "clubs/campaign_detail.html", context, status=status)


def _invitation_form(campaign, data=None):
    initial = {"reminder_days": campaign.reminder_days, "reminder_max": campaign.reminder_max}
    if campaign.invite_kind and campaign.invite_id:
        initial["invitation"] = f"{campaign.invite_kind}:{campaign.invite_id}"
    return CampaignInvitationForm(data, groups=invitations.choices_for(campaign.club), initial=initial)


@login_required
@require_POST
def campaign_invitation(request, campaign_id):
    """What the campaign invites its firms to, and when the reminders go."""
    campaign = _campaign_of(request, campaign_id)
    form = _invitation_form(campaign, request.POST)
    if form.is_valid():
        try:
            services.campaign_set_invitation(campaign=campaign, by=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The invitation and its reminders are saved."))
            return redirect(f"{reverse('club:campaign_detail', args=[campaign.pk])}#invitation-title")
    return _campaign_page(request, campaign, invitation_form=form, status=400)


def _campaign_mailing(request, campaign_id, send, *, sent: str, none: str):
    """Sends a campaign's invitations or reminders (`send`), then says how many leave, or why none."""
    campaign = _campaign_of(request, campaign_id)
    try:
        count = send(campaign=campaign, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if count:
            messages.success(request, sent % {"count": count})
        else:
            messages.info(request, none)
    return redirect(f"{reverse('club:campaign_detail', args=[campaign.pk])}#invitation-title")


@login_required
@require_POST
def campaign_send(request, campaign_id):
    return _campaign_mailing(
        request,
        campaign_id,
        services.campaign_send_invitations,
        sent=_("Invitations leaving by e-mail in a few minutes: %(count)d."),
        none=_(
            "No firm left to invite by e-mail: the others have no address, objected to prospecting or were invited."
        ),
    )


@login_required
@require_POST
def campaign_remind(request, campaign_id):
    return _campaign_mailing(
        request,
        campaign_id,
        services.campaign_remind_now,
        sent=_("Reminders leaving in a few minutes to the firms that did not act: %(count)d."),
        none=_("No firm to remind: they acted, were reminded today or had every reminder."),
    )


CAMPAIGN_LINK_ERRORS = {
    "invalid": (
        gettext_lazy(
            "This invitation link is not valid: check that it was copied whole, or ask the club for a new one."
        ),
        404,
    ),
    "expired": (gettext_lazy("This invitation is over: thank you for your interest."), 410),
}


@require_http_methods(["GET", "HEAD", "POST"])
def campaign_link(request, campaign_id, token):
    """A firm's personal invitation link (no account): dates its opening and leads to where it registers
    or answers; the registration that follows finds the invitation in the session. A GET creates
    nothing: a link sent before the firm's questionnaire was made at the sending asks the firm to open
    it (a POST, which makes it)."""
    try:
        target = services.campaign_link_open(campaign_id=campaign_id, token=token)
    except LinkError as error:
        message, status = CAMPAIGN_LINK_ERRORS.get(error.reason, CAMPAIGN_LINK_ERRORS["invalid"])
        return render(request, "clubs/campaign_link_error.html", {"message": message}, status=status)
    request.session[services.CAMPAIGN_SESSION_KEY] = token
    if request.method == "POST":
        services.campaign_link_prepare(target=target)
    registered = invitations.kind(target.campaign.invite_kind)
    url = registered.url_for(target.campaign.invite_id, target.organisation)
    if url is None:
        context = {"invitable": invitations.read(target.campaign), "organisation": target.organisation}
        return render(request, "clubs/campaign_link_open.html", context)
    return redirect(url)


@login_required
@require_POST
def campaign_record(request, campaign_id, target_id):
    campaign = _campaign_of(request, campaign_id)
    target = get_object_or_404(CampaignTarget.objects.select_related("organisation__zone"), pk=target_id,
                               campaign=campaign)  # fmt: skip
    form = CampaignResultForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was recorded: choose what came of the contact."))
    else:
        try:
            services.campaign_target_record(target=target, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Recorded for %(name)s.") % {"name": target.organisation.name})
    back = request.POST.get("next", "")
    url = reverse("club:campaign_detail", args=[campaign.pk])
    return redirect(url + back if back.startswith("?") else url)


# --- Joining online -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def join_request_form(request):
    """The public form: a firm asks to join the club of its business park. Robots and floods are
    refused (nothing stored); the request waits for the club's animators."""
    form = JoinRequestForm(request.POST or None, zones=selectors.zones_to_join())
    if request.method == "POST" and over_rate(request, "join_request"):
        form.is_valid()
        form.add_error(None, TOO_MANY)
        return render(request, "clubs/join_form.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != HONEYPOT_FIELD}
        try:
            join_request = services.join_request_submit(base_url=request.build_absolute_uri("/"), **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "clubs/join_sent.html", {"join_request": join_request})
    status = 400 if request.method == "POST" else 200
    return render(request, "clubs/join_form.html", {"form": form}, status=status)


@require_safe
def join_register_lookup(request):
    """The join form's filler (members/register-lookup.js, as on the organisation form): the firm's
    register entry for ?q= its SIRET, for anyone, counted per address; {"results": [...]}, 400 for
    anything but a valid SIRET, 429 past the rate, 503 with the reason when the register is down."""
    query = company_register.normalise_query(request.GET.get("q", ""))
    if not permissions.may_lookup_register_to_join(query):
        return JsonResponse({"error": _("Type your firm's SIRET: 14 digits.")}, status=400)
    try:
        validate_siret(query)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    if over_rate(request, "join_register_lookup", method="GET"):
        return JsonResponse({"error": str(TOO_MANY)}, status=429)
    return register_lookup_answer(query)


@login_required
@require_safe
def join_requests(request):
    if not permissions.animates_a_club(request.user):
        raise PermissionDenied(_("This page is for the animators of the clubs and the administrators."))
    context = {
        "pending": selectors.join_requests_for(request.user),
        "answered": selectors.join_requests_for(request.user, status="")[:30],
        "refusal_form": JoinRefusalForm(),
    }
    return render(request, "clubs/join_requests.html", context)


def _join_request_of(request, request_id):
    join_request = get_object_or_404(JoinRequest.objects.select_related("club"), pk=request_id)
    if not permissions.can_decide_join_request(request.user, join_request):
        raise PermissionDenied(_("This request is for the club's animators and the administrators."))
    return join_request


@login_required
@require_POST
def join_request_accept(request, request_id):
    join_request = _join_request_of(request, request_id)
    try:
        services.join_request_accept(join_request=join_request, by=request.user,
                                     base_url=request.build_absolute_uri("/"))  # fmt: skip
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("%(name)s is a member of %(club)s: its people are invited.")
                         % {"name": join_request.name, "club": join_request.club.name})  # fmt: skip
    return redirect("club:join_requests")


@login_required
@require_POST
def join_request_refuse(request, request_id):
    join_request = _join_request_of(request, request_id)
    form = JoinRefusalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was sent: say why the request is refused."))
        return redirect("club:join_requests")
    try:
        services.join_request_refuse(join_request=join_request, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The request of %(name)s is refused; the firm is told why.")
                         % {"name": join_request.name})  # fmt: skip
    return redirect("club:join_requests")
