"""Best-practice records in the Wagtail admin, for the cluster's administrators: list with filters
(status, axis, contributor kind, visibility), edit with the figures inline, delete. Thin: every save
and delete goes through knowledge.services, so revisions and the search index follow."""

import django_filters
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from portal.members.models import Sector
from portal.members.wagtail_hooks import ServiceSaveMixin as MembersServiceSaveMixin

from . import services
from .models import BestPractice, BestPracticeStatus, Visibility


class BestPracticeFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=BestPracticeStatus.choices)
    axis = django_filters.ModelChoiceFilter(label=_("Thematic axis"), queryset=None)
    kind = django_filters.ChoiceFilter(
        label=_("Contributing organisation"), choices=Sector.choices, method="filter_kind"
    )
    visibility = django_filters.ChoiceFilter(label=_("Visibility"), choices=Visibility.choices)

    class Meta:
        model = BestPractice
        fields = ["status", "axis", "kind", "visibility"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from workgroups.models import Axis

        self.filters["axis"].queryset = Axis.objects.order_by("number")

    def filter_kind(self, queryset, name, value):
        return queryset.filter(Sector(value).kind_filter("organisation__kind"))


class ServiceSaveMixin(MembersServiceSaveMixin):
    """The members' mixin (a refused save shows on the form); the save runs inside the service."""

    def save_instance(self):
        return services.best_practice_admin_save(
            record=self.form.instance, by=self.request.user, save=super(MembersServiceSaveMixin, self).save_instance
        )


class BestPracticeCreateView(ServiceSaveMixin, generic.CreateView):
    pass


class BestPracticeEditView(ServiceSaveMixin, generic.EditView):
    pass


class BestPracticeDeleteView(generic.DeleteView):
    def delete_action(self):
        services.best_practice_delete(record=self.object, by=self.request.user)


class BestPracticeIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("axis", "organisation")
            .annotate(adoption_count=Count("adoptions", distinct=True))
        )


class BestPracticeViewSet(ModelViewSet):
    name = "best_practices"
    model = BestPractice
    icon = "doc-full"
    menu_label = _("Best practices")
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = BestPracticeIndexView
    add_view_class = BestPracticeCreateView
    edit_view_class = BestPracticeEditView
    delete_view_class = BestPracticeDeleteView
    filterset_class = BestPracticeFilterSet
    list_display = ["title", "organisation", "axis", "status", "visibility", "updated_at"]
    list_export = ["title", "organisation", "axis", "status", "visibility", "published_at", "updated_at"]
    search_fields = ["title", "summary", "organisation__name"]
    search_backend_name = None
    ordering = ["-updated_at"]
    inspect_view_enabled = True
    copy_view_enabled = False
    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("axis"), FieldPanel("organisation")]),
        FieldPanel("body"),
        FieldPanel("problem"),
        FieldPanel("results"),
        InlinePanel("figures", label=_("Key figures"), panels=[FieldPanel("value"), FieldPanel("label")]),
        FieldRowPanel([FieldPanel("cost_range"), FieldPanel("contact")]),
        FieldPanel("replicability"),
        FieldPanel("partners"),
        FieldPanel("tags"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("status"), FieldPanel("visibility")]), FieldPanel("review_note")],
            heading=_("Review and publication"),
        ),
    ]


@hooks.register("register_admin_viewset")
def register_best_practice_viewset():
    return BestPracticeViewSet()


@hooks.register("before_serve_document")
def attachments_follow_their_record(document, request):
    """/documents/<id>/… serves any Wagtail document: an attachment of best-practice records only
    to whoever may read one of them (members-only and draft records stay closed)."""
    from django.contrib.auth.views import redirect_to_login
    from django.http import Http404

    from . import permissions

    records = BestPractice.objects.filter(attachments=document).select_related("axis")
    if not records.exists():
        return None
    if any(permissions.can_view(request.user, record) for record in records):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404
