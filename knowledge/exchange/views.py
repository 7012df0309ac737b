"""The pages of the Bourse d'échanges. Thin: rules live in services and permissions, reads in selectors.

The secretary's toggle is one small POST endpoint answering JSON (a plain JsonResponse, as the
search's autocomplete does, rather than a whole API framework for one call).
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.clubs.models import Club
from portal.exports import ZIP_CONTENT_TYPE, download, xlsx_download
from portal.forms import add_service_errors
from portal.members.models import Organisation
from portal.members.permissions import person_of
from portal.pagination import page_of, query_string
from portal.ratelimits import TOO_MANY, over_rate

from . import exports, permissions, selectors, services
from .forms import (
    AnswerForm,
    ContactForm,
    FirmSheetForm,
    LinkSendForm,
    MoveForm,
    RegisterFirmsForm,
    ResourceSheetForm,
    SatisfactionForm,
    SatisfactionPaperForm,
    SessionForm,
    SheetFilterForm,
    SynergyFilterForm,
    SynergyForm,
    SynergyNoteForm,
    TableStaffForm,
)
from .models import (
    ExportStatus,
    FirmWorkbook,
    Interest,
    Registration,
    ResourceSheet,
    SessionStatus,
    SessionTable,
    Synergy,
    SynergyStatus,
    WorkbookExport,
)

PAGE_SIZE = 20
RESULTS_SESSIONS = 20  # the latest sessions on the results page; the XLSX export lists every one


def _member_required(request):
    if not permissions.is_member(request.user):
        raise PermissionDenied(_("The Bourse d'échanges is for the members of the cluster."))


def _organiser_required(request, session):
    if not permissions.can_manage_session(request.user, session):
        raise PermissionDenied(_("Only the organisers of this session can open this page."))


def _flash(request, error) -> None:
    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


# --- Resource sheets ---------------------------------------------------------------------------------


@login_required
@require_safe
def sheet_list(request):
    _member_required(request)
    filters = SheetFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    sheets = selectors.visible_sheets(
        request.user,
        direction=cleaned.get("sens", ""),
        category=cleaned.get("categorie", ""),
        zone=cleaned.get("zone"),
        text=cleaned.get("q", ""),
        mine=cleaned.get("mes_fiches", False),
    )
    page = page_of(request, sheets, PAGE_SIZE)
    return render(
        request,
        "exchange/sheet_list.html",
        {
            "page": page,
            "filters": filters,
            "query_string": query_string(request.GET),
            "can_file": permissions.can_file_sheet(request.user),
            "is_organiser": permissions.runs_sessions(request.user),
        },
    )


@login_required
@require_safe
def sheet_detail(request, pk):
    _member_required(request)
    sheet = selectors.sheet_for(request.user, pk)
    if sheet is None:
        raise Http404
    return render(
        request,
        "exchange/sheet_detail.html",
        {
            "sheet": sheet,
            "contact_email": selectors.sheet_contact_email(sheet),
            "can_edit": permissions.can_edit_sheet(request.user, sheet),
            "suggestions": selectors.matching_sheets(sheet, user=request.user),
            "can_decide": permissions.manages_firm(request.user, sheet.organisation_id),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def sheet_create(request):
    if not permissions.can_file_sheet(request.user):
        raise PermissionDenied(_("Your account belongs to no organisation."))
    organiser = permissions.runs_sessions(request.user)
    person = person_of(request.user)
    initial = {"direction": request.GET.get("sens", "offer")}
    if person and person.organisation and person.organisation.zone_id:
        initial["zone"] = person.organisation.zone_id
        initial["organisation"] = person.organisation_id
    form = ResourceSheetForm(request.POST or None, initial=initial, organisation_field=organiser)
    if organiser:  # their own firm, and those of the clubs whose sessions they run
        own = person.organisation_id if person else None
        form.fields["organisation"].queryset = Organisation.objects.filter(
            Q(pk__in=permissions.managed_firms(request.user).values("pk")) | Q(pk=own)
        ).order_by("name")
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data.get("organisation") or person.organisation
        try:
            sheet = services.sheet_create(by=request.user, organisation=organisation, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your sheet is filed."))
            return redirect(sheet)
    return render(request, "exchange/sheet_form.html", {"form": form, "sheet": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def sheet_edit(request, pk):
    _member_required(request)
    sheet = get_object_or_404(ResourceSheet.objects.select_related("organisation"), pk=pk)
    if not permissions.can_edit_sheet(request.user, sheet):
        raise PermissionDenied(_("You can only edit your own organisation's sheets."))
    form = ResourceSheetForm(request.POST or None, instance=sheet)
    if request.method == "POST" and form.is_valid():
        try:
            services.sheet_update(sheet=sheet, by=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(sheet)
    return render(request, "exchange/sheet_form.html", {"form": form, "sheet": sheet})


# --- Sessions --------------------------------------------------------------------------------------


def _session(request, pk):
    _member_required(request)
    session = selectors.session_for(request.user, pk)
    if session is None:
        raise Http404
    return session


@login_required
@require_safe
def session_list(request):
    _member_required(request)
    page = page_of(request, selectors.sessions_for(request.user), PAGE_SIZE)
    return render(
        request, "exchange/session_list.html", {"page": page, "is_organiser": permissions.runs_sessions(request.user)}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_create(request):
    """An organiser plans a session of one of their clubs (the cluster's own for the cluster's organisers)."""
    _member_required(request)
    if not permissions.runs_sessions(request.user):
        raise PermissionDenied(_("Only the exchange organisers and animators of a club plan its sessions."))
    form = SessionForm(request.POST or None)
    permissions.narrow_club_choice(form, request.user)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as denied:
            form.add_error("club", str(denied))
        else:
            if form.cleaned_data.get("on_agenda"):
                messages.success(request, _("The session is planned and on the agenda, where firms can register."))
            else:
                messages.success(request, _("The session is planned. Register the firms, then seat them."))
            return redirect(session)
    return render(request, "exchange/session_form.html", {"form": form, "session": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_edit(request, pk):
    session = _session(request, pk)
    _organiser_required(request, session)
    form = SessionForm(request.POST or None, instance=selectors.session_for(request.user, pk))
    permissions.narrow_club_choice(form, request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as denied:
            form.add_error("club", str(denied))
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("exchange:session", pk=session.pk)
    return render(request, "exchange/session_form.html", {"form": form, "session": session})


@login_required
@require_POST
def session_cancel(request, pk):
    """Calls a planned morning off; its agenda entry follows."""
    session = _session(request, pk)
    _organiser_required(request, session)
    try:
        services.session_cancel(session=session, by=request.user)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("The session is cancelled: its agenda entry says so."))
    return redirect(session)


@login_required
@require_POST
def session_registrations(request, pk):
    """Opens or closes the firms' own registration."""
    session = _session(request, pk)
    _organiser_required(request, session)
    opening = request.POST.get("open") == "1"
    try:
        services.session_registrations_set(session=session, by=request.user, open=opening)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("Registrations are open.") if opening else _("Registrations are closed."))
    return redirect(session)


@login_required
@require_safe
def session_detail(request, pk):
    session = _session(request, pk)
    user = request.user
    own = permissions.organisation_id_of(user)
    export = selectors.latest_export(session)
    organiser = permissions.can_manage_session(user, session)
    context = {
        "session": session,
        "is_organiser": organiser,
        "registrations": selectors.registrations(session),
        "registered": bool(own and session.registrations.filter(organisation_id=own).exists()),
        "my_tables": session.tables.filter(secretary=person_of(user)) if person_of(user) else [],
        "my_facilitated": session.tables.filter(facilitator=person_of(user)) if person_of(user) else [],
        "interests": selectors.interests_of_session(session, user=user),
        "export": export,
        "my_workbook": bool(
            own
            and export
            and export.status == ExportStatus.DONE
            and export.workbooks.filter(organisation_id=own).exists()
        ),
        "can_answer": permissions.can_answer_questionnaire(user, session) and session.status != SessionStatus.PLANNED,
        "register_form": RegisterFirmsForm() if organiser else None,
        "event_page": getattr(session, "event_page", None),
    }
    return render(request, "exchange/session_detail.html", context)


@login_required
@require_POST
def session_register(request, pk):
    session = _session(request, pk)
    if permissions.can_manage_session(request.user, session) and "organisations" in request.POST:
        form = RegisterFirmsForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose at least one firm from the list."))
            return redirect(session)
        organisations = list(form.cleaned_data["organisations"])
    else:
        person = person_of(request.user)
        if person is None or person.organisation is None:
            raise PermissionDenied(_("Your account belongs to no organisation."))
        organisations = [person.organisation]
    try:
        for organisation in organisations:
            services.registration_add(session=session, organisation=organisation, by=request.user)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("Registered."))
    return redirect(session)


@login_required
@require_POST
def session_unregister(request, pk, organisation_pk):
    session = _session(request, pk)
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    try:
        services.registration_remove(session=session, organisation=organisation, by=request.user)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("Registration withdrawn."))
    return redirect(session)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_seating(request, pk):
    session = _session(request, pk)
    _organiser_required(request, session)
    move_form = MoveForm(session=session)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "plan":
                services.seating_plan(session=session, by=request.user)
                messages.success(request, _("The firms are seated."))
            elif action == "move":
                move_form = MoveForm(request.POST, session=session)
                if not move_form.is_valid():
                    raise ValidationError(_("Choose a registered firm and a table of this session."))
                services.seating_move(
                    session=session,
                    organisation=move_form.cleaned_data["organisation"],
                    table=move_form.cleaned_data["table"],
                    by=request.user,
                )
                messages.success(request, _("The firm has changed table."))
            elif action == "staff":
                table = get_object_or_404(SessionTable, session=session, pk=request.POST.get("table", "0") or 0)
                staff = TableStaffForm(request.POST)
                if not staff.is_valid():
                    raise ValidationError(_("Choose the facilitator and the secretary among the people listed."))
                services.table_assign(table=table, by=request.user, **staff.cleaned_data)
                messages.success(request, _("Table %(number)d is staffed.") % {"number": table.number})
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as error:
            _flash(request, error)
        return redirect("exchange:seating", pk=session.pk)
    tables = selectors.seating(session)
    staff_forms = [
        (
            table,
            TableStaffForm(
                initial={"facilitator": table.facilitator_id, "secretary": table.secretary_id}, prefix=f"t{table.pk}"
            ),
        )
        for table in tables
    ]
    return render(
        request,
        "exchange/seating.html",
        {
            "session": session,
            "tables": tables,
            "staff_forms": staff_forms,
            "unseated": selectors.unseated(session),
            "move_form": move_form,
        },
    )


@login_required
@require_safe
def session_print(request, pk, what):
    session = _session(request, pk)
    _organiser_required(request, session)
    if what == "plan":
        return render(request, "exchange/print_plan.html", {"session": session, "tables": selectors.seating(session)})
    return render(request, "exchange/print_badges.html", {"session": session, "badges": selectors.badges(session)})


# --- The live rounds ---------------------------------------------------------------------------------


@login_required
@require_safe
def session_live(request, pk):
    session = _session(request, pk)
    _organiser_required(request, session)
    return render(
        request,
        "exchange/live.html",
        {"session": session, "state": selectors.live_state(session), "tables": session.tables.order_by("number")},
    )


@login_required
@require_POST
def session_advance(request, pk):
    session = _session(request, pk)
    _organiser_required(request, session)
    try:
        if request.POST.get("action") == "close":
            services.session_close(session=session, by=request.user)
            messages.success(request, _("The session is closed. Build the workbooks for the firms."))
        else:
            session = services.round_advance(session=session, by=request.user)
            messages.success(request, _("Round %(number)d has started.") % {"number": session.current_round})
    except ValidationError as error:
        _flash(request, error)
    return redirect("exchange:live", pk=session.pk)


def _table(request, pk, number) -> SessionTable:
    session = _session(request, pk)
    table = get_object_or_404(
        SessionTable.objects.select_related("session", "secretary__user"), session=session, number=number
    )
    if not permissions.can_record_at(request.user, table):
        raise PermissionDenied(_("Only the secretary of this table can open its screen."))
    return table


@login_required
@require_safe
def table_screen(request, pk, number):
    table = _table(request, pk, number)
    session = table.session
    sheets = selectors.round_sheets(session, session.current_round)
    firms = [r.organisation for r in table.registrations.select_related("organisation").order_by("organisation__name")]
    data = {
        "answerUrl": reverse("exchange:answer", args=[session.pk, table.number]),
        "wsPath": f"/ws/bourse/{session.pk}/",
        "round": session.current_round,
        "status": session.status,
        "answers": selectors.table_answers(table, session.current_round),
        "sheets": [
            {
                "id": s.id,
                "title": s.title,
                "description": s.description,
                "organisation": s.organisation.name,
                "organisationId": s.organisation_id,
                "category": s.get_category_display(),
                "quantity": f"{s.quantity.normalize():f} {s.unit}".strip() if s.quantity is not None else s.unit,
            }
            for s in sheets
        ],  # fmt: skip
        "firms": [{"id": firm.pk, "name": firm.name} for firm in firms],
        "storageKey": f"exchange-{session.pk}-{table.number}-{session.current_round}",
    }
    return render(request, "exchange/table.html", {"table": table, "session": session, "data": data})


@login_required
@require_safe
def facilitator_screen(request, pk, number):
    """The facilitator's screen beside the secretary's: the round's running order (the same sheets in the
    same order), the sheet being announced and the time left, from the round's start and the minutes
    per sheet; it follows the session's websocket as the secretary's does."""
    session = _session(request, pk)
    table = get_object_or_404(
        SessionTable.objects.select_related("session", "facilitator__user"), session=session, number=number
    )
    if not permissions.can_facilitate_at(request.user, table):
        raise PermissionDenied(_("Only the facilitator of this table can open its screen."))
    sheets = selectors.round_sheets(session, session.current_round)
    firms = [r.organisation for r in table.registrations.select_related("organisation").order_by("organisation__name")]
    data = {
        "wsPath": f"/ws/bourse/{session.pk}/",
        "round": session.current_round,
        "status": session.status,
        "startedAt": session.round_started_at.isoformat() if session.round_started_at else None,
        "minutesPerSheet": session.round_minutes,
        "sheets": [
            {
                "id": s.id,
                "title": s.title,
                "description": s.description,
                "organisation": s.organisation.name,
                "category": s.get_category_display(),
                "quantity": f"{s.quantity.normalize():f} {s.unit}".strip() if s.quantity is not None else s.unit,
            }
            for s in sheets
        ],  # fmt: skip
        "storageKey": f"exchange-facilitator-{session.pk}-{table.number}-{session.current_round}",
    }
    context = {"table": table, "session": session, "data": data, "sheets": sheets, "firms": firms}
    return render(request, "exchange/facilitator.html", context)


@login_required
@require_POST
def table_answer(request, pk, number):
    """Saves one YES/NO toggle: JSON in, JSON out; a replay of the same toggle is harmless."""
    # The service checks the role and reads the session afresh: one query fewer than _table().
    table = SessionTable.objects.filter(session_id=pk, number=number).first()
    if table is None or not permissions.is_member(request.user):
        return JsonResponse({"ok": False, "error": _("There is no such table.")}, status=404)
    try:
        payload = json.loads(request.body or b"{}") if request.content_type == "application/json" else request.POST
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"ok": False, "error": _("The request is not valid JSON.")}, status=400)
    form = AnswerForm(payload if isinstance(payload, dict) or hasattr(payload, "get") else {})
    if not form.is_valid():
        return JsonResponse({"ok": False, "error": _("The answer is incomplete or malformed.")}, status=400)
    try:
        interest, progress = services.interest_record(
            table=table,
            sheet_id=form.cleaned_data["sheet"],
            organisation_id=form.cleaned_data["organisation"],
            interested=form.cleaned_data["interested"],
            by=request.user,
        )
    except PermissionDenied as denied:
        return JsonResponse({"ok": False, "error": str(denied)}, status=403)
    except ValidationError as error:
        # 409: the browser drops the queued toggle rather than resending it for ever.
        return JsonResponse({"ok": False, "error": " ".join(error.messages), "code": error.code}, status=409)
    return JsonResponse(
        {
            "ok": True,
            "key": f"{interest.sheet_id}:{interest.organisation_id}",
            "interested": interest.interested,
            "progress": progress,
        }
    )


# --- Workbooks ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_workbooks(request, pk):
    session = _session(request, pk)
    _organiser_required(request, session)
    if request.method == "POST":
        try:
            services.export_request(session=session, by=request.user)
        except ValidationError as error:
            _flash(request, error)
        else:
            messages.success(request, _("The workbooks are being built."))
        return redirect("exchange:workbooks", pk=session.pk)
    export = selectors.latest_export(session)
    files = export.workbooks.select_related("organisation").order_by("organisation__name") if export else []
    return render(
        request,
        "exchange/workbooks.html",
        {
            "session": session,
            "export": export,
            "files": files,
            "refresh": export and export.status in ("queued", "running"),
        },
    )


@login_required
@require_POST
def workbooks_send(request, pk):
    """After the morning: each firm's contact receives by e-mail the link to its page and workbook."""
    session = _session(request, pk)
    _organiser_required(request, session)
    try:
        result = services.workbooks_send(session=session, by=request.user, base_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        _flash(request, error)
    else:
        count = len(result["sent"])
        text = ngettext(
            "The workbook's link is sent to %(count)d firm.", "The workbooks' links are sent to %(count)d firms.", count
        )
        messages.success(request, text % {"count": count})
        if result["without_email"]:
            messages.warning(
                request,
                _("No e-mail for: %(firms)s. Call them, or print their link.")
                % {"firms": ", ".join(result["without_email"])},
            )
    return redirect("exchange:workbooks", pk=session.pk)


@login_required
@require_safe
def workbook_firm(request, pk, organisation_pk):
    session = _session(request, pk)
    if not permissions.can_download_workbook(request.user, session, organisation_pk):
        raise PermissionDenied(_("Only the firm's own people and the organisers can download this workbook."))
    workbook = (
        FirmWorkbook.objects.filter(
            export__session=session, export__status=ExportStatus.DONE, organisation_id=organisation_pk
        )
        .select_related("organisation")
        .order_by("-export__created_at")
        .first()
    )
    if workbook is None:
        raise Http404(_("The workbooks of this session are not ready yet."))
    return xlsx_download(workbook.content, filename=exports.firm_filename(session, workbook.organisation))


@login_required
@require_safe
def workbook_all(request, pk, what):
    session = _session(request, pk)
    _organiser_required(request, session)
    export = WorkbookExport.objects.filter(session=session, status=ExportStatus.DONE).first()
    if export is None:
        raise Http404(_("The workbooks of this session are not ready yet."))
    stem = f"bourse-{session.date:%Y-%m-%d}"
    if what == "zip":
        return download(export.archive, filename=f"{stem}-entreprises.zip", content_type=ZIP_CONTENT_TYPE)
    return xlsx_download(export.organiser_workbook, filename=f"{stem}-organisateur.xlsx")


# --- Synergies, objectives, satisfaction ------------------------------------------------------------


@login_required
@require_POST
def synergy_create(request, interest_pk):
    interest = get_object_or_404(Interest.objects.select_related("sheet", "session"), pk=interest_pk)
    _member_required(request)
    try:
        synergy = services.synergy_from_interest(interest=interest, by=request.user)
    except ValidationError as error:
        _flash(request, error)
        return redirect(interest.session)
    messages.success(request, _("The synergy is recorded as an idea: follow it up here."))
    return redirect("exchange:synergy", pk=synergy.pk)


@login_required
@require_safe
def synergy_list(request):
    _member_required(request)
    page = page_of(request, selectors.synergies_for(request.user), PAGE_SIZE)
    followed = {s.pk for s in page.object_list if permissions.can_follow_synergy(request.user, s)}
    return render(request, "exchange/synergy_list.html", {"page": page, "followed": followed})


def _followed_synergy(request, pk) -> Synergy:
    _member_required(request)
    synergy = get_object_or_404(selectors.synergies_for(request.user).select_related("session"), pk=pk)
    if not permissions.can_follow_synergy(request.user, synergy):
        raise PermissionDenied(_("Only the organisers of the synergy's club can follow it up."))
    return synergy


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def synergy_edit(request, pk):
    """The follow-up of one potential synergy: status, next step, what it brought, dated notes."""
    synergy = _followed_synergy(request, pk)
    form = SynergyForm(request.POST or None, instance=synergy)
    if request.method == "POST" and form.is_valid():
        try:
            services.synergy_update(synergy=Synergy.objects.get(pk=synergy.pk), by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            if synergy.session_id:
                return redirect("exchange:session_synergies", pk=synergy.session_id)
            return redirect("exchange:synergies")
    context = {
        "form": form,
        "synergy": synergy,
        "notes": selectors.synergy_notes(synergy),
        "note_form": SynergyNoteForm(),
    }
    return render(request, "exchange/synergy_form.html", context)


@login_required
@require_POST
def synergy_note(request, pk):
    synergy = _followed_synergy(request, pk)
    form = SynergyNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the note (2,000 characters at most) and a valid date."))
    else:
        try:
            services.synergy_note_add(synergy=synergy, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _flash(request, error)
        else:
            messages.success(request, _("The note is added."))
    return redirect("exchange:synergy", pk=synergy.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_synergies(request, pk):
    """A session's potential synergies on one phone-friendly list, filtered by status."""
    session = _session(request, pk)
    if not permissions.can_follow_session_synergies(request.user, session):
        raise PermissionDenied(_("Only the organisers of this session can open this page."))
    if request.method == "POST":
        try:
            count = services.synergies_from_yes(session=session, by=request.user)
        except ValidationError as error:
            _flash(request, error)
        else:
            text = ngettext(
                "%(count)d YES became a potential synergy.", "%(count)d YES became potential synergies.", count
            )
            messages.success(request, text % {"count": count})
        return redirect("exchange:session_synergies", pk=session.pk)
    filters = SynergyFilterForm(request.GET or None)
    status = filters.cleaned_data.get("statut", "") if filters.is_valid() else ""
    counts = selectors.session_synergy_counts(session)
    page = page_of(request, selectors.session_synergies(session, status=status), PAGE_SIZE)
    return render(
        request,
        "exchange/session_synergies.html",
        {
            "session": session,
            "page": page,
            "filters": filters,
            "status": status,
            "counts": [(value, label, counts[value]) for value, label in SynergyStatus.choices],
            "total": sum(counts.values()),
            "query_string": query_string(request.GET),
        },
    )


@login_required
@require_safe
def dashboard(request):
    _member_required(request)
    clubs = list(Club.objects.order_by("name"))
    slug = request.GET.get("club", "")
    club = next((c for c in clubs if c.slug == slug), None)
    rows = selectors.objectives_dashboard(club)
    top = max([1] + [max(r["synergies_planned"] or 0, r["synergies_implemented"]) for r in rows])
    for row in rows:
        row["planned_pct"] = round(100 * (row["synergies_planned"] or 0) / top)
        row["implemented_pct"] = round(100 * row["synergies_implemented"] / top)
    return render(request, "exchange/dashboard.html", {"clubs": clubs, "club": club, "rows": rows})


def _results_scope(request):
    """(clubs, the chosen club or None for the whole cluster, its name)."""
    clubs = list(Club.objects.filter(merged_into__isnull=True).order_by("name"))
    slug = request.GET.get("club", "")
    club = next((c for c in clubs if c.slug == slug), None)
    return clubs, club, club.name if club else _("The whole cluster")


@login_required
@require_safe
def results(request):
    """The funnel YES -> contacts -> synergies done, per session, per year against the objectives and
    per club, for a club or the whole cluster; yearly figures without any firm named: every member."""
    _member_required(request)
    clubs, club, scope = _results_scope(request)
    figures = selectors.funnel(club=club, cluster=club is None)
    top = max(
        [1] + [row["yes"] for row in figures["years"]] + [row["synergies_planned"] or 0 for row in figures["years"]]
    )
    sessions_shown = figures["sessions"][:RESULTS_SESSIONS]
    return render(
        request,
        "exchange/results.html",
        {
            "clubs": clubs,
            "club": club,
            "scope": scope,
            "figures": figures,
            "top": top,
            "sessions": sessions_shown,
            "more_sessions": len(figures["sessions"]) - len(sessions_shown),
        },
    )


@login_required
@require_safe
def results_export(request):
    _member_required(request)
    _clubs, club, scope = _results_scope(request)
    figures = selectors.funnel(club=club, cluster=club is None)
    stem = f"bourse-resultats-{club.slug if club else 'cluster'}"
    return xlsx_download(exports.funnel_workbook(figures, str(scope)), filename=f"{stem}.xlsx")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def satisfaction(request, pk):
    session = _session(request, pk)
    if not permissions.can_answer_questionnaire(request.user, session):
        raise PermissionDenied(_("Only the people of the registered firms answer this questionnaire."))
    form = SatisfactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.satisfaction_submit(session=session, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you for your answers."))
            return redirect(session)
    return render(request, "exchange/satisfaction.html", {"session": session, "form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def satisfaction_paper(request, pk):
    """An organiser types in a questionnaire a firm answered on paper."""
    session = _session(request, pk)
    _organiser_required(request, session)
    form = SatisfactionPaperForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.satisfaction_enter_paper(session=session, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The answers of %(firm)s are recorded.") % {"firm": form.cleaned_data["organisation"].name}
            )
            return redirect("exchange:satisfaction_paper", pk=session.pk)
    return render(request, "exchange/satisfaction_paper.html", {"session": session, "form": form})


@login_required
@require_safe
def satisfaction_results(request, pk):
    session = _session(request, pk)
    _organiser_required(request, session)
    return render(
        request,
        "exchange/satisfaction_results.html",
        {"session": session, "summary": selectors.satisfaction_summary(session)},
    )


# --- Firms' links (no account) ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_links(request, pk):
    """The organisers' page of the firms' links: send, print or revoke each, type in paper sheets."""
    session = _session(request, pk)
    if not permissions.can_manage_links(request.user, session):
        raise PermissionDenied(_("Only the organisers of this session can open this page."))
    if request.method == "POST":
        registration = get_object_or_404(Registration, session=session, pk=request.POST.get("registration") or 0)
        action = request.POST.get("action")
        base_url = request.build_absolute_uri("/")
        try:
            if action == "send":
                form = LinkSendForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Enter a valid e-mail address."))
                services.link_issue(
                    registration=registration, by=request.user, base_url=base_url, email=form.cleaned_data["email"]
                )
                messages.success(
                    request, _("A new link is sent to %(firm)s.") % {"firm": registration.organisation.name}
                )
            elif action == "print":
                token = services.link_issue(registration=registration, by=request.user, base_url=base_url, send=False)
                response = render(
                    request,
                    "exchange/print_link.html",
                    {
                        "session": session,
                        "firm": registration.organisation,
                        "link": base_url.rstrip("/") + reverse("exchange:firm", args=[token]),
                        "expires_at": selectors.link_last_day(session),
                        "expected": selectors.EXPECTED_SHEETS,
                    },
                )
                response["Cache-Control"] = "no-store"
                return response
            elif action == "revoke":
                services.link_revoke(registration=registration, by=request.user)
                messages.success(
                    request, _("The link of %(firm)s no longer opens.") % {"firm": registration.organisation.name}
                )
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as error:
            _flash(request, error)
        return redirect("exchange:links", pk=session.pk)
    return render(
        request,
        "exchange/links.html",
        {
            "session": session,
            "rows": selectors.session_links(session),
            "expires_at": selectors.link_last_day(session),
            "expected": selectors.EXPECTED_SHEETS,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def paper_sheet(request, pk, organisation_pk):
    """An organiser types in a sheet a registered firm filled in on paper."""
    session = _session(request, pk)
    if not permissions.can_manage_links(request.user, session):
        raise PermissionDenied(_("Only the organisers of this session can open this page."))
    registration = get_object_or_404(
        Registration.objects.select_related("organisation"), session=session, organisation_id=organisation_pk
    )
    firm = registration.organisation
    form = FirmSheetForm(
        request.POST or None, initial={"direction": request.GET.get("sens", "offer"), "zone": firm.zone_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.sheet_create(by=request.user, organisation=firm, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The sheet of %(firm)s is filed.") % {"firm": firm.name})
            if "again" in request.POST:
                return redirect(request.path + f"?sens={form.cleaned_data['direction']}")
            return redirect("exchange:links", pk=session.pk)
    return render(request, "exchange/paper_sheet.html", {"session": session, "firm": firm, "form": form})


def _private(response):
    """A firm's pages carry its token in their address: kept out of caches, other sites' referrers
    (same-origin: "no-referrer" would make Chromium post "Origin: null", which fails the CSRF check)
    and search indexes."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _firm_link(request, token):
    """(link, None) when the token opens, else (None, the French refusal, 410: a link replaced by a newer
    one is unknown, as only the current token's hash is kept)."""
    link = selectors.link_by_token(token)
    if link is None:
        return None, _private(render(request, "exchange/firm_refused.html", {"reason": "unknown"}, status=410))
    if not permissions.link_opens(link):
        reason = "revoked" if link.revoked_at else "expired"
        context = {"reason": reason, "session": link.registration.session}
        return None, _private(render(request, "exchange/firm_refused.html", context, status=410))
    return link, None


@never_cache
@require_safe
def firm_home(request, token):
    link, refusal = _firm_link(request, token)
    if refusal:
        return refusal
    registration = link.registration
    session = registration.session
    context = {
        "token": token,
        "session": session,
        "firm": registration.organisation,
        "readiness": selectors.firm_sheets(registration.organisation),
        "workbook": selectors.firm_workbook(session, registration.organisation) is not None,
        "expires_at": selectors.link_last_day(session),
        "can_file": session.is_open_for_changes,
        "contact_form": ContactForm(
            initial={
                "name": registration.contact_name,
                "email": registration.contact_email or registration.organisation.email,
                "agree": registration.contact_agreed_at is not None,
            }
        ),
        "contact_agreed": registration.contact_agreed_at is not None,
        "questionnaire": selectors.firm_questionnaire_state(registration),
        "suggestions": selectors.firm_suggestions(registration.organisation),
    }
    return _private(render(request, "exchange/firm_home.html", context))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def firm_sheet(request, token, sheet_pk=None):
    link, refusal = _firm_link(request, token)
    if refusal:
        return refusal
    firm = link.registration.organisation
    sheet = None
    if sheet_pk is not None:
        sheet = selectors.firm_sheet(firm, sheet_pk)
        if sheet is None:  # another firm's sheet: this link does not know it
            raise Http404
    initial = {"direction": request.GET.get("sens", "offer"), "zone": firm.zone_id}
    form = FirmSheetForm(request.POST or None, instance=sheet, initial=initial, honeypot=True)
    status = 200
    if request.method == "POST":
        if over_rate(request, "exchange_link_sheet", scope=str(link.pk)):
            form.is_valid()
            form.add_error(None, TOO_MANY)
            status = 429
        elif form.is_valid():
            try:
                if sheet is None:
                    services.sheet_create_by_link(link=link, **form.service_arguments())
                else:
                    services.sheet_update_by_link(link=link, sheet=sheet, **form.service_arguments())
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied as denied:
                form.add_error(None, str(denied))
            else:
                messages.success(request, _("Your sheet is filed."))
                return _private(redirect("exchange:firm", token=token))
    context = {"token": token, "session": link.registration.session, "firm": firm, "form": form, "sheet": sheet}
    return _private(render(request, "exchange/firm_sheet.html", context, status=status))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def firm_satisfaction(request, token):
    """The satisfaction questionnaire, answered once by the firm through its link."""
    link, refusal = _firm_link(request, token)
    if refusal:
        return refusal
    session = link.registration.session
    if session.status == SessionStatus.PLANNED:
        raise Http404(_("The questionnaire opens when the session starts."))
    form = SatisfactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.satisfaction_submit_by_link(link=link, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(request, _("Thank you for your answers."))
            return _private(redirect("exchange:firm", token=token))
    context = {"token": token, "session": session, "firm": link.registration.organisation, "form": form}
    return _private(render(request, "exchange/firm_satisfaction.html", context))


def _suggested_pair(request):
    offer = get_object_or_404(ResourceSheet, pk=request.POST.get("offer") or 0, direction="offer")
    need = get_object_or_404(ResourceSheet, pk=request.POST.get("need") or 0, direction="need")
    return offer, need


@never_cache
@require_POST
def firm_suggestion(request, token):
    """A firm confirms or dismisses, through its link, a suggestion pairing one of its sheets."""
    link, refusal = _firm_link(request, token)
    if refusal:
        return refusal
    offer, need = _suggested_pair(request)
    if link.registration.organisation_id not in (offer.organisation_id, need.organisation_id):
        raise Http404  # another firms' pair: this link does not know it
    confirm = request.POST.get("action") == "confirm"
    try:
        services.suggestion_decide(offer=offer, need=need, confirm=confirm, link=link)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("The suggestion is confirmed.") if confirm else _("The suggestion is dismissed."))
    return _private(redirect("exchange:firm", token=token))


@login_required
@require_POST
def suggestion_decide(request):
    """An organiser of either firm confirms or dismisses a suggestion from a sheet's page."""
    _member_required(request)
    offer, need = _suggested_pair(request)
    confirm = request.POST.get("action") == "confirm"
    try:
        services.suggestion_decide(offer=offer, need=need, confirm=confirm, by=request.user)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("The suggestion is confirmed.") if confirm else _("The suggestion is dismissed."))
    return redirect(offer)


@never_cache
@require_safe
def firm_workbook_download(request, token):
    link, refusal = _firm_link(request, token)
    if refusal:
        return refusal
    session, firm = link.registration.session, link.registration.organisation
    workbook = selectors.firm_workbook(session, firm)
    if workbook is None:
        raise Http404(_("The workbooks of this session are not ready yet."))
    return _private(xlsx_download(workbook.content, filename=exports.firm_filename(session, firm)))


@never_cache
@require_POST
def firm_contact(request, token):
    link, refusal = _firm_link(request, token)
    if refusal:
        return refusal
    form = ContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a contact person, their e-mail, and tick the agreement."))
    else:
        services.contact_agree(link=link, name=form.cleaned_data["name"], email=form.cleaned_data["email"])
        messages.success(request, _("Your contact is recorded."))
    return _private(redirect("exchange:firm", token=token))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_readiness(request, pk):
    """Before the morning: each firm's sheets, contact and seat; reminders to the firms behind."""
    session = _session(request, pk)
    if not permissions.can_manage_links(request.user, session):
        raise PermissionDenied(_("Only the organisers of this session can open this page."))
    if request.method == "POST":
        try:
            result = services.reminders_send(session=session, by=request.user, base_url=request.build_absolute_uri("/"))
        except ValidationError as error:
            _flash(request, error)
        else:
            count = len(result["sent"])
            text = ngettext("A reminder is sent to %(count)d firm.", "Reminders are sent to %(count)d firms.", count)
            messages.success(request, text % {"count": count})
            if result["without_email"]:
                messages.warning(
                    request,
                    _("No e-mail for: %(firms)s. Call them, or print their link.")
                    % {"firms": ", ".join(result["without_email"])},
                )
        return redirect("exchange:readiness", pk=session.pk)
    rows = selectors.readiness(session)
    return render(
        request,
        "exchange/readiness.html",
        {
            "session": session,
            "rows": rows,
            "expected": selectors.EXPECTED_SHEETS,
            "behind": sum(1 for row in rows if not row["ready"]),
        },
    )
