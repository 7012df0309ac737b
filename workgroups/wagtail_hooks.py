from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Axis


class AxisViewSet(ModelViewSet):
    model = Axis
    name = "axes"
    icon = "list-ul"
    menu_label = _("Thematic axes")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["number", "title", "colour"]
    search_fields = ["title", "summary"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = ["number", "title", "slug", "colour", "summary", "coordinators", "organisations"]


@hooks.register("register_admin_viewset")
def register_axis_viewset():
    return AxisViewSet()
