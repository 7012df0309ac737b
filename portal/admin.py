"""The base of every admin screen (Wagtail viewsets): saves and deletes go through the services.

An app's viewset names the services that write its model; the admin's create, edit and delete views
then call them, so the domain rules, the index updates and the broadcasts hold in the admin exactly
as on the site, and a service's refusal shows on the form instead of an error page.

    class SheetViewSet(PortalViewSet):
        model = ResourceSheet
        save_service = staticmethod(services.sheet_admin_save)   # (*, instance, by, save) -> instance
        delete_service = staticmethod(services.sheet_delete)     # (*, instance, by) -> None

A viewset whose rows belong to scopes (an axis, a club) also names what the user may reach and
choose, from its app's permissions.py; rows outside are neither listed, exported, opened, edited
nor their history or usage shown (404), and the form offers only the user's own scopes:

        scope_queryset = staticmethod(permissions.sheets_visible)   # (queryset, user) -> queryset
        scope_form = staticmethod(permissions.narrow_sheet_form)    # (form, user) -> None

`save` is the admin form's own save (fields, many-to-many, inline children): a service that builds
the object itself ignores it; one that only adds rules around the form calls it.

The list exports (CSV and XLSX) of these screens, and of the contact forms' submissions, write every
cell through portal.exports, so that a text that looks like a formula stays text.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.utils.translation import gettext as _
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.contrib.forms.views import SubmissionsListView
from wagtail.log_actions import log

from portal import exports


class FormulaSafeExportMixin:
    """For a Wagtail view with SpreadsheetExportMixin: no cell of its CSV or XLSX runs as a formula."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return exports.csv_value(value) if export_format == self.FORMAT_CSV else value

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in super().generate_xlsx_row(worksheet, row_dict, date_format=date_format):
            yield exports.text_cell(cell)


class PostExportMixin:
    """Its CSV and XLSX exports (logged by the privacy middleware) answer a POST only: a GET shows
    the page whose button posts."""

    def get(self, request, *args, **kwargs):
        if self.is_export:
            return exports.download_confirm_page(request, title=_("Export of the list"))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.is_export:
            return HttpResponseNotAllowed(["GET"])
        return super().get(request, *args, **kwargs)


class ViewSetQuerysetMixin:
    """The list's rows from the viewset's `get_queryset(request)` (its related rows joined, say), as
    Wagtail's snippet lists do; a ModelViewSet alone never calls it."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if callable(self.queryset):
            self.queryset = self.queryset(request)


class ScopedMixin:
    """Rows outside the user's scopes do not exist for them; forms offer only their scopes."""

    scope_queryset = None
    scope_form = None

    def scoped(self, queryset):
        return queryset if self.scope_queryset is None else self.scope_queryset(queryset, self.request.user)

    def get_base_queryset(self):  # the list and its exports
        return self.scoped(super().get_base_queryset())

    def get_object(self, queryset=None):  # edit, delete, inspect
        obj = super().get_object(queryset)
        if self.scope_queryset is not None and not self.scoped(self.model._default_manager.filter(pk=obj.pk)).exists():
            raise Http404
        return obj

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.scope_form is not None:
            self.scope_form(form, self.request.user)
        return form


class ScopedObjectMixin:
    """For the views of one row that list something else (its history, its usage): another scope's
    row answers 404."""

    scope_queryset = None

    def get_base_object_queryset(self):
        queryset = super().get_base_object_queryset()
        return queryset if self.scope_queryset is None else self.scope_queryset(queryset, self.request.user)


class PortalIndexView(ViewSetQuerysetMixin, ScopedMixin, PostExportMixin, FormulaSafeExportMixin, generic.IndexView):
    pass


class PortalHistoryView(ScopedObjectMixin, history.HistoryView):
    pass


class PortalUsageView(ScopedObjectMixin, usage.UsageView):
    pass


class PortalInspectView(ScopedMixin, generic.InspectView):
    pass


class PortalSubmissionsListView(PostExportMixin, FormulaSafeExportMixin, SubmissionsListView):
    """The submissions of a form page (typed by anyone on the public site), exported safely."""


class ServiceSaveMixin:
    save_service = None

    def form_save(self):
        """What the admin would do without a service: save the form."""
        return super().save_instance()

    def save_instance(self):
        if self.save_service is None:
            return self.form_save()
        return self.save_service(instance=self.form.instance, by=self.request.user, save=self.form_save)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            # Wagtail sets this while validating the form; a refusal from the service comes later.
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ServiceCreateView(ScopedMixin, ServiceSaveMixin, generic.CreateView):
    pass


class ServiceEditView(ScopedMixin, ServiceSaveMixin, generic.EditView):
    pass


class ServiceDeleteView(ScopedMixin, generic.DeleteView):
    delete_service = None

    def delete_action(self):
        if self.delete_service is None:
            return super().delete_action()
        # Logged as Wagtail's own delete logs it (the object's history keeps who deleted it), in the
        # service's transaction: a refusal leaves neither the log line nor a change.
        with transaction.atomic():
            log(instance=self.object, action="wagtail.delete", user=self.request.user, deleted=True)
            return self.delete_service(instance=self.object, by=self.request.user)


class PortalViewSet(ModelViewSet):
    """A model's admin screens, searched in the database (no Wagtail search index) and never copied."""

    index_view_class = PortalIndexView
    inspect_view_class = PortalInspectView
    history_view_class = PortalHistoryView
    usage_view_class = PortalUsageView
    add_view_class = ServiceCreateView
    edit_view_class = ServiceEditView
    delete_view_class = ServiceDeleteView
    search_backend_name = None
    copy_view_enabled = False
    save_service = None
    delete_service = None
    scope_queryset = None
    scope_form = None

    def get_queryset(self, request):
        """The list's rows (and its exports'), before the filters and the user's scopes: None for every
        row. Viewsets return their model's rows with the related rows each line shows."""
        return None

    def get_index_view_kwargs(self, **kwargs):
        return {**super().get_index_view_kwargs(**kwargs), **self._scope_kwargs(), "queryset": self.get_queryset}

    def get_inspect_view_kwargs(self, **kwargs):
        return {**super().get_inspect_view_kwargs(**kwargs), **self._scope_kwargs()}

    def get_history_view_kwargs(self, **kwargs):
        return {**super().get_history_view_kwargs(**kwargs), **self._scope_kwargs(form=False)}

    def get_usage_view_kwargs(self, **kwargs):
        return {**super().get_usage_view_kwargs(**kwargs), **self._scope_kwargs(form=False)}

    def get_add_view_kwargs(self, **kwargs):
        return {
            **super().get_add_view_kwargs(**kwargs),
            **self._service_kwargs(self.add_view_class, "save_service"),
            **self._scope_kwargs(),
        }

    def get_edit_view_kwargs(self, **kwargs):
        return {
            **super().get_edit_view_kwargs(**kwargs),
            **self._service_kwargs(self.edit_view_class, "save_service"),
            **self._scope_kwargs(),
        }

    def get_delete_view_kwargs(self, **kwargs):
        return {
            **super().get_delete_view_kwargs(**kwargs),
            **self._service_kwargs(self.delete_view_class, "delete_service"),
            **self._scope_kwargs(),
        }

    def _service_kwargs(self, view_class, name: str) -> dict:
        service = getattr(self, name)
        return {name: service} if service is not None and hasattr(view_class, name) else {}

    def _scope_kwargs(self, *, form: bool = True) -> dict:
        kwargs = {}
        if self.scope_queryset is not None:
            kwargs["scope_queryset"] = self.scope_queryset
        if form and self.scope_form is not None:
            kwargs["scope_form"] = self.scope_form
        return kwargs
