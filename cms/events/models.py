"""Events of the public site: the events calendar and event pages (Wagtail), and the registrations.

The pages moved here from `cms` keep their rows: the tables and content types were renamed in place
(migrations 0001 and 0002). Reads go through selectors.py, writes (registration, waiting list,
attendance, follow-up room) through services.py; the page methods below only gather context and
hand requests to views.py.
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.forms import ScopedPageForm
from cms.models import INDEX_PAGE_SIZE, INTRO_FEATURES, axis_field, image_field, index_scope
from portal.members.models import Person
from portal.pagination import page_of, query_string


class EventIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage", "cms.AxisPage", "cms.ClubPage"]
    subpage_types = ["events.EventPage", "events.EventSeriesPage"]
    max_count_per_parent = 1
    site_section = "events"  # the menu's "Events" (cms.selectors.site_sections)

    class Meta:
        verbose_name = _("events calendar")
        verbose_name_plural = _("events calendars")

    def scope(self) -> dict:
        return index_scope(self)

    def get_context(self, request, *args, **kwargs):
        from cms import selectors as cms_selectors

        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        scope = {**self.scope(), "user": request.user}
        # The site-wide agenda filters by axis and by club; an axis's or a club's own agenda is one already.
        filters = cms_selectors.index_filters(request.GET, user=request.user) if scope["within"] is None else None
        if filters is not None:
            scope.update(filters.chosen())
        context["upcoming_events"] = selectors.upcoming_events(**scope)
        context["past_page"] = page_of(request, selectors.past_events(**scope), INDEX_PAGE_SIZE)
        context["filters"] = filters
        context["query_string"] = query_string(filters.params()) if filters else ""
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
    # An occurrence of a series (its parent page): the date the rule gave it, kept when it is moved.
    series = models.ForeignKey(
        "events.EventSeriesPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="occurrences",
        editable=False,
        verbose_name=_("series"),
    )
    occurrence_date = models.DateField(_("date in the series"), null=True, blank=True, editable=False)
    moved_from = models.DateTimeField(_("first planned start"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
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
        InlinePanel(
            "sessions",
            heading=pgettext_lazy("event programme", "Sessions"),
            label=pgettext_lazy("event programme", "Session"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("place")]
    base_form_class = ScopedPageForm
    parent_page_types = ["events.EventIndexPage", "events.EventSeriesPage"]
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
        # Likewise a series' link, a cancellation and a move come from the site (services.py).
        page.series_id, page.occurrence_date = self.series_id, self.occurrence_date
        page.cancelled_at, page.moved_from = self.cancelled_at, self.moved_from
        page.exchange_session_id = self.exchange_session_id
        return page

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def accepts_registrations(self) -> bool:
        if self.is_cancelled:
            return False
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

    @path("annuler-la-date/", name="cancel_date")
    def cancel_date_view(self, request):
        from . import views

        return views.event_cancel_date(request, self)

    @path("deplacer/", name="move")
    def move_view(self, request):
        from . import views

        return views.event_move(request, self)

    @path("badges/", name="badges")
    def badges_view(self, request):
        from . import views

        return views.event_badges(request, self)

    @path("accueil/", name="check_in")
    def check_in_view(self, request):
        from . import views

        return views.event_check_in(request, self)

    @path("avis/<str:token>/", name="feedback")
    def feedback_view(self, request, token):
        from . import views

        return views.event_feedback(request, self, token)

    @path("avis-des-participants/", name="feedback_summary")
    def feedback_summary_view(self, request):
        from . import views

        return views.event_feedback_summary(request, self)

    @path("emargement/<str:file_format>/", name="attendance")
    def attendance_view(self, request, file_format):
        from . import views

        return views.event_attendance_export(request, self, file_format)


class EventSession(Orderable):
    """One session of a large event's programme: a talk, a workshop, a round table."""

    event = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    room = models.CharField(_("room"), max_length=100, blank=True)
    speakers = models.CharField(_("speakers"), max_length=300, blank=True, help_text=_("Names, separated by commas."))

    panels = [
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at"), FieldPanel("room")]),
        FieldPanel("title"),
        FieldPanel("speakers"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return self.title


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Every month")
    WEEKLY = "weekly", _("Every week")


class Weekday(models.IntegerChoices):  # dateutil's numbering: Monday is 0
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("first")
    SECOND = 2, _("second")
    THIRD = 3, _("third")
    FOURTH = 4, _("fourth")
    LAST = -1, _("last")


class EventSeriesPage(Page):
    """A recurring event (the first Thursday of each month, say): its occurrences are event pages under
    it, created and kept in step by services.series_sync when the series is published. Each occurrence
    has its own registrations and attendance; the agenda, the feeds and the iCal list the occurrences."""

    kind = models.CharField(_("kind of event"), max_length=20, choices=EventKind.choices)
    axis = axis_field(_("The thematic axis these events belong to, if any."))
    frequency = models.CharField(_("repeats"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    interval = models.PositiveSmallIntegerField(
        _("every"), default=1, help_text=_("1: every month (or week), 2: every other one…")
    )
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    week_of_month = models.SmallIntegerField(
        _("week of the month"),
        choices=WeekOfMonth.choices,
        default=WeekOfMonth.FIRST,
        help_text=_("For a monthly series: the first Thursday, the last Friday…"),
    )
    first_date = models.DateField(_("from"), help_text=_("No occurrence before this date."))
    until = models.DateField(_("until"), help_text=_("The end of the series: no occurrence after this date."))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    place = models.CharField(_("place"), max_length=200)
    address = models.CharField(_("address"), max_length=255, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Places at each occurrence. Leave empty for no limit.")
    )
    registration_open = models.BooleanField(_("online registration open"), default=True)
    summary = models.TextField(_("summary"), max_length=400, help_text=_("One or two sentences, shown on cards."))
    feature_image = image_field()
    body = StreamField(BodyBlock(), verbose_name=_("programme"), blank=True)
    reschedule_registered = models.BooleanField(
        _("also change the dates that have registrations"),
        default=False,
        help_text=_(
            "Unticked, a change of the series leaves alone the coming dates that already have registrations. "
            "Ticked, they follow the series too: a date that no longer exists is cancelled and its "
            "registrants are told by e-mail."
        ),
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("axis")]),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("frequency"), FieldPanel("interval")]),
                FieldRowPanel([FieldPanel("week_of_month"), FieldPanel("weekday")]),
                FieldRowPanel([FieldPanel("first_date"), FieldPanel("until")]),
                FieldRowPanel([FieldPanel("start_time"), FieldPanel("end_time")]),
                InlinePanel("skipped_dates", label=_("Dates skipped")),
                FieldPanel("reschedule_registered"),
            ],
            heading=_("Recurrence"),
        ),
        MultiFieldPanel([FieldPanel("place"), FieldPanel("address")], heading=_("Place")),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_open")]),
        FieldPanel("summary"),
        FieldPanel("feature_image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    base_form_class = ScopedPageForm
    parent_page_types = ["events.EventIndexPage"]
    subpage_types = ["events.EventPage"]

    class Meta:
        verbose_name = _("recurring event")
        verbose_name_plural = _("recurring events")

    def clean(self):
        super().clean()
        if self.first_date and self.until and self.until < self.first_date:
            raise ValidationError({"until": _("The end of the series must come after its start.")})
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The end must be after the start.")})

    def dates(self) -> list[datetime.date]:
        """Every date of the rule from `first_date` to `until`, less the dates skipped."""
        from dateutil import rrule

        weekday = rrule.weekday(self.weekday)
        if self.frequency == Frequency.MONTHLY:
            rule = rrule.rrule(
                rrule.MONTHLY,
                interval=self.interval or 1,
                byweekday=weekday(self.week_of_month),
                dtstart=self.first_date,
                until=self.until,
            )
        else:
            rule = rrule.rrule(
                rrule.WEEKLY, interval=self.interval or 1, byweekday=weekday, dtstart=self.first_date, until=self.until
            )
        skipped = {row.date for row in self.skipped_dates.all()}
        return [moment.date() for moment in rule if moment.date() not in skipped]

    def rule_text(self) -> str:
        """The rule in words: "The first Thursday of every month", "Every Tuesday"."""
        weekday = Weekday(self.weekday).label
        if self.frequency == Frequency.WEEKLY:
            if self.interval > 1:
                return _("Every %(interval)s weeks on %(weekday)s") % {"interval": self.interval, "weekday": weekday}
            return _("Every %(weekday)s") % {"weekday": weekday}
        week = WeekOfMonth(self.week_of_month).label
        if self.interval > 1:
            return _("The %(week)s %(weekday)s, every %(interval)s months") % {
                "week": week, "weekday": weekday, "interval": self.interval,
            }  # fmt: skip
        return _("The %(week)s %(weekday)s of every month") % {"week": week, "weekday": weekday}

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["occurrences"] = selectors.series_occurrences(self, user=request.user)
        return context


class EventSeriesSkippedDate(Orderable):
    series = ParentalKey(EventSeriesPage, on_delete=models.CASCADE, related_name="skipped_dates")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True, help_text=_("For example: summer holidays."))

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("reason")])]

    class Meta(Orderable.Meta):
        verbose_name = _("date skipped")
        verbose_name_plural = _("dates skipped")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


# Badge codes: no 0/O, 1/I/L, so that a code typed from a badge is read right.
BADGE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
BADGE_CODE_LENGTH = 8


def new_badge_code() -> str:
    return "".join(secrets.choice(BADGE_ALPHABET) for _ in range(BADGE_CODE_LENGTH))


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
    # The directory's organisation the registrant comes from: a member's own, or the one the typed
    # name (or SIRET) matches; a prospect's file then logs the registration and the attendance.
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("organisation of the directory"),
    )
    email = models.EmailField(_("e-mail"))
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    # Only the SHA-256 of the cancellation token is kept: the token itself is in the e-mail.
    cancel_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("moved from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    attended = models.BooleanField(_("present"), null=True, blank=True, help_text=_("Recorded after the event."))
    # Printed on the badge (with its QR code): staff scan or type it at the door to record who came.
    badge_code = models.CharField(_("badge code"), max_length=12, default=new_badge_code, editable=False)

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
            models.UniqueConstraint(fields=["event", "badge_code"], name="event_registration_one_badge_code"),
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"], name="event_registration_queue")]

    def __str__(self):
        return f"{self.name} — {self.event.title} ({self.get_status_display()})"


SCORES = [(score, str(score)) for score in range(1, 6)]


class EventFeedback(models.Model):
    """A participant's answer to the satisfaction questionnaire sent after the event (one each)."""

    registration = models.OneToOneField(
        EventRegistration, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("registration")
    )
    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("event"))
    satisfaction = models.PositiveSmallIntegerField(_("overall satisfaction"), choices=SCORES)
    usefulness = models.PositiveSmallIntegerField(_("useful for your organisation"), choices=SCORES)
    would_return = models.BooleanField(_("would come again"))
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        ordering = ["event", "created_at", "pk"]
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")

    def __str__(self):
        return f"{self.event.title}: {self.satisfaction}/5"
