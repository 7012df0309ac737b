"""The search page and its suggestions. Rules live in search.api; this only reads the request and renders."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from portal.pagination import query_string

from . import api, registry

PAGE_SIZE = 20


@require_safe
def results(request):
    text = request.GET.get("q", "")
    facet_names = registry.facet_names()
    filters = api.clean_filters({field: request.GET.get(field, "") for field in facet_names})
    outcome = api.query(text, user=request.user, filters=filters, page=request.GET.get("page", 1), page_size=PAGE_SIZE)
    params = {"q": outcome.query, **filters}
    facets = [
        {
            "field": field,
            "title": registry.facet_title(field),
            "selected": filters.get(field, ""),
            "remove_url": "?" + query_string(params, **{field: None}),
            "values": [
                {
                    "value": value,
                    "label": registry.facet_label(field, value),
                    "count": count,
                    "selected": filters.get(field) == value,
                    "url": "?" + query_string(params, **{field: value}),
                }
                for value, count in outcome.facets.get(field, [])
            ],
        }
        for field in facet_names
        if outcome.facets.get(field) or filters.get(field)
    ]
    hits = [{"hit": hit, "type_label": registry.facet_label("type", hit.type)} for hit in outcome.hits]
    context = {
        "results": outcome,
        "hits": hits,
        "facets": facets,
        "filters": filters,
        "type_facet": next((facet for facet in facets if facet["field"] == "type"), None),
        "other_facets": [facet for facet in facets if facet["field"] != "type"],
        "previous_url": "?" + query_string(params, page=outcome.page - 1) if outcome.has_previous else "",
        "next_url": "?" + query_string(params, page=outcome.page + 1) if outcome.has_next else "",
        "first_rank": (outcome.page - 1) * outcome.page_size + 1,
        "clear_url": "?" + query_string({"q": outcome.query}),
    }
    return render(request, "search/results.html", context)


@require_safe
def autocomplete(request):
    """Suggestions for the words typed so far: [{"title", "url", "type", "type_label", "count"}], at
    most 8, one per distinct title of a type (grouped by type). A title several documents share links
    to the search for it among that type, the others to the document.

    One GET endpoint returning a short list: a plain JsonResponse, rather than a second API
    framework's router and namespace for it.
    """
    suggestions = api.autocomplete(request.GET.get("q", ""), user=request.user)
    results_url = reverse("search:results")
    data = [
        {
            "title": s.title,
            "url": s.url if s.count == 1 else f"{results_url}?{urlencode({'q': s.title, 'type': s.type})}",
            "type": s.type,
            "type_label": registry.facet_label("type", s.type),
            "count": s.count,
        }
        for s in suggestions
    ]
    response = JsonResponse({"suggestions": data})
    # What a member may see differs from what a visitor sees: no shared cache.
    response["Cache-Control"] = "private, max-age=60"
    response["Vary"] = "Cookie"
    return response
