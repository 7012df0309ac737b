"""Views of the public site: the directory of member organisations (opted-in only) and the survey
results page (the events' views: cms/events/views.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from portal.clubs.models import Survey
from portal.members import selectors as member_selectors
from portal.members.models import OrganisationKind, Sector, Zone
from portal.pagination import page_of, query_string
from workgroups import selectors as workgroup_selectors

from . import selectors, services

DIRECTORY_PAGE_SIZE = 24


def _directory_filters(request) -> tuple[dict, dict]:
    """The directory's filters (the list's and the map's): the organisations they select (listed in
    the public directory only) and the form's context. An unknown value is no filter."""
    kind = request.GET.get("type", "")
    if kind not in OrganisationKind.values and kind != Sector.SSE:
        kind = ""
    zone = Zone.objects.filter(slug=request.GET.get("zone", "")).first()
    axis = workgroup_selectors.axis_by_slug(request.GET.get("axe", ""))
    text = request.GET.get("q", "").strip()[:100]

    organisations = member_selectors.public_organisations(kind=kind, zone=zone, text=text)
    if axis is not None:
        organisations = workgroup_selectors.filter_organisations_by_axis(organisations, axis)
    selected = {"kind": kind, "zone": zone, "axis": axis, "q": text}
    filters = {key: value for key, value in (("q", text), ("type", kind), ("zone", zone and zone.slug),
                                             ("axe", axis and axis.slug)) if value}  # fmt: skip
    context = {
        "kinds": OrganisationKind.choices,
        "sse": Sector.SSE,
        "zones": Zone.objects.order_by("name"),
        "axes": workgroup_selectors.axes(),
        "selected": selected,
        "filters_query": urlencode(filters),
    }
    return {"organisations": organisations, "zone": zone}, context


def directory(request):
    found, context = _directory_filters(request)
    context["page"] = page_of(request, found["organisations"], DIRECTORY_PAGE_SIZE)
    context["query_string"] = query_string(request.GET)
    return render(request, "cms/directory.html", context)


@require_safe
def directory_map(request):
    """The directory on a map of the business parks: the same filters, the zones' and the listed
    firms' markers (data in a JSON island, no endpoint), and the same firms as a list under it."""
    found, context = _directory_filters(request)
    data = selectors.directory_map(found["organisations"], zone=found["zone"], request=request)
    context.update(data)
    context["count"] = len(data["organisations"])
    context["map_data"] = {
        **selectors.map_json(data),
        "labels": {
            "members": _("Listed members:"),
            "none": _("No member listed here yet."),
            "more": _("All its members in the directory"),
            "club": _("Club page:"),
            "map": _("Map of the business parks and listed members"),
        },
    }
    context["placed"] = any(zone["lat"] is not None for zone in data["zones"]) or any(
        firm["lat"] is not None for firm in data["organisations"]
    )
    return render(request, "cms/directory_map.html", context)


def directory_entry(request, slug):
    organisation = member_selectors.public_organisation(slug)
    if organisation is None:
        raise Http404
    context = {"organisation": organisation, "axes": workgroup_selectors.axes_of_organisation(organisation)}
    return render(request, "cms/directory_entry.html", context)


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


@require_safe
def theme_css(request):
    """The staff's colours as a stylesheet (selectors.theme_css); versioned by base.html's link."""
    response = HttpResponse(selectors.theme_css(request=request), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400" if request.GET.get("v") else "public, max-age=60"
    return response
