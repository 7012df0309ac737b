"""The report of the searches made and its spreadsheet; the rules are in permissions and selectors."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.exports import SHEET_TITLE_LIMIT, sheet_row, xlsx_download
from portal.pagination import query_string

from . import selectors
from .permissions import may_read_report


def _report(request) -> selectors.Report:
    if not may_read_report(request.user):
        raise PermissionDenied
    try:
        period = int(request.GET.get("jours", selectors.DEFAULT_PERIOD))
    except ValueError:
        period = selectors.DEFAULT_PERIOD
    axes = {axis.slug: axis for axis in selectors.axes_of(request.user)}
    axis = axes.get(request.GET.get("axe", ""))
    report = selectors.search_report(request.user, period=period, axis=axis)
    report.selected_axis = axis
    return report


@login_required
@require_safe
def report(request):
    data = _report(request)
    params = {"jours": data.period, "axe": data.selected_axis.slug if data.selected_axis else ""}
    return render(
        request,
        "insights/report.html",
        {
            "report": data,
            "periods": selectors.PERIODS,
            "export_query": query_string(params),
            "low_click_rate": round(100 * selectors.LOW_CLICK_RATE),
            "low_click_searches": selectors.LOW_CLICK_MIN_SEARCHES,
        },
    )


@login_required
@require_safe
def export(request):
    """The three lists of the report in one workbook, one sheet each; every typed search that looks
    like a formula is written as text (portal.exports.sheet_row)."""
    from openpyxl import Workbook

    data = _report(request)
    workbook = Workbook(write_only=True)
    header = [_("Search"), _("Searches"), _("Most results"), _("Results opened"), _("Last searched")]
    for title, rows in (
        (_("Found nothing"), data.zero_results),
        (_("Little followed"), data.low_clicks),
        (_("Most searched"), data.most_searched),
    ):
        sheet = workbook.create_sheet(title=title[:SHEET_TITLE_LIMIT])
        sheet.append(header)
        for row in rows:
            sheet.append(sheet_row(sheet, [row.query, row.searches, row.results, row.clicks, row.last_day]))
    filename = f"recherches-{timezone.localdate():%Y-%m-%d}.xlsx"
    return xlsx_download(workbook, filename=filename)
