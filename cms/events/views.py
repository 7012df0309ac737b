"""Views of the events: registration, confirmation, cancellation, attendance (the sheet and the
ticking of who came) and the follow-up room. The EventPage's routes (models.py) hand the request
over to these views, which validate and call services.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from knowledge.exchange import services as exchange_services
from knowledge.exchange.models import ExchangeSession
from portal.clubs import services as club_services
from portal.forms import HONEYPOT_FIELD, add_service_errors
from portal.members.permissions import person_of
from portal.ratelimits import TOO_MANY, over_rate

from . import exports, permissions, selectors, services
from .forms import EventRegistrationForm, FeedbackForm, FirmRegistrationForm, OccurrenceCancelForm, OccurrenceMoveForm
from .models import EventRegistration

REGISTRATION_SESSION_KEY = "cms_event_registration"


def _over_rate(request, event) -> bool:
    # Per address: for this event, then for all events of the day (a script filling the seats).
    return over_rate(request, "event_registration", scope=str(event.pk)) or over_rate(
        request, "event_registration_daily"
    )


def _campaign_token(request) -> str:
    """The club campaign's invitation link the visitor came through (portal.clubs.views.campaign_link)."""
    token = request.session.get(club_services.CAMPAIGN_SESSION_KEY, "")
    return token if isinstance(token, str) else ""


def event_detail(request, event):
    if event.exchange_session_id is not None:
        return _firm_registration(request, event)
    person = person_of(request.user)
    if request.method == "POST":
        form = EventRegistrationForm(request.POST, member=person)
        # Per address: for this event, then for all events of the day (a script filling the seats).
        if over_rate(request, "event_registration", scope=str(event.pk)) or over_rate(
            request, "event_registration_daily"
        ):
            form.is_valid()
            form.add_error(None, TOO_MANY)
            response = event.render(request, context_overrides={"form": form, "member": person})
            response.status_code = 429
            return response
        if form.is_valid():
            form.cleaned_data.pop(HONEYPOT_FIELD, None)
            try:
                registration = services.registration_create(
                    event=event, person=person, campaign_token=_campaign_token(request), **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                request.session[REGISTRATION_SESSION_KEY] = registration.pk
                return redirect(event.url + event.reverse_subpage("registration_done"))
    else:
        form = EventRegistrationForm(member=person)
    return event.render(request, context_overrides={"form": form, "member": person})


def _firm_registration(request, event):
    """A Bourse d'échanges: firms register as organisations (name, SIRET optional, contact); a firm
    without an account gets its own link by e-mail. Nothing is stored on bad input or over the rate."""
    form = FirmRegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if _over_rate(request, event):
            form.is_valid()
            form.add_error(None, TOO_MANY)
            status = 429
        elif form.is_valid():
            fields = {key: value for key, value in form.cleaned_data.items() if key != HONEYPOT_FIELD}
            try:
                exchange_services.registration_by_firm(
                    session=event.exchange_session,
                    base_url=request.build_absolute_uri("/"),
                    campaign_token=_campaign_token(request),
                    **fields,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you: %(firm)s is registered for the Bourse d'échanges. Its contact receives by "
                        "e-mail the link to file its offers and needs."
                    )
                    % {"firm": fields["name"]},
                )
                return redirect(event.get_url(request))
    response = event.render(request, context_overrides={"form": form, "firm_form": True})
    response.status_code = status
    return response


@login_required
@require_POST
def exchange_session_publish(request, pk):
    """An organiser puts their session on the agenda (or brings its event up to date)."""
    session = get_object_or_404(ExchangeSession, pk=pk)
    if not permissions.can_publish_exchange_session(request.user, session):
        raise PermissionDenied(_("Only the organisers of this session can do this."))
    try:
        services.exchange_session_publish(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The session is on the agenda: firms can register there."))
    return redirect(session.get_absolute_url())


def event_registration_done(request, event):
    registration = selectors.registration_of_event(event, request.session.get(REGISTRATION_SESSION_KEY))
    if registration is None:
        return redirect(event.url)
    context = {
        "page": event,
        "registration": registration,
        "waiting_position": selectors.waiting_position(registration),
    }
    return render(request, "events/event_registration_done.html", context)


def event_registration_cancel(request, event, token):
    registration = selectors.registration_by_token(token)
    context = {"page": event, "registration": registration, "done": False, "error": ""}
    if registration is None or registration.event_id != event.pk:
        context["registration"] = None
        return render(request, "events/event_cancel.html", context, status=404)
    if request.method == "POST":
        try:
            context["registration"] = services.registration_cancel(token=token)
            context["done"] = True
        except ValidationError as error:
            context["error"] = error.messages[0]
        except EventRegistration.DoesNotExist:  # the link was replaced meanwhile (moved from the waiting list)
            context["registration"] = None
            return render(request, "events/event_cancel.html", context, status=404)
    return render(request, "events/event_cancel.html", context)


def event_attendance_export(request, event, file_format):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_manage_participation(request.user, event):
        raise PermissionDenied
    if file_format == "csv":
        return exports.attendance_csv(event)
    if file_format == "xlsx":
        return exports.attendance_xlsx(event)
    raise Http404


def _organiser_of(request, event):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_manage_participation(request.user, event):
        raise PermissionDenied
    return None


def event_presence(request, event):
    """After the event: the organiser ticks who came among the confirmed registrants."""
    refusal = _organiser_of(request, event)
    if refusal is not None:
        return refusal
    if request.method == "POST":
        try:
            present = services.attendance_record(
                event=event, present_ids=request.POST.getlist("present"), by=request.user
            )
        except (ValidationError, ValueError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [_("The form is not valid.")])))
        else:
            messages.success(
                request,
                ngettext("Attendance saved: %(count)d present.", "Attendance saved: %(count)d present.", present)
                % {"count": present},
            )
            return redirect(event.url + event.reverse_subpage("presence"))
    registrations = selectors.confirmed_registrations(event)
    return render(request, "events/event_presence.html", {"page": event, "registrations": registrations})


def event_followup(request, event):
    refusal = _organiser_of(request, event)
    if refusal is not None:
        return refusal
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        workgroup = services.followup_workgroup_open(event=event, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(event.url)
    messages.success(request, _("The follow-up room is open to the members who took part."))
    return redirect("workgroups:room", slug=workgroup.slug)


def event_cancel_date(request, event):
    """Before the event: the organiser cancels this date; the registrations move or are cancelled."""
    refusal = _organiser_of(request, event)
    if refusal is not None:
        return refusal
    form = OccurrenceCancelForm(request.POST or None, event=event, other_dates=selectors.other_dates(event))
    if request.method == "POST" and form.is_valid():
        try:
            result = services.occurrence_cancel(event=event, by=request.user, move_to=form.cleaned_data["move_to"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The date is cancelled: %(moved)d registrations moved, %(cancelled)d cancelled, all told by e-mail.")
                % {"moved": len(result["moved"]), "cancelled": len(result["cancelled"])},
            )
            return redirect(event.url)
    context = {"page": event, "form": form, "counts": selectors.registration_counts(event), "action": "cancel"}
    return render(request, "events/event_change_date.html", context)


def event_move(request, event):
    """Before the event: the organiser moves this date; its registrations follow and are told."""
    refusal = _organiser_of(request, event)
    if refusal is not None:
        return refusal
    form = OccurrenceMoveForm(request.POST or None, initial={"start": event.start, "end": event.end})
    if request.method == "POST" and form.is_valid():
        try:
            services.occurrence_move(
                event=event, start=form.cleaned_data["start"], end=form.cleaned_data["end"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The date is moved; the registrants are told by e-mail."))
            return redirect(event.url)
    context = {"page": event, "form": form, "counts": selectors.registration_counts(event), "action": "move"}
    return render(request, "events/event_change_date.html", context)


def event_badges(request, event):
    """The name badges of the confirmed registrants, as a PDF to print."""
    refusal = _organiser_of(request, event)
    if refusal is not None:
        return refusal
    return exports.badges_pdf(event)


def event_check_in(request, event):
    """At the door, on a tablet: a badge's code (scanned or typed) records its holder as present, or
    staff tick the list. Each action posts and comes back here (no script needed)."""
    refusal = _organiser_of(request, event)
    if refusal is not None:
        return refusal
    if request.method == "POST":
        try:
            if "code" in request.POST:
                registration = services.attendance_check_in(event=event, code=request.POST["code"], by=request.user)
                messages.success(request, _("%(name)s is recorded as present.") % {"name": registration.name})
            else:
                registration = services.attendance_mark(
                    event=event,
                    registration_id=request.POST.get("registration", ""),
                    present=request.POST.get("present") == "1",
                    by=request.user,
                )
                if registration.attended:
                    messages.success(request, _("%(name)s is recorded as present.") % {"name": registration.name})
                else:
                    messages.info(
                        request, _("%(name)s is no longer recorded as present.") % {"name": registration.name}
                    )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except ValueError:
            messages.error(request, _("The form is not valid."))
        return redirect(event.url + event.reverse_subpage("check_in"))
    registrations = list(selectors.confirmed_registrations(event))
    context = {
        "page": event,
        "registrations": registrations,
        "present": sum(1 for registration in registrations if registration.attended),
    }
    return render(request, "events/event_check_in.html", context)


def event_feedback(request, event, token):
    """The satisfaction questionnaire, reached from the link of the e-mail (no account needed)."""
    registration = services.feedback_registration(token)
    if registration is None or registration.event_id != event.pk:
        raise Http404
    form = FeedbackForm(request.POST or None)
    context = {"page": event, "form": form, "registration": registration, "done": False}
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(registration=registration, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            context["done"] = True
    return render(request, "events/event_feedback.html", context)


def event_feedback_summary(request, event):
    """For the organisers: the answers summed up; a button sends the questionnaire to the participants."""
    refusal = _organiser_of(request, event)
    if refusal is not None:
        return refusal
    if request.method == "POST":
        try:
            sent = services.feedback_request_send(event=event, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext("The questionnaire is sent to %(count)d participant.",
                         "The questionnaire is sent to %(count)d participants.", sent) % {"count": sent},
            )  # fmt: skip
        return redirect(event.url + event.reverse_subpage("feedback_summary"))
    context = {"page": event, "summary": selectors.feedback_summary(event)}
    return render(request, "events/event_feedback_summary.html", context)
