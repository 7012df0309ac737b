"""The public directory of member organisations (opted-in only)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from portal.members import selectors as member_selectors
from portal.members.models import OrganisationKind, Zone
from workgroups import selectors as workgroup_selectors

DIRECTORY_PAGE_SIZE = 24


def directory(request):
    kind = request.GET.get("type", "")
    if kind not in OrganisationKind.values and kind != "sse":
        kind = ""
    zone = Zone.objects.filter(slug=request.GET.get("zone", "")).first()
    axis = workgroup_selectors.axis_by_slug(request.GET.get("axe", ""))
    text = request.GET.get("q", "").strip()[:100]

    organisations = member_selectors.public_organisations(kind=kind, zone=zone, text=text)
    if axis is not None:
        organisations = workgroup_selectors.filter_organisations_by_axis(organisations, axis)
    page = Paginator(organisations, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "kinds": OrganisationKind.choices,
        "zones": Zone.objects.order_by("name"),
        "axes": workgroup_selectors.axes(),
        "selected": {"kind": kind, "zone": zone, "axis": axis, "q": text},
        "query_string": query.urlencode(),
    }
    return render(request, "cms/directory.html", context)


def directory_entry(request, slug):
    organisation = member_selectors.public_organisation(slug)
    if organisation is None:
        raise Http404
    context = {"organisation": organisation, "axes": workgroup_selectors.axes_of_organisation(organisation)}
    return render(request, "cms/directory_entry.html", context)
