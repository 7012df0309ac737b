"""Wagtail pages of the public cluster site, and the registrations to its events.

The tree: Home → AxisPage(s) → NewsIndexPage, EventIndexPage; Home → NewsIndexPage, EventIndexPage,
ClubPage(s), StandardPage(s), ContactPage. The rules live in parent_page_types / subpage_types.
Reads go through cms/selectors.py, writes (registrations, page permissions) through cms/services.py;
the page methods below only gather context and hand requests to cms/views.py.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.members import selectors as member_selectors
from portal.members.models import Club, Person
from portal.pagination import page_of, query_string
from workgroups import selectors as workgroup_selectors
from workgroups.models import Axis

from .blocks import RICH_TEXT_FEATURES, BodyBlock

INTRO_FEATURES = ["bold", "italic", "link", "ol", "ul"]
NEWS_PAGE_SIZE = 12
HOME_EVENTS = 3
HOME_NEWS = 3


def _image_field():
    return models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("feature image"),
        help_text=_("Shown on cards and when the page is shared. Describe it in the image's “description” field."),
    )


def _axis_field(help_text):
    return models.ForeignKey(
        Axis,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thematic axis"),
        help_text=help_text,
    )


def _index_scope(index_page: Page) -> dict:
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
        "cms.EventIndexPage",
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
        context["next_events"] = list(selectors.upcoming_events()[:HOME_EVENTS])
        context["latest_news"] = list(selectors.latest_news()[:HOME_NEWS])
        sections = selectors.site_sections(request)
        context["news_index"] = sections["news"]
        context["event_index"] = sections["events"]
        return context


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
    subpage_types = ["cms.NewsIndexPage", "cms.EventIndexPage"]

    class Meta:
        verbose_name = _("thematic axis page")
        verbose_name_plural = _("thematic axis pages")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["coordinators"] = selectors.axis_coordinators(self.axis)
        context["workgroups"] = selectors.axis_workgroups(self.axis)
        context["best_practices"] = selectors.axis_best_practices(request.user, self.axis)
        context["upcoming_events"] = list(selectors.upcoming_events(within=self, axis=self.axis)[:4])
        context["past_events"] = list(selectors.past_events(within=self, axis=self.axis)[:3])
        context["latest_news"] = list(selectors.latest_news(within=self, axis=self.axis)[:4])
        context["news_index"] = NewsIndexPage.objects.live().child_of(self).first()
        context["event_index"] = EventIndexPage.objects.live().child_of(self).first()
        return context


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
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["members"] = selectors.club_members(self.club)
        context["commissions"] = selectors.club_commissions(self.club)
        return context


class SurveyResultsPage(Page):
    """A needs survey's ranked common issues, published by an organiser in one click.

    A snapshot taken at publication (cms.services.survey_results_page_publish): answers arriving
    later change the page only when it is published again, from the survey's screen.
    """

    survey = models.ForeignKey(
        "members.Survey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("survey")
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

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def scope(self) -> dict:
        return _index_scope(self)

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        tag = request.GET.get("tag", "")[:100]
        news = selectors.latest_news(**self.scope(), tag=tag)
        context["news_page"] = page_of(request, news, NEWS_PAGE_SIZE)
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
    feature_image = _image_field()
    axis = _axis_field(_("The thematic axis this news is about, if any."))
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


# --- Events -------------------------------------------------------------------------------------


class EventIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage", "cms.AxisPage"]
    subpage_types = ["cms.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("events calendar")
        verbose_name_plural = _("events calendars")

    def scope(self) -> dict:
        return _index_scope(self)

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["upcoming_events"] = selectors.upcoming_events(**self.scope())
        context["past_page"] = Paginator(selectors.past_events(**self.scope()), NEWS_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return context


class EventKind(models.TextChoices):
    BREAKFAST = "breakfast", _("Business breakfast")
    WORKSHOP = "workshop", _("Workshop")
    ASSISES = "assises", _("Assises of the cluster")
    EXCHANGE_SESSION = "exchange_session", _("Exchange session")
    AFTER_WORK = "after_work", _("After-work")


class EventPage(RoutablePageMixin, Page):
    kind = models.CharField(_("kind of event"), max_length=20, choices=EventKind.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    place = models.CharField(_("place"), max_length=200, help_text=_("For example: Maison des coopératives, room 2."))
    address = models.CharField(_("address"), max_length=255, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Number of places. Leave empty for no limit.")
    )
    registration_open = models.BooleanField(
        _("online registration open"),
        default=True,
        help_text=_("Registration closes anyway when the event starts. When full, people join the waiting list."),
    )
    axis = _axis_field(_("The thematic axis this event belongs to, if any."))
    summary = models.TextField(_("summary"), max_length=400, help_text=_("One or two sentences, shown on cards."))
    feature_image = _image_field()
    body = StreamField(BodyBlock(), verbose_name=_("programme"), blank=True)
    action_plan = models.ForeignKey(
        "plans.ActionPlan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feeding_events",
        verbose_name=_("action plan it feeds"),
        help_text=_("For the breakfasts, workshops and assises of a participatory process."),
    )
    followup_workgroup = models.ForeignKey(
        "workgroups.Workgroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up workgroup"),
        help_text=_("Opened from the event's page by an organiser, with the members who registered."),
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("axis")]),
        FieldRowPanel([FieldPanel("action_plan"), FieldPanel("followup_workgroup", read_only=True)]),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        MultiFieldPanel([FieldPanel("place"), FieldPanel("address")], heading=_("Place")),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_open")]),
        FieldPanel("summary"),
        FieldPanel("feature_image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("place")]
    parent_page_types = ["cms.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self):
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The end must be after the start.")})

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()

    def with_content_json(self, content):
        # The follow-up room is opened from the site, outside the editorial revisions: publishing
        # a revision written before it was opened must not unlink it.
        page = super().with_content_json(content)
        page.followup_workgroup_id = self.followup_workgroup_id
        return page

    @property
    def accepts_registrations(self) -> bool:
        return self.live and self.registration_open and self.start > timezone.now()

    def get_context(self, request, *args, **kwargs):
        from . import permissions, selectors

        context = super().get_context(request, *args, **kwargs)
        context["counts"] = selectors.registration_counts(self)
        context["can_export"] = permissions.can_export_attendance(request.user, self)
        if context["can_export"]:
            context["attendance_xlsx_path"] = self.reverse_subpage("attendance", args=["xlsx"])
            context["attendance_csv_path"] = self.reverse_subpage("attendance", args=["csv"])
        return context

    # Public routes; the views (cms/views.py) validate and call cms/services.py.

    @path("", name="event")
    def event_view(self, request):
        from . import views

        return views.event_detail(request, self)

    @path("inscription/confirmee/", name="registration_done")
    def registration_done_view(self, request):
        from . import views

        return views.event_registration_done(request, self)

    @path("annuler/<str:token>/", name="cancel")
    def cancel_view(self, request, token):
        from . import views

        return views.event_registration_cancel(request, self, token)

    @path("calendrier/", name="calendar")
    def calendar_view(self, request):
        from . import feeds

        return feeds.event_calendar(request, self)

    @path("presences/", name="presence")
    def presence_view(self, request):
        from . import views

        return views.event_presence(request, self)

    @path("salle-de-suivi/", name="followup")
    def followup_view(self, request):
        from . import views

        return views.event_followup(request, self)

    @path("emargement/<str:file_format>/", name="attendance")
    def attendance_view(self, request, file_format):
        from . import views

        return views.event_attendance_export(request, self, file_format)


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class EventRegistration(models.Model):
    """One person's registration to an event: a member (person set) or a visitor."""

    event = models.ForeignKey(
        EventPage, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("member"),
    )
    name = models.CharField(_("name"), max_length=150)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    # Only the SHA-256 of the cancellation token is kept: the token itself is in the e-mail.
    cancel_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("moved from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    attended = models.BooleanField(_("present"), null=True, blank=True, help_text=_("Recorded after the event."))

    class Meta:
        ordering = ["event", "created_at", "pk"]
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        constraints = [
            # The service refuses duplicates under the event's row lock; this catches any other path.
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status="cancelled"),
                name="event_registration_one_active_per_email",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"], name="event_registration_queue")]

    def __str__(self):
        return f"{self.name} — {self.event.title} ({self.get_status_display()})"


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

    def process_form_submission(self, form):
        # Stored first; the e-mail leaves only once the submission is committed.
        submission = self.get_submission_class().objects.create(form_data=form.cleaned_data, page=self)
        if self.to_address:
            transaction.on_commit(lambda: self.send_mail(form))
        return submission
