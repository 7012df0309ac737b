"""Newsletters in the Wagtail admin: compose (with live preview), test, send, follow the progress."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.components import MediaContainer
from wagtail.admin.ui.side_panels import PreviewSidePanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.preview import PreviewOnEdit
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets.button import Button, MenuItem

from portal.admin import PortalIndexView, PortalViewSet, ScopedMixin, ServiceEditView

from . import audiences, permissions, rendering, services
from .models import Newsletter, NewsletterStatus, Subscriber


def _visible(request):
    return permissions.newsletters_visible(Newsletter.objects.select_related("axis", "club", "zone"), request.user)


def _newsletter_for(request, pk) -> Newsletter:
    """A letter the user may manage; another audience's letter does not exist for them (404)."""
    if not permissions.can_compose(request.user):
        raise PermissionDenied
    return get_object_or_404(_visible(request), pk=pk)


def _extra_buttons(newsletter: Newsletter) -> list:
    def url(name):
        return reverse(f"newsletters_admin:{name}", args=[newsletter.pk])

    buttons = [
        Button(gettext_lazy("Preview the e-mail"), url=url("preview"), icon_name="view", priority=30,
               attrs={"target": "_blank"}),
    ]  # fmt: skip
    if newsletter.is_draft:
        buttons += [
            Button(gettext_lazy("Send a test to me"), url=url("test"), icon_name="mail", priority=31),
            Button(gettext_lazy("Send…"), url=url("send"), icon_name="resubmit", priority=32),
        ]
    else:
        buttons.append(Button(gettext_lazy("Progress"), url=url("progress"), icon_name="time", priority=32))
    return buttons


class NewsletterIndexView(PortalIndexView):
    def get_list_more_buttons(self, instance):
        items = super().get_list_more_buttons(instance)
        return items + [MenuItem(b.label, url=b.url, icon_name=b.icon_name, priority=b.priority)
                        for b in _extra_buttons(instance)]  # fmt: skip


class NewsletterEditView(generic.CreateEditViewOptionalFeaturesMixin, ServiceEditView):
    view_name = "edit"

    def dispatch(self, request, *args, **kwargs):
        newsletter = get_object_or_404(_visible(request), pk=kwargs.get("pk"))
        if not newsletter.is_draft:
            messages.info(request, _("This newsletter has been sent: it can no longer be changed."))
            return redirect("newsletters_admin:progress", newsletter.pk)
        return super().dispatch(request, *args, **kwargs)

    @property
    def header_more_buttons(self):
        return super().header_more_buttons + _extra_buttons(self.object)

    def get_side_panels(self):
        panels = list(super().get_side_panels())
        if not self.expects_json_response:
            panels.append(PreviewSidePanel(self.object, self.request, preview_url=self.get_preview_url()))
        return MediaContainer(panels)


class NewsletterCopyView(ScopedMixin, generic.CopyView):
    """A copy of one of the user's letters, into a form that offers only their audiences."""


@require_http_methods(["GET"])
def preview_view(request, pk):
    newsletter = _newsletter_for(request, pk)
    html = rendering.layout(newsletter, newsletter.content_html, newsletter.content_text)[0] if not \
        newsletter.is_draft else rendering.preview_html(newsletter)  # fmt: skip
    response = HttpResponse(html)
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@require_http_methods(["GET", "POST"])
def test_view(request, pk):
    newsletter = _newsletter_for(request, pk)
    if request.method == "POST":
        try:
            email = services.newsletter_send_test(newsletter=newsletter, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("A test has been sent to %(email)s.") % {"email": email})
        return redirect("newsletter-issues:edit", newsletter.pk)
    return TemplateResponse(request, "newsletters/admin/test.html", {"newsletter": newsletter})


@require_http_methods(["GET", "POST"])
def send_view(request, pk):
    newsletter = _newsletter_for(request, pk)
    if not newsletter.is_draft:
        return redirect("newsletters_admin:progress", newsletter.pk)
    if request.method == "POST":
        try:
            total = services.newsletter_start(
                newsletter=newsletter,
                by=request.user,
                professional_content=request.POST.get("professional_content") == "on",
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("newsletters_admin:send", newsletter.pk)
        messages.success(request, _("Sending started to %(count)d recipients.") % {"count": total})
        return redirect("newsletters_admin:progress", newsletter.pk)
    context = {"newsletter": newsletter, "recipients": audiences.count(newsletter)}
    return TemplateResponse(request, "newsletters/admin/send.html", context)


@require_http_methods(["GET", "POST"])
def progress_view(request, pk):
    newsletter = _newsletter_for(request, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "resume":
            uncertain = services.newsletter_resume(newsletter=newsletter, by=request.user, stale_after=0)
            messages.success(
                request,
                _("Sending resumed.")
                + (
                    " " + _("%(count)d interrupted deliveries are marked uncertain.") % {"count": uncertain}
                    if uncertain
                    else ""
                ),
            )  # noqa: E501
        elif action == "retry_uncertain":
            count = services.newsletter_retry_uncertain(newsletter=newsletter, by=request.user)
            messages.success(request, _("%(count)d uncertain deliveries will be sent again.") % {"count": count})
        else:
            messages.error(request, _("Unknown action: nothing was changed."))
        return redirect("newsletters_admin:progress", newsletter.pk)
    context = {"newsletter": newsletter, "progress": services.progress(newsletter),
               "refresh": newsletter.status == NewsletterStatus.SENDING}  # fmt: skip
    return TemplateResponse(request, "newsletters/admin/progress.html", context)


class NewsletterViewSet(PortalViewSet):
    name = "newsletter-issues"
    model = Newsletter
    icon = "mail"
    menu_label = gettext_lazy("Newsletters")
    index_view_class = NewsletterIndexView
    edit_view_class = NewsletterEditView
    copy_view_class = NewsletterCopyView
    scope_queryset = staticmethod(permissions.newsletters_visible)
    scope_form = staticmethod(permissions.narrow_newsletter_form)
    save_service = staticmethod(services.newsletter_admin_save)
    list_display = ["title", "audience", Column("status", label=gettext_lazy("status"), accessor="get_status_display"),
                    "sent_at"]  # fmt: skip
    list_filter = ["status", "audience"]
    search_fields = ["title"]
    copy_view_enabled = True

    # Wagtail's live preview beside the editor (wired as snippets wire it): the e-mail as it will look.
    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(preview_url_name=self.get_url_name("preview_on_edit"), **kwargs)

    def get_copy_view_kwargs(self, **kwargs):
        return {**super().get_copy_view_kwargs(**kwargs), **self._scope_kwargs()}

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("preview/<int:pk>/", self.construct_view(PreviewOnEdit, form_class=self.get_form_class(True)),
                 name="preview_on_edit"),
        ]  # fmt: skip

    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("slug")]),
        MultiFieldPanel(
            [FieldPanel("audience"), FieldRowPanel([FieldPanel("axis"), FieldPanel("club"), FieldPanel("zone")])],
            heading=gettext_lazy("Audience"),
        ),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]


class SubscriberViewSet(PortalViewSet):
    name = "newsletter-subscribers"
    model = Subscriber
    icon = "user"
    menu_label = gettext_lazy("Public subscribers")
    list_display = ["email", "name", "created_at", "confirmed_at"]
    search_fields = ["email", "name"]
    form_fields = ["name"]


class NewslettersGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Newsletters")
    menu_icon = "mail"
    menu_order = 300
    items = (NewsletterViewSet, SubscriberViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return NewslettersGroup()


@hooks.register("register_admin_urls")
def register_admin_urls():
    views = [
        path("<int:pk>/apercu/", preview_view, name="preview"),
        path("<int:pk>/test/", test_view, name="test"),
        path("<int:pk>/envoyer/", send_view, name="send"),
        path("<int:pk>/progression/", progress_view, name="progress"),
    ]
    return [path("lettres/", include((views, "newsletters_admin"), namespace="newsletters_admin"))]
