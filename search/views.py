"""The search page and its suggestions. Rules live in search.api; this only reads the request and renders."""

from urllib.parse import urlencode

from django.core import signing
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from portal.pagination import query_string

from . import api, registry, services
from .documents import GENERIC_FACETS

PAGE_SIZE = 20
CLICK_SALT = "search.click"


def _log(outcome, filters) -> int | None:
    """Logs the first page of a search (see search.models.SearchLog); the id its result links carry."""
    if not outcome.query or outcome.page != 1 or outcome.unavailable:
        return None
    app_facets = [field for field in registry.facet_names() if field not in GENERIC_FACETS]
    values = [(field, filters[field]) for field in app_facets if filters.get(field)]
    for hit in outcome.hits:
        values += [(field, hit.facets[field]) for field in app_facets if isinstance(hit.facets.get(field), str)]
        values += [
            (field, value)
            for field in app_facets
            if isinstance(hit.facets.get(field), list)
            for value in hit.facets[field]
        ]
    log = services.search_log_record(query=outcome.query, results=outcome.total, facet_values=values)
    return log.pk if log else None


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
    log_id = _log(outcome, filters)
    first_rank = (outcome.page - 1) * outcome.page_size + 1
    hits = [
        {
            "hit": hit,
            "type_label": registry.facet_label("type", hit.type),
            "click": signing.dumps([log_id, first_rank + position], salt=CLICK_SALT, compress=True) if log_id else "",
        }
        for position, hit in enumerate(outcome.hits)
    ]
    context = {
        "results": outcome,
        "hits": hits,
        "facets": facets,
        "filters": filters,
        "type_facet": next((facet for facet in facets if facet["field"] == "type"), None),
        "other_facets": [facet for facet in facets if facet["field"] != "type"],
        "previous_url": "?" + query_string(params, page=outcome.page - 1) if outcome.has_previous else "",
        "next_url": "?" + query_string(params, page=outcome.page + 1) if outcome.has_next else "",
        "first_rank": first_rank,
        "clear_url": "?" + query_string({"q": outcome.query}),
        "suggestion_url": "?" + query_string(params, q=outcome.suggestion) if outcome.suggestion else "",
    }
    return render(request, "search/results.html", context)


@csrf_exempt
@require_POST
def click(request):
    """The rank of the result followed from a logged search, sent by search/static/search/clicks.js
    (a beacon: no inline script under the strict CSP). The token is signed by the results page, so
    nobody marks clicks of their own; it names no one, so no CSRF token is needed."""
    try:
        log_id, rank = signing.loads(request.POST.get("c", ""), salt=CLICK_SALT, max_age=86_400)
        services.search_click_record(log_id=int(log_id), rank=int(rank))
    except (signing.BadSignature, TypeError, ValueError):
        return HttpResponse(status=400)
    return HttpResponse(status=204)


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
