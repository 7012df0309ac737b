"""Wagtail pages of the public cluster site."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from portal.members import selectors as member_selectors
from workgroups import selectors as workgroup_selectors


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["axes"] = workgroup_selectors.axes()
        context["member_counts"] = member_selectors.membership_counts()
        context["zones"] = member_selectors.zones_with_counts()
        return context
