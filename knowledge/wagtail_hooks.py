"""Best-practice records in the Wagtail admin, for the cluster's administrators: list with filters
(status, axis, contributor kind, visibility), edit with the figures inline, delete. Thin: every save
and delete goes through knowledge.services, so revisions and the search index follow."""

import django_filters
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel

from portal.admin import PortalIndexView, PortalViewSet
from portal.members.models import Sector

from . import permissions, services
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


def _admin_save(*, instance, by, save):
    return services.best_practice_admin_save(record=instance, by=by, save=save)


def _admin_delete(*, instance, by):
    services.best_practice_delete(record=instance, by=by)


class BestPracticeIndexView(PortalIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("axis", "organisation")
            .annotate(adoption_count=Count("adoptions", distinct=True))
        )


class BestPracticeViewSet(PortalViewSet):
    name = "best_practices"
    model = BestPractice
    icon = "doc-full"
    menu_label = _("Best practices")
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = BestPracticeIndexView
    save_service = staticmethod(_admin_save)
    delete_service = staticmethod(_admin_delete)
    filterset_class = BestPracticeFilterSet
    # The records of the axes the user reviews (administrators: all), and only those axes to choose.
    scope_queryset = staticmethod(permissions.records_reviewed)
    scope_form = staticmethod(permissions.narrow_record_form)
    list_display = ["title", "organisation", "axis", "status", "visibility", "updated_at"]
    list_export = ["title", "organisation", "axis", "status", "visibility", "published_at", "updated_at"]
    search_fields = ["title", "summary", "organisation__name"]
    ordering = ["-updated_at"]
    inspect_view_enabled = True
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
