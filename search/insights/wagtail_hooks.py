"""The report of the searches made, reached from the admin's menu by whoever may read it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .permissions import may_read_report


class SearchReportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_read_report(request.user)


@hooks.register("register_admin_menu_item")
def register_search_report_menu_item():
    return SearchReportMenuItem(
        gettext_lazy("What the searches tell"), reverse("search_insights:report"), icon_name="search", order=950
    )
