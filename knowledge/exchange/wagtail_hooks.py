from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from portal.admin import PortalViewSet

from . import permissions, services
from .models import (
    ExchangeObjective,
    ExchangeSession,
    Interest,
    Registration,
    ResourceSheet,
    SatisfactionResponse,
    Synergy,
)


class ResourceSheetViewSet(PortalViewSet):
    model = ResourceSheet
    save_service = staticmethod(services.sheet_admin_save)
    delete_service = staticmethod(services.sheet_delete)
    scope_queryset = staticmethod(permissions.sheets_managed)
    scope_form = staticmethod(permissions.narrow_sheet_form)
    name = "resource-sheets"
    icon = "doc-full"
    menu_label = _("Resource sheets")
    list_display = ["title", "organisation", "direction", "category", "zone", "status", "updated_at"]
    list_filter = ["direction", "category", "status", "zone"]
    search_fields = ["title", "description", "organisation__name"]
    form_fields = [
        "organisation", "direction", "category", "title", "description", "quantity", "unit", "frequency",
        "available_from", "available_until", "zone", "tags", "status",
    ]  # fmt: skip


class ExchangeSessionViewSet(PortalViewSet):
    model = ExchangeSession
    scope_queryset = staticmethod(permissions.sessions_run_by)
    scope_form = staticmethod(permissions.narrow_session_form)
    name = "exchange-sessions"
    icon = "date"
    menu_label = _("Exchange sessions")
    list_display = ["title", "date", "club", "status", "current_round"]
    list_filter = ["status", "club"]
    search_fields = ["title", "venue"]
    form_fields = ["title", "date", "venue", "club", "rounds", "round_minutes", "team", "status"]


class RegistrationViewSet(PortalViewSet):
    model = Registration
    scope_queryset = staticmethod(permissions.session_rows_run_by)
    scope_form = staticmethod(permissions.narrow_registration_form)
    name = "exchange-registrations"
    icon = "user"
    menu_label = _("Registrations")
    list_display = ["organisation", "session", "table", "moved_by_hand"]
    list_filter = ["session"]
    search_fields = ["organisation__name"]
    form_fields = ["session", "organisation"]


class InterestViewSet(PortalViewSet):
    model = Interest
    scope_queryset = staticmethod(permissions.session_rows_run_by)
    name = "exchange-interests"
    icon = "tick"
    menu_label = _("Interests")
    list_display = ["sheet", "organisation", "interested", "round", "session", "recorded_at"]
    list_filter = ["session", "interested", "round"]
    search_fields = ["sheet__title", "organisation__name"]
    add_view_enabled = False
    form_fields = ["interested"]


class SynergyViewSet(PortalViewSet):
    model = Synergy
    save_service = staticmethod(services.synergy_admin_save)
    scope_queryset = staticmethod(permissions.synergies_managed)
    scope_form = staticmethod(permissions.narrow_synergy_form)
    name = "synergies"
    icon = "link"
    menu_label = _("Synergies")
    list_display = ["__str__", "status", "next_step_on", "implemented_on", "club"]
    list_filter = ["status", "club", "session"]
    search_fields = ["provider__name", "beneficiary__name", "notes", "next_step"]
    form_fields = [
        "offer", "need", "provider", "beneficiary", "club", "session", "status", "abandon_reason", "next_step",
        "next_step_on", "implemented_on", "tonnes_per_year", "euros_per_year", "jobs", "notes",
    ]  # fmt: skip


class ExchangeObjectiveViewSet(PortalViewSet):
    model = ExchangeObjective
    scope_queryset = staticmethod(permissions.objectives_managed)
    scope_form = staticmethod(permissions.narrow_club_choice)
    name = "exchange-objectives"
    icon = "pick"
    menu_label = _("Yearly objectives")
    list_display = ["__str__", "sessions_planned", "synergies_planned"]
    list_filter = ["club", "year"]
    form_fields = ["club", "year", "sessions_planned", "synergies_planned"]


class SatisfactionResponseViewSet(PortalViewSet):
    model = SatisfactionResponse
    scope_queryset = staticmethod(permissions.session_rows_run_by)
    name = "exchange-satisfaction"
    icon = "help"
    menu_label = _("Satisfaction questionnaires")
    list_display = ["respondent", "session", "logistics", "method", "atmosphere", "created_at"]
    list_filter = ["session"]
    search_fields = ["comment"]
    add_view_enabled = False
    form_fields = ["comment"]


class ExchangeViewSetGroup(ModelViewSetGroup):
    menu_label = _("Resource exchange")
    menu_icon = "resubmit"
    menu_order = 230
    items = (
        ResourceSheetViewSet,
        ExchangeSessionViewSet,
        RegistrationViewSet,
        InterestViewSet,
        SynergyViewSet,
        ExchangeObjectiveViewSet,
        SatisfactionResponseViewSet,
    )


@hooks.register("register_admin_viewset")
def register_exchange_viewsets():
    return ExchangeViewSetGroup()
