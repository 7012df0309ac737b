"""The members directory inside the Wagtail admin. Saves go through the services."""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.admin import PortalIndexView, PortalViewSet, ServiceDeleteView

from . import permissions, selectors, services
from .forms import OrganisationIdentifiersMixin
from .models import Invitation, Membership, Organisation, Person, Role, RoleAssignment, RoleChange, Zone


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
    form_fields = [
        "name", "slug", "commune", "commune_codes", "firms_established", "firms_established_on", "description",
        "latitude", "longitude",  # its marker on the public map; empty: manage.py place_zones fills it
    ]  # fmt: skip


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


# --- Roles held in scopes ---------------------------------------------------------------------


class AdministratorsOnlyPolicy(BasePermissionPolicy):
    """Only cluster administrators see these screens; assignments are granted and withdrawn, never edited."""

    def __init__(self, model, actions=("add", "delete", "view")):
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and permissions.can_manage_roles(user)

    def users_with_any_permission(self, actions):
        if not self.actions & set(actions):
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(person__role_assignments__role=Role.ADMINISTRATOR))
            .distinct()
        )


register_permission_policy(RoleAssignment, AdministratorsOnlyPolicy(RoleAssignment), exact_class=True)
register_permission_policy(RoleChange, AdministratorsOnlyPolicy(RoleChange, actions=("view",)), exact_class=True)


def _person_choices(request=None):
    return Person.objects.select_related("user", "organisation").order_by("user__last_name", "user__first_name")


class _PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        organisation = f" ({person.organisation})" if person.organisation_id else ""
        return f"{person}{organisation} — {person.user.email}"


class RoleGrantForm(WagtailAdminModelForm):
    """Person, role and the scope it is held in (one list of every scope, grouped by kind)."""

    person = _PersonChoiceField(queryset=Person.objects.none(), label=_("person"))
    scope = forms.ChoiceField(label=_("scope"), help_text=_("Where the role is held: the cluster, an axis, a club…"))

    class Meta:
        model = RoleAssignment
        fields = ["person", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _person_choices()
        self.fields["scope"].choices = [("", "---------"), *selectors.scope_choices()]

    def clean_scope(self):
        scope = selectors.parse_scope_value(self.cleaned_data["scope"])
        if scope is None:
            raise ValidationError(_("Choose a scope."))
        self.instance.scope_kind, self.instance.scope_id = scope
        return self.cleaned_data["scope"]


class RoleAssignmentFilterSet(WagtailFilterSet):
    """Person → their roles in scopes; scope → its people."""

    person = django_filters.ModelChoiceFilter(queryset=_person_choices, label=_("person"))
    scope = django_filters.ChoiceFilter(
        label=_("scope"), choices=lambda: selectors.scope_choices(), method="filter_scope", empty_label=_("All")
    )

    class Meta:
        model = RoleAssignment
        fields = ["person", "role", "scope_kind", "scope"]

    def filter_scope(self, queryset, name, value):
        scope = selectors.parse_scope_value(value)
        return queryset.filter(scope_kind=scope[0], scope_id=scope[1]) if scope else queryset.none()


class RoleChangeFilterSet(WagtailFilterSet):
    """The log by action, role, kind of scope and person (the people named with one query)."""

    person = django_filters.ModelChoiceFilter(queryset=_person_choices, label=_("person"))

    class Meta:
        model = RoleChange
        fields = ["action", "role", "scope_kind", "person"]


class ScopeNamedIndexView(PortalIndexView):
    """Names the scopes of a page of rows in one query per kind of scope."""

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        return paginator, page, selectors.scope_labels(object_list), is_paginated


class RoleWithdrawView(ServiceDeleteView):
    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return HttpResponseRedirect(self.get_success_url())


def _admin_role_grant(*, instance, by, save):
    return services.role_grant(
        person=instance.person,
        role=instance.role,
        scope_kind=instance.scope_kind,
        scope_id=instance.scope_id,
        by=by,
    )


def _admin_role_withdraw(*, instance, by):
    services.role_withdraw(assignment=instance, by=by)


class RoleAssignmentViewSet(PortalViewSet):
    name = "role_assignments"
    url_prefix = "roles"
    model = RoleAssignment
    icon = "key"
    menu_label = _("Roles and rights")
    index_view_class = ScopeNamedIndexView
    delete_view_class = RoleWithdrawView
    save_service = staticmethod(_admin_role_grant)
    delete_service = staticmethod(_admin_role_withdraw)
    list_display = ["person", "role", "scope_kind", "scope_name", "granted_by", "granted_at"]
    filterset_class = RoleAssignmentFilterSet
    search_fields = ["person__user__first_name", "person__user__last_name", "person__user__email"]
    ordering = ["person__user__last_name", "person__user__first_name", "role"]

    def get_form_class(self, for_update=False):
        return RoleGrantForm

    def get_queryset(self, request):
        return RoleAssignment.objects.select_related("person__user", "granted_by")


class RoleChangeViewSet(PortalViewSet):
    """The log of every grant and withdrawal, read only."""

    name = "role_changes"
    url_prefix = "roles/log"
    model = RoleChange
    icon = "history"
    menu_label = _("Role changes")
    index_view_class = ScopeNamedIndexView
    list_display = ["at", "action", "person", "role", "scope_kind", "scope_name", "by"]
    filterset_class = RoleChangeFilterSet
    search_fields = ["person__user__first_name", "person__user__last_name", "person__user__email", "scope_label"]
    form_fields = ["person"]

    def get_queryset(self, request):
        return selectors.role_changes()


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
        RoleAssignmentViewSet,
        RoleChangeViewSet,
    )


@hooks.register("register_admin_viewset")
def register_members_viewsets():
    return MembersViewSetGroup()
