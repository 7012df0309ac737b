"""The members directory inside the Wagtail admin. Saves go through the services."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from . import clubs, services, surveys
from .forms import OrganisationIdentifiersMixin
from .models import (
    Club,
    ClubBoardMember,
    ClubStageChange,
    FirmImport,
    GrowthTarget,
    Invitation,
    Membership,
    Organisation,
    Person,
    ProspectContact,
    Survey,
    Zone,
)


class ServiceSaveMixin:
    """Routes the admin's save through a service so the domain rules hold in one place."""

    service = None

    def save_instance(self):
        return type(self).service(instance=self.form.instance, by=self.request.user)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            # Wagtail sets this while validating the form; a refusal from the service comes later.
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


def _admin_organisation_save(*, instance, by):
    fields = {name: getattr(instance, name) for name in services.ORGANISATION_FIELDS}
    if instance.pk:
        return services.organisation_update(organisation=instance, by=by, **fields)
    return services.organisation_create(by=by, **fields)


def _admin_membership_save(*, instance, by):
    return services.membership_save(membership=instance, by=by)


def _admin_person_save(*, instance, by):
    return services.person_update(
        person=instance,
        by=by,
        organisation=instance.organisation,
        job_title=instance.job_title,
        phone=instance.phone,
        role=instance.role,
    )


class OrganisationCreateView(ServiceSaveMixin, generic.CreateView):
    service = staticmethod(_admin_organisation_save)


class OrganisationEditView(ServiceSaveMixin, generic.EditView):
    service = staticmethod(_admin_organisation_save)


class MembershipCreateView(ServiceSaveMixin, generic.CreateView):
    service = staticmethod(_admin_membership_save)


class MembershipEditView(ServiceSaveMixin, generic.EditView):
    service = staticmethod(_admin_membership_save)


class PersonEditView(ServiceSaveMixin, generic.EditView):
    service = staticmethod(_admin_person_save)


class OrganisationDeleteView(generic.DeleteView):
    def delete_action(self):
        services.organisation_delete(organisation=self.object, by=self.request.user)


class MembershipDeleteView(generic.DeleteView):
    def delete_action(self):
        services.membership_delete(membership=self.object, by=self.request.user)


class OrganisationViewSet(ModelViewSet):
    name = "organisations"
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    add_view_class = OrganisationCreateView
    edit_view_class = OrganisationEditView
    delete_view_class = OrganisationDeleteView
    list_display = ["name", "kind", "zone", "commune", "siret", "in_public_directory"]
    list_filter = ["kind", "zone", "headcount_band", "in_public_directory"]
    list_export = [
        "name",
        "kind",
        "siret",
        "naf_code",
        "headcount_band",
        "address",
        "postcode",
        "commune",
        "zone",
        "website",
        "email",
    ]
    search_fields = ["name", "siret", "commune", "description"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = list(services.ORGANISATION_FIELDS)

    def get_form_class(self, for_update=False):
        return type("OrganisationAdminForm", (OrganisationIdentifiersMixin, super().get_form_class(for_update)), {})


class ZoneViewSet(ModelViewSet):
    name = "zones"
    model = Zone
    icon = "site"
    menu_label = _("Zones")
    list_display = ["name", "commune", "firms_established"]
    search_fields = ["name", "commune"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = ["name", "slug", "commune", "firms_established", "description"]


def _admin_club_save(*, instance, by):
    return clubs.club_save(club=instance, by=by)


class ClubSaveMixin(ServiceSaveMixin):
    service = staticmethod(_admin_club_save)

    def save_instance(self):
        club = super().save_instance()
        club.other_zones.set(self.form.cleaned_data.get("other_zones", []))
        return club


class ClubCreateView(ClubSaveMixin, generic.CreateView):
    pass


class ClubEditView(ClubSaveMixin, generic.EditView):
    pass


class ClubViewSet(ModelViewSet):
    """Stages change on the club's page (dated in its history) and mergers there too: not here."""

    name = "clubs"
    model = Club
    icon = "home"
    menu_label = _("Clubs")
    add_view_class = ClubCreateView
    edit_view_class = ClubEditView
    list_display = ["name", "zone", "stage", "stage_since", "founded", "merged_into"]
    list_filter = ["zone", "stage"]
    list_export = ["name", "zone", "stage", "stage_since", "founded", "merged_into", "merged_on"]
    search_fields = ["name"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["name", "slug", "zone", "other_zones", "founded", "description"]


class ClubStageChangeViewSet(ModelViewSet):
    name = "club-history"
    model = ClubStageChange
    icon = "history"
    menu_label = _("Clubs' history")
    list_display = ["club_name", "club", "stage", "changed_on", "note"]
    list_filter = ["club", "stage"]
    search_fields = ["club_name", "note"]
    search_backend_name = None
    copy_view_enabled = False
    add_to_admin_menu = False
    form_fields = ["changed_on", "note"]


class ClubBoardMemberViewSet(ModelViewSet):
    name = "club-board"
    model = ClubBoardMember
    icon = "user"
    menu_label = _("Club boards")
    list_display = ["person", "position", "club", "since"]
    list_filter = ["club", "position"]
    search_fields = ["person__user__first_name", "person__user__last_name", "club__name"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = ["club", "person", "position", "since"]


class MembershipViewSet(ModelViewSet):
    name = "memberships"
    model = Membership
    icon = "tick-inverse"
    menu_label = _("Memberships")
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView
    list_display = ["organisation", "club", "status", "started_on", "ended_on", "fee_paid"]
    list_filter = ["status", "club", "fee_paid"]
    list_export = ["organisation", "club", "status", "started_on", "ended_on", "fee_paid"]
    search_fields = ["organisation__name"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = ["organisation", "club", "status", "started_on", "ended_on", "fee_paid"]


class PersonViewSet(ModelViewSet):
    name = "people"
    model = Person
    icon = "user"
    menu_label = _("People")
    list_display = ["__str__", "organisation", "job_title", "role"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "job_title"]
    search_backend_name = None
    copy_view_enabled = False
    edit_view_class = PersonEditView
    form_fields = ["organisation", "job_title", "phone", "role"]


class InvitationViewSet(ModelViewSet):
    name = "invitations"
    model = Invitation
    icon = "mail"
    menu_label = _("Invitations")
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["email", "organisation__name"]
    search_backend_name = None
    copy_view_enabled = False
    add_to_admin_menu = False
    form_fields = ["email", "organisation", "role"]


class GrowthTargetViewSet(ModelViewSet):
    name = "growth-targets"
    model = GrowthTarget
    icon = "pick"
    menu_label = _("Growth targets")
    list_display = ["zone", "year", "target_members"]
    list_filter = ["zone", "year"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = ["zone", "year", "target_members"]


class ProspectContactViewSet(ModelViewSet):
    name = "prospect-contacts"
    model = ProspectContact
    icon = "mail"
    menu_label = _("Prospect contacts")
    list_display = ["organisation", "status", "contacted_on", "note"]
    list_filter = ["status"]
    list_export = ["organisation", "status", "contacted_on", "note"]
    search_fields = ["organisation__name", "note"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = ["organisation", "status", "contacted_on", "note"]


class FirmImportViewSet(ModelViewSet):
    """Imports are made on the organisers' page (they run in the background): here they are only listed."""

    name = "firm-imports"
    model = FirmImport
    icon = "download"
    menu_label = _("Firm imports")
    list_display = ["filename", "zone", "status", "total_rows", "created_count", "created_at"]
    list_filter = ["zone", "status"]
    search_fields = ["filename"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["filename", "zone", "mode", "status", "total_rows", "created_count", "errors"]
    form_fields = ["mode"]
    add_to_admin_menu = False


def _admin_survey_save(*, instance, by):
    if instance.pk:
        return surveys.survey_update(survey=instance, by=by)
    return surveys.survey_open(
        title=instance.title, club=instance.club, closes_on=instance.closes_on, introduction=instance.introduction,
        by=by,
    )  # fmt: skip


class SurveyCreateView(ServiceSaveMixin, generic.CreateView):
    service = staticmethod(_admin_survey_save)


class SurveyEditView(ServiceSaveMixin, generic.EditView):
    service = staticmethod(_admin_survey_save)


class SurveyViewSet(ModelViewSet):
    """Opening a survey here or on the organisers' page creates each firm's link (through the service)."""

    name = "surveys"
    model = Survey
    icon = "form"
    menu_label = _("Needs surveys")
    list_display = ["title", "club", "opened_on", "closes_on", "results_public"]
    list_filter = ["club", "results_public"]
    search_fields = ["title"]
    search_backend_name = None
    copy_view_enabled = False
    add_view_class = SurveyCreateView
    edit_view_class = SurveyEditView
    form_fields = ["title", "club", "introduction", "closes_on", "results_public"]

    def get_queryset(self, request):
        return Survey.objects.select_related("club")


class MembersViewSetGroup(ModelViewSetGroup):
    menu_label = _("Members directory")
    menu_icon = "group"
    menu_order = 200
    items = (
        OrganisationViewSet,
        MembershipViewSet,
        PersonViewSet,
        ZoneViewSet,
        ClubViewSet,
        ClubBoardMemberViewSet,
        ClubStageChangeViewSet,
        GrowthTargetViewSet,
        ProspectContactViewSet,
        FirmImportViewSet,
        SurveyViewSet,
        InvitationViewSet,
    )


@hooks.register("register_admin_viewset")
def register_members_viewsets():
    return MembersViewSetGroup()
