"""The privacy records inside the Wagtail admin: consents and the log of personal data exports (read-only)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.admin import PortalViewSet
from portal.members.models import Person
from portal.members.permissions import is_administrator

from .models import Consent, ExportAccess


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Records kept as proof: viewed in the admin, never edited there."""

    def user_has_permission(self, user, action):
        return action not in ("add", "change", "delete") and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Consent, ReadOnlyPolicy(Consent), exact_class=True)
register_permission_policy(ExportAccess, ReadOnlyPolicy(ExportAccess), exact_class=True)


class ConsentViewSet(PortalViewSet):
    name = "consents"
    model = Consent
    icon = "tick-inverse"
    menu_label = _("Consents")
    list_display = ["person", "purpose", "given_at", "withdrawn_at"]
    list_filter = ["purpose"]
    search_fields = ["person__user__last_name", "person__user__first_name", "person__user__email"]
    inspect_view_enabled = True
    form_fields = ["purpose"]


class ExportAccessViewSet(PortalViewSet):
    name = "personal-data-exports"
    model = ExportAccess
    icon = "download"
    menu_label = _("Personal data exports")
    list_display = ["created_at", "user_label", "path", "filename", "subject"]
    search_fields = ["user_label", "path", "subject"]
    inspect_view_enabled = True
    form_fields = ["subject"]


class PrivacyViewSetGroup(ModelViewSetGroup):
    menu_label = _("Privacy (RGPD)")
    menu_icon = "lock"
    menu_order = 900
    items = (ConsentViewSet, ExportAccessViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return PrivacyViewSetGroup()


@hooks.register("register_user_listing_buttons")
def personal_data_button(user, request_user):
    # Answering a request made by post or by phone: the download is logged with whose data it was.
    person = Person.objects.filter(user=user).only("pk").first()
    if person is None or not is_administrator(request_user):
        return []
    return [
        Button(
            _("Download personal data"),
            url=reverse("privacy:admin_download", args=[person.pk]),
            icon_name="download",
            priority=90,
        )
    ]
