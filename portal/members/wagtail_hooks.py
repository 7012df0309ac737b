"""The members directory inside the Wagtail admin. Saves go through the services."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from portal.admin import PortalIndexView

from . import services
from .forms import OrganisationIdentifiersMixin
from .models import Invitation, Membership, Organisation, Person, Zone


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
    index_view_class = PortalIndexView  # exports with no cell run as a formula
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


class MembersViewSetGroup(ModelViewSetGroup):
    menu_label = _("Members directory")
    menu_icon = "group"
    menu_order = 200
    items = (
        OrganisationViewSet,
        MembershipViewSet,
        PersonViewSet,
        ZoneViewSet,
        InvitationViewSet,
    )


@hooks.register("register_admin_viewset")
def register_members_viewsets():
    return MembersViewSetGroup()
