from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from search import indexing

from .models import (
    ExchangeObjective,
    ExchangeSession,
    Interest,
    Registration,
    ResourceSheet,
    SatisfactionResponse,
    Synergy,
)


class _IndexAfterSave:
    """Admin writes queue the index update too, as the services do."""

    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            indexing.schedule_index(instance)
        return instance


class SheetCreateView(_IndexAfterSave, generic.CreateView):
    pass


class SheetEditView(_IndexAfterSave, generic.EditView):
    pass


class SheetDeleteView(generic.DeleteView):
    def delete_action(self):
        with transaction.atomic():
            pk = self.object.pk
            super().delete_action()
            indexing.schedule_delete("resource_sheet", pk)


class ResourceSheetViewSet(ModelViewSet):
    model = ResourceSheet
    add_view_class = SheetCreateView
    edit_view_class = SheetEditView
    delete_view_class = SheetDeleteView
    name = "resource-sheets"
    icon = "doc-full"
    menu_label = _("Resource sheets")
    list_display = ["title", "organisation", "direction", "category", "zone", "status", "updated_at"]
    list_filter = ["direction", "category", "status", "zone"]
    search_fields = ["title", "description", "organisation__name"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = [
        "organisation", "direction", "category", "title", "description", "quantity", "unit", "frequency",
        "available_from", "available_until", "zone", "tags", "status",
    ]  # fmt: skip


class ExchangeSessionViewSet(ModelViewSet):
    model = ExchangeSession
    name = "exchange-sessions"
    icon = "date"
    menu_label = _("Exchange sessions")
    list_display = ["title", "date", "club", "status", "current_round"]
    list_filter = ["status", "club"]
    search_fields = ["title", "venue"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = ["title", "date", "venue", "club", "rounds", "round_minutes", "team", "status"]


class RegistrationViewSet(ModelViewSet):
    model = Registration
    name = "exchange-registrations"
    icon = "user"
    menu_label = _("Registrations")
    list_display = ["organisation", "session", "table", "moved_by_hand"]
    list_filter = ["session"]
    search_fields = ["organisation__name"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = ["session", "organisation"]


class InterestViewSet(ModelViewSet):
    model = Interest
    name = "exchange-interests"
    icon = "tick"
    menu_label = _("Interests")
    list_display = ["sheet", "organisation", "interested", "round", "session", "recorded_at"]
    list_filter = ["session", "interested", "round"]
    search_fields = ["sheet__title", "organisation__name"]
    search_backend_name = None
    copy_view_enabled = False
    add_view_enabled = False
    form_fields = ["interested"]


class SynergyViewSet(ModelViewSet):
    model = Synergy
    name = "synergies"
    icon = "link"
    menu_label = _("Synergies")
    list_display = ["__str__", "status", "implemented_on", "club"]
    list_filter = ["status", "club"]
    search_fields = ["provider__name", "beneficiary__name", "notes"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = [
        "offer", "need", "provider", "beneficiary", "club", "session", "status", "implemented_on",
        "tonnes_per_year", "euros_per_year", "notes",
    ]  # fmt: skip


class ExchangeObjectiveViewSet(ModelViewSet):
    model = ExchangeObjective
    name = "exchange-objectives"
    icon = "pick"
    menu_label = _("Yearly objectives")
    list_display = ["__str__", "sessions_planned", "synergies_planned"]
    list_filter = ["club", "year"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = ["club", "year", "sessions_planned", "synergies_planned"]


class SatisfactionResponseViewSet(ModelViewSet):
    model = SatisfactionResponse
    name = "exchange-satisfaction"
    icon = "help"
    menu_label = _("Satisfaction questionnaires")
    list_display = ["respondent", "session", "logistics", "method", "atmosphere", "created_at"]
    list_filter = ["session"]
    search_fields = ["comment"]
    search_backend_name = None
    copy_view_enabled = False
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
