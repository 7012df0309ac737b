"""Wagtail pages of the public cluster site.

The tree: Home → AxisPage(s) → NewsIndexPage, EventIndexPage; Home → ClubPage(s) → NewsIndexPage,
EventIndexPage, SurveyResultsPage(s); Home → NewsIndexPage, EventIndexPage, StandardPage(s),
ContactPage. The rules live in parent_page_types / subpage_types.
The events calendar and event pages belong to the events app (cms/events/), which cms never
imports: it names them by "app_label.Model" strings, and the events app adds what the home and axis
pages show of them through the "cms_page_context" hook (see `contributed_context`).
Reads go through cms/selectors.py, writes (page permissions) through cms/services.py.
"""

from functools import partial

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.clubs import selectors as club_selectors
from portal.clubs.models import Club
from portal.forms import HONEYPOT_FIELD, add_honeypot
from portal.members.scopes import ScopeKind
from portal.pagination import page_of, query_string
from portal.ratelimits import TOO_MANY, over_rate
from workgroups.models import Axis
from workgroups.plans import selectors as plan_selectors

from .blocks import RICH_TEXT_FEATURES, BodyBlock
from .forms import ScopedPageForm

INTRO_FEATURES = ["bold", "italic", "link", "ol", "ul"]
INDEX_PAGE_SIZE = 12
HOME_NEWS = 3


FEATURE_IMAGE = _("feature image")
FEATURE_IMAGE_HELP = _("Shown on cards and when the page is shared. Describe it in the image's “description” field.")


def image_field(verbose_name=FEATURE_IMAGE, help_text=FEATURE_IMAGE_HELP):
    return optional_link("wagtailimages.Image", verbose_name, help_text)


def optional_link(model: str, verbose_name, help_text=""):
    """A link to an image or a page that may stay empty, and empties itself when its target goes."""
    return models.ForeignKey(
        model,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        help_text=help_text,
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
    """What the apps built on the site (the events) show on its pages: their `cms_page_context` hooks.
    A hook whose part changes by itself, with no publishing (an event ends), says when with
    `changes_at`, so a page part shared by every visitor is built again then."""
    for contribute in hooks.get_hooks("cms_page_context"):
        contribute(page, request, context)
    return context


def changes_at(context: dict, moment) -> None:
    """Notes in `context` that what was just added to it changes by itself at `moment` (the earliest kept)."""
    if moment is not None and (context.get("changes_at") is None or moment < context["changes_at"]):
        context["changes_at"] = moment


class SharedBlocksPage:
    """A page whose blocks show the rest of the portal (figures, groups, events, news…): for an
    anonymous visitor they are HTML rendered once for every one of them, per page, site and language
    (cms.selectors.shared_html: dropped when a page is published, unpublished or moved, else kept
    PAGE_FRAGMENT_SECONDS or until `changes_at`), not read and rendered again on each visit (#22); for a
    signed-in person they are read in the page. Its template shows `shared_blocks` when set, else
    includes `blocks_template`."""

    blocks_template = ""

    def blocks_context(self, request, context: dict) -> dict:
        raise NotImplementedError

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        if selectors.shares_fragments(request):
            build = partial(self._blocks_html, context)
            context["shared_blocks"] = selectors.shared_html(f"blocks:{self.pk}", request, build)
            return context
        return self.blocks_context(request, context)

    def _blocks_html(self, context: dict) -> tuple[str, object]:
        blocks = self.blocks_context(context["request"], dict(context))
        return render_to_string(self.blocks_template, blocks), blocks.get("changes_at")


def index_scope(index_page: Page) -> dict:
    """What an index lists: under an axis page, the axis's pages; under a club's page, the club's; under
    the home page, the whole site."""
    parent = index_page.get_parent().specific
    if isinstance(parent, AxisPage):
        return {"within": parent, "axis": parent.axis}
    if isinstance(parent, ClubPage):
        return {"within": parent, "axis": None}
    return {"within": None, "axis": None}


# --- Home ---------------------------------------------------------------------------------------


class HomePage(SharedBlocksPage, Page):
    blocks_template = "cms/includes/home_blocks.html"
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

    def get_view_restrictions(self):
        """Wagtail's, with the ids read from the fragment cache: no query on each visit when none applies.
        Only for the home page: its only ancestor is the tree's root, never an alias."""
        from wagtail.models import PageViewRestriction

        from . import selectors

        ids = selectors.view_restriction_ids(self)
        if ids is None:
            return super().get_view_restrictions()
        return PageViewRestriction.objects.filter(pk__in=ids) if ids else PageViewRestriction.objects.none()

    def blocks_context(self, request, context: dict) -> dict:
        """The figures, axes, events, news and zones."""
        from . import selectors

        context |= selectors.home_figures()  # axes, member_counts, zones, axis_cards, key_figures
        context["latest_news"] = list(selectors.latest_news(user=request.user)[:HOME_NEWS])
        sections = selectors.site_sections(request)
        context["news_index"] = sections["news"]
        context["event_index"] = sections["events"]
        return contributed_context(self, request, context)  # next_events, changes_at


# --- Thematic axes ------------------------------------------------------------------------------


class AxisPage(SharedBlocksPage, Page):
    blocks_template = "cms/includes/axis_blocks.html"
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

    def blocks_context(self, request, context: dict) -> dict:
        """The plans, coordinators, workgroups, best practices, events and news of the axis."""
        from . import selectors

        context["coordinators"] = selectors.axis_coordinators(self.axis)
        context["workgroups"] = selectors.axis_workgroups(self.axis)
        context["best_practices"] = selectors.axis_best_practices(request.user, self.axis)
        context["latest_news"] = list(selectors.latest_news(within=self, axis=self.axis, user=request.user)[:4])
        context["news_index"] = NewsIndexPage.objects.live().child_of(self).first()
        context["plan_progress"] = plan_selectors.published_plans_of(axis=self.axis)
        return contributed_context(self, request, context)  # upcoming_events, past_events, event_index, changes_at


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
        # Only administrators choose the club: it decides who may edit under the page.
        FieldPanel("club", permission="clubs.change_club"),
        FieldPanel("introduction"),
        FieldPanel("common_issues"),
        FieldPanel("how_to_join"),
        FieldPanel("contact_email"),
    ]
    search_fields = Page.search_fields + [index.SearchField("introduction"), index.SearchField("common_issues")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsIndexPage", "events.EventIndexPage", "cms.SurveyResultsPage"]

    class Meta:
        verbose_name = _("business club page")
        verbose_name_plural = _("business club pages")

    def get_context(self, request, *args, **kwargs):
        # THE public page of the club: the clubs app says what the public sees of it.
        context = super().get_context(request, *args, **kwargs)
        context.update(club_selectors.club_public_summary(self.club))
        from . import selectors

        # The club's own news and events, written by its animators (shown once the club has them).
        context["news_index"] = NewsIndexPage.objects.live().child_of(self).first()
        if context["news_index"] is not None:
            context["latest_news"] = list(selectors.latest_news(within=self, user=request.user)[:4])
        context["plan_progress"] = plan_selectors.published_plans_of(club=self.club)
        return contributed_context(self, request, context)  # upcoming_events, event_index


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
    parent_page_types = ["cms.HomePage", "cms.AxisPage", "cms.ClubPage"]
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
        scope = self.scope()
        # The site-wide index filters by axis and by club; an axis's or a club's own index is one already.
        filters = selectors.index_filters(request.GET, user=request.user) if scope["within"] is None else None
        chosen = filters.chosen() if filters else {}
        news = selectors.latest_news(**scope, tag=tag, user=request.user, **chosen)
        context["news_page"] = page_of(request, news, INDEX_PAGE_SIZE)
        context["tag"] = tag
        context["filters"] = filters
        context["query_string"] = query_string({"tag": tag, **(filters.params() if filters else {})})
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
    base_form_class = ScopedPageForm
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

    def get_form(self, *args, **kwargs):
        return add_honeypot(super().get_form(*args, **kwargs))

    def serve(self, request, *args, **kwargs):
        if request.method == "POST" and over_rate(request, "contact"):
            form = self.get_form(request.POST, request.FILES, page=self, user=request.user)
            form.is_valid()
            form.add_error(None, TOO_MANY)
            context = self.get_context(request)
            context["form"] = form
            return TemplateResponse(request, self.get_template(request), context, status=429)
        return super().serve(request, *args, **kwargs)

    def process_form_submission(self, form):
        form.cleaned_data.pop(HONEYPOT_FIELD, None)  # the robots' trap is no part of the message
        # Stored first; the e-mail leaves only once the submission is committed.
        submission = self.get_submission_class().objects.create(form_data=form.cleaned_data, page=self)
        if self.to_address:
            transaction.on_commit(lambda: self.send_mail(form))
        return submission


HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB, for example #0d4254."))


def colour_field(verbose_name, help_text):
    return models.CharField(verbose_name, max_length=7, blank=True, validators=[HEX_COLOUR], help_text=help_text)


class AccessibilityStatus(models.TextChoices):
    """The three levels of the RGAA's compliance statement (French law asks every public site for it)."""

    NONE = "none", _("not compliant")
    PARTIAL = "partial", _("partially compliant")
    FULL = "full", _("fully compliant")


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    """The cluster's own identity, edited in the admin (Settings → Site identity).

    Every field may stay empty: an empty field shows what the portal showed before this setting
    existed (the generic name, the default colours, the PORTAL_PRIVACY_CONTROLLER variable), so a
    site without a row, or with a blank one, looks exactly as it did. Read it through
    `cms.selectors.site_identity`, which caches it per site.
    """

    name = models.CharField(
        _("name"),
        max_length=120,
        blank=True,
        help_text=_(
            "The cluster's name, shown in every page's header and title, the e-mails and the feeds. "
            "Empty: “PTCE portal”."
        ),
    )
    short_name = models.CharField(
        _("short name"),
        max_length=30,
        blank=True,
        help_text=_("Used where room is short, in the phone header. Empty: the name."),
    )
    logo = image_field(
        _("logo"), _("Shown in the header beside the name; its description is not read out, the name is.")
    )
    favicon = image_field(_("favicon"), _("A square image, at least 64 pixels wide."))
    primary_colour = colour_field(
        _("header colour"), _("#RRGGBB, dark enough for white text. Empty: the default blue.")
    )
    accent_colour = colour_field(_("link colour"), _("#RRGGBB, dark enough to read on white. Empty: the default blue."))
    postal_address = models.TextField(_("postal address"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    website_url = models.URLField(_("association's website"), blank=True)
    linkedin_url = models.URLField("LinkedIn", blank=True)
    mastodon_url = models.URLField("Mastodon", blank=True)
    facebook_url = models.URLField("Facebook", blank=True)
    youtube_url = models.URLField("YouTube", blank=True)
    privacy_controller = models.CharField(
        _("data controller"),
        max_length=255,
        blank=True,
        help_text=_(
            "Named in the privacy policy, with its address. "
            "Empty: the PORTAL_PRIVACY_CONTROLLER setting of the server, else the name."
        ),
    )
    legal_notice_page = optional_link("wagtailcore.Page", _("legal notice page"))
    accessibility_page = optional_link("wagtailcore.Page", _("accessibility statement page"))
    contact_page = optional_link(
        "wagtailcore.Page", _("contact page"), _("Empty: the site's first contact page, if any.")
    )
    accessibility_status = models.CharField(
        _("accessibility compliance (RGAA)"),
        max_length=8,
        choices=AccessibilityStatus.choices,
        default=AccessibilityStatus.NONE,
        help_text=_(
            "Shown at the foot of every page, as the accessibility statement says. "
            "Without an audit against the RGAA, the law asks for “not compliant”."
        ),
    )
    accessibility_statement_date = models.DateField(
        _("date of the accessibility statement"),
        null=True,
        blank=True,
        help_text=_("Shown on the statement page, with the contact to report a problem."),
    )
    footer_text = models.TextField(
        _("footer text"),
        blank=True,
        help_text=_(
            "One or two sentences presenting the cluster, at the foot of every page. Empty: the generic sentence."
        ),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("short_name"), FieldPanel("logo"), FieldPanel("favicon")],
            heading=_("Name and logo"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("primary_colour"), FieldPanel("accent_colour")])], heading=_("Colours")
        ),
        MultiFieldPanel(
            [
                FieldPanel("postal_address"),
                FieldPanel("contact_email"),
                FieldPanel("privacy_controller"),
                FieldPanel("footer_text"),
            ],
            heading=_("Contact and legal"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("legal_notice_page"),
                FieldPanel("accessibility_page"),
                FieldRowPanel([FieldPanel("accessibility_status"), FieldPanel("accessibility_statement_date")]),
                FieldPanel("contact_page"),
            ],
            heading=_("Footer menu"),
            help_text=_("Linked from the foot of every page, with the privacy policy."),
        ),
        MultiFieldPanel(
            [
                FieldPanel("website_url"),
                FieldPanel("linkedin_url"),
                FieldPanel("mastodon_url"),
                FieldPanel("facebook_url"),
                FieldPanel("youtube_url"),
            ],
            heading=_("Social links"),
        ),
    ]

    class Meta:
        verbose_name = _("site identity")

    def display_name(self, default: str = "") -> str:
        """The name, else `default`, else the generic name in the current language."""
        return self.name or default or str(_("PTCE portal"))

    def display_short_name(self) -> str:
        return self.short_name or self.display_name()

    def controller(self) -> str:
        return self.privacy_controller or settings.PRIVACY_CONTROLLER or self.display_name(settings.WAGTAIL_SITE_NAME)

    def social_links(self) -> list[tuple[str, str]]:
        links = [
            (_("Website"), self.website_url),
            ("LinkedIn", self.linkedin_url),
            ("Mastodon", self.mastodon_url),
            ("Facebook", self.facebook_url),
            ("YouTube", self.youtube_url),
        ]
        return [(label, url) for label, url in links if url]


# --- Who edits which part of the site -------------------------------------------------------------


class ScopeEditors(models.Model):
    """The Wagtail group and the collection of one axis or one club.

    The group holds the scope's editing rights (add and edit under the axis's or the club's page; add
    and choose images and documents in the collection, and change their own) and its members are the
    people who hold the scope's role (the axis's coordinators, the club's animators). It is kept in step
    by cms.services (`scope_editors_sync`, and `person_editor_groups_sync` at every role change)."""

    scope_kind = models.CharField(_("kind of scope"), max_length=16, choices=ScopeKind.choices)
    scope_id = models.PositiveIntegerField(_("scope"))
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="scope_editors", verbose_name=_("group"))
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collection"),
    )

    class Meta:
        verbose_name = _("editors of an axis or a club")
        verbose_name_plural = _("editors of the axes and clubs")
        constraints = [
            models.UniqueConstraint(fields=["scope_kind", "scope_id"], name="scopeeditors_one_per_scope"),
        ]

    def __str__(self):
        return self.group.name
