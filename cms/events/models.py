"""Events of the public site: the events calendar and event pages (Wagtail), and the registrations.

The pages moved here from `cms` keep their rows: the tables and content types were renamed in place
(migrations 0001 and 0002). Reads go through selectors.py, writes (registration, waiting list,
attendance, follow-up room) through services.py; the page methods below only gather context and
hand requests to views.py.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.forms import ScopedPageForm
from cms.models import INDEX_PAGE_SIZE, INTRO_FEATURES, axis_field, image_field, index_scope
from portal.members.models import Person
from portal.pagination import page_of


class EventIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage", "cms.AxisPage", "cms.ClubPage"]
    subpage_types = ["events.EventPage"]
    max_count_per_parent = 1
    site_section = "events"  # the menu's "Events" (cms.selectors.site_sections)

    class Meta:
        verbose_name = _("events calendar")
        verbose_name_plural = _("events calendars")

    def scope(self) -> dict:
        return index_scope(self)

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        scope = {**self.scope(), "user": request.user}
        context["upcoming_events"] = selectors.upcoming_events(**scope)
        context["past_page"] = page_of(request, selectors.past_events(**scope), INDEX_PAGE_SIZE)
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
    axis = axis_field(_("The thematic axis this event belongs to, if any."))
    summary = models.TextField(_("summary"), max_length=400, help_text=_("One or two sentences, shown on cards."))
    feature_image = image_field()
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
    process = models.ForeignKey(
        "workgroups.ParticipatoryProcess",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participatory process"),
        help_text=_(
            "A breakfast, workshop or assises of a participatory process: a workshop's follow-up room "
            "then belongs to the process, whatever its theme, with or without an axis."
        ),
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
    exchange_session = models.OneToOneField(
        "exchange.ExchangeSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_page",
        verbose_name=_("exchange session"),
        help_text=_("Set when an organiser puts a Bourse d'échanges on the agenda: firms register to it here."),
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("axis")]),
        FieldRowPanel([FieldPanel("action_plan"), FieldPanel("process")]),
        FieldPanel("followup_workgroup", read_only=True),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        MultiFieldPanel([FieldPanel("place"), FieldPanel("address")], heading=_("Place")),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_open")]),
        FieldPanel("summary"),
        FieldPanel("feature_image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("place")]
    base_form_class = ScopedPageForm
    parent_page_types = ["events.EventIndexPage"]
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
        page.exchange_session_id = self.exchange_session_id
        return page

    @property
    def accepts_registrations(self) -> bool:
        if self.exchange_session_id is not None:  # the session's organisers open and close it
            return self.live and self.exchange_session.accepts_firms and self.start > timezone.now()
        return self.live and self.registration_open and self.start > timezone.now()

    @property
    def cache_for_anonymous(self) -> bool:
        # A Bourse's registration opens and closes outside the page's revisions: never a stale copy.
        return self.exchange_session_id is None

    def get_context(self, request, *args, **kwargs):
        from . import permissions, selectors

        context = super().get_context(request, *args, **kwargs)
        context["counts"] = selectors.registration_counts(self)
        context["can_export"] = permissions.can_manage_participation(request.user, self)
        if context["can_export"]:
            context["attendance_xlsx_path"] = self.reverse_subpage("attendance", args=["xlsx"])
            context["attendance_csv_path"] = self.reverse_subpage("attendance", args=["csv"])
        return context

    # Public routes; the views (cms/events/views.py) validate and call cms/events/services.py.

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
