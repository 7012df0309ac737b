"""The members directory inside the Wagtail admin. Saves go through the services."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from portal.admin import PortalViewSet

from . import services
from .forms import OrganisationIdentifiersMixin
from .models import Invitation, Membership, Organisation, Person, Zone


def _admin_organisation_save(*, instance, by, save):
    fields = {name: getattr(instance, name) for name in services.ORGANISATION_FIELDS}
    if instance.pk:
        return services.organisation_update(organisation=instance, by=by, **fields)
    return services.organisation_create(by=by, **fields)


def _admin_membership_save(*, instance, by, save):
    return services.membership_save(membership=instance, by=by)


def _admin_person_save(*, instance, by, save):
    if instance.pk is None:  # people join through invitations; a superuser's direct add stays the form's
        return save()
    return services.person_update(
        person=instance,
        by=by,
        organisation=instance.organisation,
        job_title=instance.job_title,
        phone=instance.phone,
        role=instance.role,
    )


def _admin_organisation_delete(*, instance, by):
    services.organisation_delete(organisation=instance, by=by)


def _admin_membership_delete(*, instance, by):
    services.membership_delete(membership=instance, by=by)


class OrganisationViewSet(PortalViewSet):
    name = "organisations"
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    save_service = staticmethod(_admin_organisation_save)
    delete_service = staticmethod(_admin_organisation_delete)
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
    inspect_view_enabled = True
    form_fields = list(services.ORGANISATION_FIELDS)

    def get_form_class(self, for_update=False):
        return type("OrganisationAdminForm", (OrganisationIdentifiersMixin, super().get_form_class(for_update)), {})


class ZoneViewSet(PortalViewSet):
    name = "zones"
    model = Zone
    icon = "site"
    menu_label = _("Zones")
    list_display = ["name", "commune", "firms_established"]
    search_fields = ["name", "commune"]
    form_fields = ["name", "slug", "commune", "firms_established", "description"]


class MembershipViewSet(PortalViewSet):
    name = "memberships"
    model = Membership
    icon = "tick-inverse"
    menu_label = _("Memberships")
    save_service = staticmethod(_admin_membership_save)
    delete_service = staticmethod(_admin_membership_delete)
    list_display = ["organisation", "club", "status", "started_on", "ended_on", "fee_paid"]
    list_filter = ["status", "club", "fee_paid"]
    list_export = ["organisation", "club", "status", "started_on", "ended_on", "fee_paid"]
    search_fields = ["organisation__name"]
    form_fields = ["organisation", "club", "status", "started_on", "ended_on", "fee_paid"]


class PersonViewSet(PortalViewSet):
    name = "people"
    model = Person
    icon = "user"
    menu_label = _("People")
    list_display = ["__str__", "organisation", "job_title", "role"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "job_title"]
    save_service = staticmethod(_admin_person_save)
    form_fields = ["organisation", "job_title", "phone", "role"]


class InvitationViewSet(PortalViewSet):
    name = "invitations"
    model = Invitation
    icon = "mail"
    menu_label = _("Invitations")
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["email", "organisation__name"]
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
