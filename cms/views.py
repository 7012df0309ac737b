"""Views of the public site: the directory of member organisations (opted-in only) and the events'
registration, cancellation and attendance sheet."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal.members import selectors as member_selectors
from portal.members.models import OrganisationKind, Sector, Survey, Zone
from portal.members.permissions import person_of
from portal.pagination import page_of, query_string
from workgroups import selectors as workgroup_selectors

from . import exports, selectors, services
from . import permissions as cms_permissions
from .forms import EventRegistrationForm
from .models import EventRegistration

DIRECTORY_PAGE_SIZE = 24


def directory(request):
    kind = request.GET.get("type", "")
    if kind not in OrganisationKind.values and kind != Sector.SSE:
        kind = ""
    zone = Zone.objects.filter(slug=request.GET.get("zone", "")).first()
    axis = workgroup_selectors.axis_by_slug(request.GET.get("axe", ""))
    text = request.GET.get("q", "").strip()[:100]

    organisations = member_selectors.public_organisations(kind=kind, zone=zone, text=text)
    if axis is not None:
        organisations = workgroup_selectors.filter_organisations_by_axis(organisations, axis)
    page = page_of(request, organisations, DIRECTORY_PAGE_SIZE)
    context = {
        "page": page,
        "kinds": OrganisationKind.choices,
        "sse": Sector.SSE,
        "zones": Zone.objects.order_by("name"),
        "axes": workgroup_selectors.axes(),
        "selected": {"kind": kind, "zone": zone, "axis": axis, "q": text},
        "query_string": query_string(request.GET),
    }
    return render(request, "cms/directory.html", context)


def directory_entry(request, slug):
    organisation = member_selectors.public_organisation(slug)
    if organisation is None:
        raise Http404
    context = {"organisation": organisation, "axes": workgroup_selectors.axes_of_organisation(organisation)}
    return render(request, "cms/directory_entry.html", context)


# --- Events: registration, confirmation, cancellation, attendance sheet -------------------------
# The EventPage's routes (cms/models.py) hand the request over to these views.

REGISTRATION_SESSION_KEY = "cms_event_registration"


def event_detail(request, event):
    person = person_of(request.user)
    if request.method == "POST":
        form = EventRegistrationForm(request.POST, member=person)
        if form.is_valid():
            try:
                registration = services.registration_create(event=event, person=person, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                request.session[REGISTRATION_SESSION_KEY] = registration.pk
                return redirect(event.url + event.reverse_subpage("registration_done"))
    else:
        form = EventRegistrationForm(member=person)
    return event.render(request, context_overrides={"form": form, "member": person})


def event_registration_done(request, event):
    registration = selectors.registration_of_event(event, request.session.get(REGISTRATION_SESSION_KEY))
    if registration is None:
        return redirect(event.url)
    context = {
        "page": event,
        "registration": registration,
        "waiting_position": selectors.waiting_position(registration),
    }
    return render(request, "cms/event_registration_done.html", context)


def event_registration_cancel(request, event, token):
    registration = selectors.registration_by_token(token)
    context = {"page": event, "registration": registration, "done": False, "error": ""}
    if registration is None or registration.event_id != event.pk:
        context["registration"] = None
        return render(request, "cms/event_cancel.html", context, status=404)
    if request.method == "POST":
        try:
            context["registration"] = services.registration_cancel(token=token)
            context["done"] = True
        except ValidationError as error:
            context["error"] = error.messages[0]
        except EventRegistration.DoesNotExist:  # the link was replaced meanwhile (moved from the waiting list)
            context["registration"] = None
            return render(request, "cms/event_cancel.html", context, status=404)
    return render(request, "cms/event_cancel.html", context)


def event_attendance_export(request, event, file_format):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not cms_permissions.can_export_attendance(request.user, event):
        raise PermissionDenied
    if file_format == "csv":
        return exports.attendance_csv(event)
    if file_format == "xlsx":
        return exports.attendance_xlsx(event)
    raise Http404


@login_required
@require_POST
def survey_results_page(request, survey_id):
    """The organiser's one click: the survey's results published (or refreshed) as a page of the site."""
    survey = get_object_or_404(Survey, pk=survey_id)
    try:
        page = services.survey_results_page_publish(survey=survey, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("club:survey_detail", survey_id=survey.pk)
    messages.success(request, _("The results page is published on the site."))
    return redirect(page.url)


def _organiser_of(request, event):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not cms_permissions.can_export_attendance(request.user, event):
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
    return render(request, "cms/event_presence.html", {"page": event, "registrations": registrations})


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
