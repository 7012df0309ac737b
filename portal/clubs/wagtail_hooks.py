"""The clubs inside the Wagtail admin (their own menu). Saves go through the services; stages and
mergers change on the organisers' page of each club, imports run from the organisers' page."""

import django_filters
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.admin import PortalViewSet

from . import permissions, services
from .models import (
    Campaign,
    Club,
    ClubBoardMember,
    ClubStageChange,
    FirmImport,
    GrowthTarget,
    JoinRequest,
    JoinRequestStatus,
    ProspectContact,
    ProspectFile,
    ProspectingObjection,
    Survey,
)


def _admin_club_save(*, instance, by, save):
    club = services.club_save(club=instance, by=by)
    save()  # the form's many-to-many (the other zones covered), once the service accepted the club
    return club


class ClubViewSet(PortalViewSet):
    """Stages change on the club's page (dated in its history) and mergers there too: not here."""

    name = "clubs"
    model = Club
    icon = "home"
    menu_label = _("Clubs")
    save_service = staticmethod(_admin_club_save)
    scope_queryset = staticmethod(permissions.clubs_in_admin)
    list_display = ["name", "zone", "stage", "stage_since", "founded", "merged_into"]
    list_filter = ["zone", "stage"]
    list_export = ["name", "zone", "stage", "stage_since", "founded", "merged_into", "merged_on"]
    search_fields = ["name"]
    inspect_view_enabled = True
    form_fields = ["name", "slug", "zone", "other_zones", "founded", "description"]


class ClubStageChangeViewSet(PortalViewSet):
    name = "club-history"
    model = ClubStageChange
    icon = "history"
    menu_label = _("Clubs' history")
    scope_queryset = staticmethod(permissions.club_rows_visible)
    list_display = ["club_name", "club", "stage", "changed_on", "note"]
    list_filter = ["club", "stage"]
    search_fields = ["club_name", "note"]
    add_to_admin_menu = False
    form_fields = ["changed_on", "note"]


def _admin_board_seat_save(*, instance, by, save):
    return services.club_board_seat_save(seat=instance, by=by)


def _admin_board_seat_delete(*, instance, by):
    services.club_board_seat_remove(seat=instance, by=by)


class ClubBoardMemberViewSet(PortalViewSet):
    name = "club-board"
    model = ClubBoardMember
    icon = "user"
    menu_label = _("Club boards")
    save_service = staticmethod(_admin_board_seat_save)
    delete_service = staticmethod(_admin_board_seat_delete)
    scope_queryset = staticmethod(permissions.club_rows_visible)
    scope_form = staticmethod(permissions.narrow_club_choice)
    list_display = ["person", "position", "club", "since"]
    list_filter = ["club", "position"]
    search_fields = ["person__user__first_name", "person__user__last_name", "club__name"]
    form_fields = ["club", "person", "position", "since"]


class GrowthTargetViewSet(PortalViewSet):
    name = "growth-targets"
    model = GrowthTarget
    icon = "pick"
    menu_label = _("Growth targets")
    scope_queryset = staticmethod(permissions.growth_targets_visible)
    scope_form = staticmethod(permissions.narrow_growth_target_form)
    list_display = ["zone", "club", "year", "target_members"]
    list_filter = ["zone", "club", "year"]
    form_fields = ["zone", "club", "year", "target_members"]


class ProspectContactViewSet(PortalViewSet):
    name = "prospect-contacts"
    model = ProspectContact
    icon = "mail"
    menu_label = _("Prospect contacts")
    save_service = staticmethod(services.prospect_contact_admin_save)
    delete_service = staticmethod(services.prospect_contact_delete)
    scope_queryset = staticmethod(permissions.prospect_contacts_visible)
    scope_form = staticmethod(permissions.narrow_prospect_contact_form)
    list_display = ["organisation", "status", "contacted_on", "note"]
    list_filter = ["status"]
    list_export = ["organisation", "status", "contacted_on", "note"]
    search_fields = ["organisation__name", "note"]
    form_fields = ["organisation", "status", "contacted_on", "note"]


def _admin_prospect_file_save(*, instance, by, save):
    return services.prospect_file_plan(
        organisation=instance.organisation, by=by, assigned_to=instance.assigned_to,
        next_action=instance.next_action, next_action_due=instance.next_action_due,
    )  # fmt: skip


def _latest_status(prospect_file) -> str:
    """The firm's status, as the prospect list shows it: its latest contact's."""
    contact = prospect_file.latest_contact
    return contact.get_status_display() if contact else _("Never contacted")


class ProspectFileViewSet(PortalViewSet):
    """Who follows each prospect and its next action; the log is written on the prospect's file page."""

    name = "prospect-files"
    model = ProspectFile
    icon = "tasks"
    menu_label = _("Prospect files")
    save_service = staticmethod(_admin_prospect_file_save)
    scope_queryset = staticmethod(permissions.prospect_files_visible)
    scope_form = staticmethod(permissions.narrow_prospect_file_form)
    # Every contacted firm has a file (clubs 0014), most with nothing planned: its status says where it is.
    list_display = [
        "organisation", "assigned_to", "next_action", "next_action_due",
        Column("latest_status", label=_("Contact status"), accessor=_latest_status),
    ]  # fmt: skip
    list_filter = ["next_action"]
    list_export = ["organisation", "assigned_to", "next_action", "next_action_due", "updated_at"]
    search_fields = ["organisation__name"]
    form_fields = ["organisation", "assigned_to", "next_action", "next_action_due"]

    def get_queryset(self, request):
        return ProspectFile.objects.select_related("organisation", "assigned_to", "latest_contact")


class FirmImportViewSet(PortalViewSet):
    """Imports are made on the organisers' page (they run in the background): here they are only listed."""

    name = "firm-imports"
    model = FirmImport
    icon = "download"
    menu_label = _("Firm imports")
    scope_queryset = staticmethod(permissions.zone_rows_visible)
    list_display = ["filename", "zone", "status", "total_rows", "created_count", "created_at"]
    list_filter = ["zone", "status"]
    search_fields = ["filename"]
    inspect_view_enabled = True
    inspect_view_fields = ["filename", "zone", "mode", "status", "total_rows", "created_count", "errors"]
    form_fields = ["mode"]
    add_to_admin_menu = False


def _admin_survey_save(*, instance, by, save):
    if instance.pk:
        return services.survey_update(survey=instance, by=by)
    return services.survey_open(
        title=instance.title, club=instance.club, closes_on=instance.closes_on, introduction=instance.introduction,
        by=by,
    )  # fmt: skip


class SurveyViewSet(PortalViewSet):
    """Opening a survey here or on the organisers' page creates each firm's link (through the service)."""

    name = "surveys"
    model = Survey
    icon = "form"
    menu_label = _("Needs surveys")
    list_display = ["title", "club", "opened_on", "closes_on", "results_public"]
    list_filter = ["club", "results_public"]
    search_fields = ["title"]
    save_service = staticmethod(_admin_survey_save)
    scope_queryset = staticmethod(permissions.surveys_visible)
    scope_form = staticmethod(permissions.narrow_club_choice)
    form_fields = ["title", "club", "introduction", "closes_on", "results_public"]

    def get_queryset(self, request):
        return Survey.objects.select_related("club")


class _ServicesOnlyPolicy(ModelPermissionPolicy):
    """The admin actions no service backs are nobody's, not even a superuser's: the row is written
    on the site (a campaign is started, a firm asks to join), the admin lists it."""

    def __init__(self, model, *, refused):
        super().__init__(model)
        self.refused = frozenset(refused)

    def user_has_permission(self, user, action):
        return action not in self.refused and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


# A campaign is started (its firms shared out) on the campaigns' page and never deleted (its calls are
# the prospects' history): the admin renames it or restates its goal and start date (campaign_update).
register_permission_policy(Campaign, _ServicesOnlyPolicy(Campaign, refused=("add", "delete")),
                           exact_class=True)  # fmt: skip
# A request comes from the site's form; the admin answers it (accept or refuse), never adds or deletes one.
register_permission_policy(JoinRequest, _ServicesOnlyPolicy(JoinRequest, refused=("add", "delete")),
                           exact_class=True)  # fmt: skip


# An objection is made by its one-click link or recorded on the prospect's file; the admin lists them
# (what the cluster must honour, for the data protection officer), never adds, edits or deletes one.
register_permission_policy(
    ProspectingObjection, _ServicesOnlyPolicy(ProspectingObjection, refused=("add", "change", "delete")),
    exact_class=True,
)  # fmt: skip


class ProspectingObjectionViewSet(PortalViewSet):
    """The addresses and firms that objected to the cluster's prospecting: the administrators'."""

    name = "prospecting-objections"
    model = ProspectingObjection
    icon = "cross"
    menu_label = _("Objections to prospecting")
    list_display = ["email", "organisation", "source", "created_at"]
    list_filter = ["source"]
    list_export = ["email", "organisation", "source", "recorded_by", "created_at"]
    search_fields = ["email", "organisation__name"]
    form_fields = ["email", "organisation"]

    def get_queryset(self, request):
        return ProspectingObjection.objects.select_related("organisation")


class CampaignFilterSet(WagtailFilterSet):
    starts_on = django_filters.DateFromToRangeFilter(label=_("starts on"), widget=DateRangePickerWidget)

    class Meta:
        model = Campaign
        fields = ["club", "kind", "starts_on"]


def _admin_campaign_update(*, instance, by, save):
    return services.campaign_update(
        campaign=instance, by=by, title=instance.title, goal=instance.goal, starts_on=instance.starts_on
    )


class CampaignViewSet(PortalViewSet):
    """The clubs' campaigns, to find, open and rename or restate (title, goal, start date); they are
    started, their firms shared out and followed on the campaigns' page."""

    name = "campaigns"
    model = Campaign
    icon = "mail"
    menu_label = _("Campaigns")
    scope_queryset = staticmethod(permissions.campaigns_visible)
    list_display = ["title", "club", "zone", "kind", "starts_on"]
    filterset_class = CampaignFilterSet
    list_export = ["title", "club", "zone", "kind", "goal", "starts_on", "created_by"]
    search_fields = ["title", "goal"]
    inspect_view_enabled = True
    inspect_view_fields = ["title", "club", "zone", "kind", "goal", "starts_on", "created_by", "created_at"]
    form_fields = ["title", "goal", "starts_on"]
    save_service = staticmethod(_admin_campaign_update)

    def get_queryset(self, request):
        return Campaign.objects.select_related("club", "zone")


def _admin_join_request_decide(*, instance, by, save):
    """The admin's answer goes through the same services as the club's requests page (e-mails, the
    organisation and its membership on acceptance)."""
    if instance.status == JoinRequestStatus.ACCEPTED:
        return services.join_request_accept(join_request=instance, by=by, base_url=settings.WAGTAILADMIN_BASE_URL)
    if instance.status == JoinRequestStatus.REFUSED:
        if not instance.refusal_reason.strip():
            raise ValidationError({"refusal_reason": _("Say why: the firm is told.")})
        return services.join_request_refuse(join_request=instance, by=by, reason=instance.refusal_reason)
    raise ValidationError({"status": _("Accept or refuse the request.")})


class JoinRequestFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(
        label=_("received"), field_name="created_at__date", widget=DateRangePickerWidget
    )

    class Meta:
        model = JoinRequest
        fields = ["club", "status", "created_at"]


class JoinRequestViewSet(PortalViewSet):
    """Firms' requests to join a club: an animator sees their clubs' and answers them here or on the
    club's requests page."""

    name = "join-requests"
    model = JoinRequest
    icon = "user"
    menu_label = _("Membership requests")
    save_service = staticmethod(_admin_join_request_decide)
    scope_queryset = staticmethod(permissions.join_requests_visible)
    list_display = ["name", "club", "zone", "last_name", "status", "created_at"]
    filterset_class = JoinRequestFilterSet
    list_export = ["name", "siret", "club", "zone", "first_name", "last_name", "email", "status", "created_at"]
    search_fields = ["name", "siret", "email", "last_name", "commune"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "name", "siret", "naf_code", "kind", "headcount_band", "address", "postcode", "commune", "phone",
        "first_name", "last_name", "email", "job_title", "colleagues", "message", "club", "zone", "status",
        "refusal_reason", "organisation", "decided_by", "decided_at", "created_at",
    ]  # fmt: skip
    form_fields = ["status", "refusal_reason"]

    def get_form_class(self, for_update=False):
        base = super().get_form_class(for_update)

        class AnswerForm(base):
            """The answer only: accept or refuse (waiting is no answer)."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["status"].choices = [
                    (value, label) for value, label in JoinRequestStatus.choices if value != JoinRequestStatus.PENDING
                ]

        return AnswerForm

    def get_queryset(self, request):
        return JoinRequest.objects.select_related("club", "zone")


class ClubsViewSetGroup(ModelViewSetGroup):
    menu_label = _("Clubs")
    menu_icon = "home"
    menu_order = 210
    items = (
        ClubViewSet,
        ClubBoardMemberViewSet,
        ClubStageChangeViewSet,
        GrowthTargetViewSet,
        ProspectContactViewSet,
        ProspectFileViewSet,
        FirmImportViewSet,
        SurveyViewSet,
        CampaignViewSet,
        JoinRequestViewSet,
        ProspectingObjectionViewSet,
    )


@hooks.register("register_admin_viewset")
def register_clubs_viewsets():
    return ClubsViewSetGroup()
