"""Wagtail pages of the public cluster site.

The tree: Home → AxisPage(s) → NewsIndexPage, EventIndexPage; Home → NewsIndexPage, EventIndexPage,
ClubPage(s), StandardPage(s), ContactPage. The rules live in parent_page_types / subpage_types.
The events calendar and event pages belong to the events app (cms/events/), which cms never
imports: it names them by "app_label.Model" strings, and the events app adds what the home and axis
pages show of them through the "cms_page_context" hook (see `contributed_context`).
Reads go through cms/selectors.py, writes (page permissions) through cms/services.py.
"""

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.clubs import selectors as club_selectors
from portal.clubs.models import Club
from portal.members import selectors as member_selectors
from portal.pagination import page_of, query_string
from workgroups import selectors as workgroup_selectors
from workgroups.models import Axis

from .blocks import RICH_TEXT_FEATURES, BodyBlock

INTRO_FEATURES = ["bold", "italic", "link", "ol", "ul"]
INDEX_PAGE_SIZE = 12
HOME_NEWS = 3


def image_field():
    return models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("feature image"),
        help_text=_("Shown on cards and when the page is shared. Describe it in the image's “description” field."),
    )


def axis_field(help_text):
    return models.ForeignKey(
        Axis,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thematic axis"),
        help_text=help_text,
    )


def contributed_context(page: Page, request, context: dict) -> dict:
    """What the apps built on the site (the events) show on its pages: their `cms_page_context` hooks."""
    for contribute in hooks.get_hooks("cms_page_context"):
        contribute(page, request, context)
    return context


def index_scope(index_page: Page) -> dict:
    """What an index lists: under an axis page, the axis's pages; under the home page, the whole site."""
    parent = index_page.get_parent().specific
    if isinstance(parent, AxisPage):
        return {"within": parent, "axis": parent.axis}
    return {"within": None, "axis": None}


# --- Home ---------------------------------------------------------------------------------------


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)
    body = StreamField(BodyBlock(), verbose_name=_("more content"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.AxisPage",
        "cms.NewsIndexPage",
        "events.EventIndexPage",
        "cms.ClubPage",
        "cms.StandardPage",
        "cms.ContactPage",
        "cms.SurveyResultsPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["axes"] = list(workgroup_selectors.axes())
        context["member_counts"] = member_selectors.membership_counts()
        context["zones"] = list(member_selectors.zones_with_counts())
        axis_pages = selectors.axis_pages_by_axis()
        context["axis_cards"] = [(axis, axis_pages.get(axis.pk)) for axis in context["axes"]]
        context["key_figures"] = selectors.key_figures(
            context["member_counts"], zones=context["zones"], axes=context["axes"]
        )
        context["latest_news"] = list(selectors.latest_news(user=request.user)[:HOME_NEWS])
        sections = selectors.site_sections(request)
        context["news_index"] = sections["news"]
        context["event_index"] = sections["events"]
        return contributed_context(self, request, context)  # next_events


# --- Thematic axes ------------------------------------------------------------------------------


class AxisPage(Page):
    axis = models.OneToOneField(Axis, on_delete=models.PROTECT, related_name="page", verbose_name=_("thematic axis"))
    introduction = models.TextField(_("introduction"), blank=True, max_length=600)
    objectives = StreamField(BodyBlock(), verbose_name=_("objectives"), blank=True)

    content_panels = Page.content_panels + [
        # Only administrators choose the axis: it decides who may edit under the page.
        FieldPanel("axis", permission="workgroups.change_axis"),
        FieldPanel("introduction"),
        FieldPanel("objectives"),
    ]
    search_fields = Page.search_fields + [index.SearchField("introduction"), index.SearchField("objectives")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsIndexPage", "events.EventIndexPage"]

    class Meta:
        verbose_name = _("thematic axis page")
        verbose_name_plural = _("thematic axis pages")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["coordinators"] = selectors.axis_coordinators(self.axis)
        context["workgroups"] = selectors.axis_workgroups(self.axis)
        context["best_practices"] = selectors.axis_best_practices(request.user, self.axis)
        context["latest_news"] = list(selectors.latest_news(within=self, axis=self.axis, user=request.user)[:4])
        context["news_index"] = NewsIndexPage.objects.live().child_of(self).first()
        return contributed_context(self, request, context)  # upcoming_events, past_events, event_index


# --- Business-park clubs ------------------------------------------------------------------------


class ClubPage(Page):
    club = models.OneToOneField(Club, on_delete=models.PROTECT, related_name="page", verbose_name=_("club"))
    introduction = models.TextField(_("introduction"), blank=True, max_length=600)
    common_issues = StreamField(
        BodyBlock(),
        verbose_name=_("common issues worked on"),
        blank=True,
        help_text=_("Waste collection, mobility, security, shared services…"),
    )
    how_to_join = RichTextField(_("how to join"), blank=True, features=INTRO_FEATURES)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("club"),
        FieldPanel("introduction"),
        FieldPanel("common_issues"),
        FieldPanel("how_to_join"),
        FieldPanel("contact_email"),
    ]
    search_fields = Page.search_fields + [index.SearchField("introduction"), index.SearchField("common_issues")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.SurveyResultsPage"]

    class Meta:
        verbose_name = _("business club page")
        verbose_name_plural = _("business club pages")

    def get_context(self, request, *args, **kwargs):
        # THE public page of the club: the clubs app says what the public sees of it.
        context = super().get_context(request, *args, **kwargs)
        context.update(club_selectors.club_public_summary(self.club))
        return context


class SurveyResultsPage(Page):
    """A needs survey's ranked common issues, published by an organiser in one click.

    A snapshot taken at publication (cms.services.survey_results_page_publish): answers arriving
    later change the page only when it is published again, from the survey's screen.
    """

    survey = models.ForeignKey(
        "clubs.Survey",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="results_pages",
        verbose_name=_("survey"),
    )
    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)
    results = models.JSONField(_("results at publication"), default=dict, editable=False)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage", "cms.ClubPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("survey results page")
        verbose_name_plural = _("survey results pages")


# --- News ---------------------------------------------------------------------------------------


class NewsIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage", "cms.AxisPage"]
    subpage_types = ["cms.NewsPage"]
    max_count_per_parent = 1
    site_section = "news"  # the menu's "News" (cms.selectors.site_sections)

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def scope(self) -> dict:
        return index_scope(self)

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        tag = request.GET.get("tag", "")[:100]
        news = selectors.latest_news(**self.scope(), tag=tag, user=request.user)
        context["news_page"] = page_of(request, news, INDEX_PAGE_SIZE)
        context["tag"] = tag
        context["query_string"] = query_string({"tag": tag})
        return context


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("cms.NewsPage", on_delete=models.CASCADE, related_name="tagged_items")


class NewsPage(Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.TextField(
        _("summary"), max_length=400, help_text=_("One or two sentences, shown on cards and in feeds.")
    )
    feature_image = image_field()
    axis = axis_field(_("The thematic axis this news is about, if any."))
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("axis")]),
        FieldPanel("summary"),
        FieldPanel("feature_image"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")


# --- Standard and contact pages -----------------------------------------------------------------


class StandardPage(Page):
    intro = models.TextField(_("introduction"), blank=True, max_length=600)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


class ContactFormField(AbstractFormField):
    page = ParentalKey("cms.ContactPage", on_delete=models.CASCADE, related_name="form_fields")


class ContactPage(AbstractEmailForm):
    """A contact form: every submission is stored (Forms menu of the admin) and, if set, e-mailed."""

    cache_for_anonymous = False  # a form and its thank-you page are answers to one visitor

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    thank_you_text = RichTextField(_("thank-you message"), blank=True, features=INTRO_FEATURES)

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("E-mail sent on each submission"),
        ),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("contact page")
        verbose_name_plural = _("contact pages")

    def get_submissions_list_view_class(self):
        from portal.admin import PortalSubmissionsListView  # an admin view: not loaded with the models

        return PortalSubmissionsListView  # exports the submissions with no cell run as a formula

    def process_form_submission(self, form):
        # Stored first; the e-mail leaves only once the submission is committed.
        submission = self.get_submission_class().objects.create(form_data=form.cleaned_data, page=self)
        if self.to_address:
            transaction.on_commit(lambda: self.send_mail(form))
        return submission
