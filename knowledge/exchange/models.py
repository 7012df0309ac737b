"""The Bourse d'échanges: resource sheets, exchange sessions and their seating, interests, synergies.

How clubs run a session (shared/context/004): before the morning each firm files about five offers
("what my company offers") and five needs; on the morning 20 to 30 firms sit at round tables of
five, grouped by zone, with a facilitator and a secretary per table; sheets are announced in timed
rounds (round 1 offers, round 2 needs) and the secretary notes which firms raise YES.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from portal.clubs.models import Club
from portal.members.models import Organisation, Person, Zone


class Direction(models.TextChoices):
    OFFER = "offer", _("Offer")
    NEED = "need", _("Need")


class Category(models.TextChoices):
    MATERIALS = "materials", _("Materials and by-products")
    WASTE = "waste", _("Waste")
    EQUIPMENT = "equipment", _("Equipment")
    PREMISES = "premises", _("Premises and space")
    SKILLS = "skills", _("Skills and staff time")
    LOGISTICS = "logistics", _("Logistics and transport")
    ENERGY = "energy", _("Energy")
    SERVICES = "services", _("Services")


class Frequency(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    RECURRING = "recurring", _("Recurring")


class SheetStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_DISCUSSION = "in_discussion", _("In discussion")
    MATCHED = "matched", _("Matched")
    CLOSED = "closed", _("Closed")


ACTIVE_SHEET_STATUSES = (SheetStatus.OPEN, SheetStatus.IN_DISCUSSION)


class TaggedResourceSheet(TaggedItemBase):
    content_object = models.ForeignKey("ResourceSheet", on_delete=models.CASCADE, related_name="tagged_items")


class ResourceSheet(models.Model):
    """One "what my company offers" or "what my company needs" sheet."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="resource_sheets", verbose_name=_("organisation")
    )
    direction = models.CharField(_("offer or need"), max_length=5, choices=Direction.choices)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(
        _("description"),
        help_text=_(
            "A resource your firm has spare or lacks: by-products, waste, equipment, premises, skills, "
            "transport… Your firm's own commercial offer (what you sell) is not a resource: do not file it here."
        ),
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(
        _("unit"), max_length=40, blank=True, help_text=_("For example: tonnes per month, m², hours.")
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.ONE_OFF)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    zone = models.ForeignKey(
        Zone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resource_sheets",
        verbose_name=_("zone"),
        help_text=_("Where the resource is; by default the zone of your organisation."),
    )
    tags = TaggableManager(_("tags"), through=TaggedResourceSheet, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=SheetStatus.choices, default=SheetStatus.OPEN)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("filed by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("resource sheet")
        verbose_name_plural = _("resource sheets")
        indexes = [models.Index(fields=["direction", "category", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_from__isnull=True)
                | Q(available_until__gte=models.F("available_from")),
                name="resource_sheet_dates_in_order",
                violation_error_message=_("The end of availability cannot be before its start."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="resource_sheet_quantity_positive",
                violation_error_message=_("The quantity cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("exchange:sheet", args=[self.pk])

    @property
    def is_offer(self) -> bool:
        return self.direction == Direction.OFFER


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")


class ExchangeSession(models.Model):
    """One morning of the Bourse d'échanges, organised by a club (or by the cluster itself)."""

    title = models.CharField(_("title"), max_length=160)
    date = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=200, help_text=_("Preferably a room in a member firm."))
    club = models.ForeignKey(
        Club,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_sessions",
        verbose_name=_("club"),
        help_text=_("Leave empty for a session of the cluster itself."),
    )
    rounds = models.PositiveSmallIntegerField(
        _("rounds"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text=_("Odd rounds announce offers, even rounds needs."),
    )
    round_minutes = models.PositiveSmallIntegerField(
        _("minutes per sheet"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    status = models.CharField(_("status"), max_length=8, choices=SessionStatus.choices, default=SessionStatus.PLANNED)
    registrations_open = models.BooleanField(
        _("registrations open"),
        default=True,
        help_text=_("While open, firms register themselves (members from their account, others from the agenda)."),
    )
    cancelled_at = models.DateTimeField(
        _("cancelled"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when its organisers call the morning off: its agenda entry says so."),
    )
    current_round = models.PositiveSmallIntegerField(_("current round"), default=0)
    round_started_at = models.DateTimeField(_("round started"), null=True, blank=True)
    team = models.ManyToManyField(
        Person,
        blank=True,
        related_name="exchange_sessions_as_team",
        verbose_name=_("facilitators and secretaries"),
        help_text=_("The people who run the tables; the seating gives each table a facilitator and a secretary."),
    )
    organisations = models.ManyToManyField(
        Organisation, through="Registration", related_name="exchange_sessions", verbose_name=_("registered firms")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("exchange session")
        verbose_name_plural = _("exchange sessions")

    def __str__(self):
        return f"{self.title} ({self.date:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("exchange:session", args=[self.pk])

    @staticmethod
    def direction_of_round(number: int) -> str:
        return Direction.OFFER if number % 2 == 1 else Direction.NEED

    @property
    def current_direction(self) -> str | None:
        return self.direction_of_round(self.current_round) if self.current_round else None

    @property
    def is_open_for_changes(self) -> bool:
        return self.status != SessionStatus.DONE and self.cancelled_at is None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def accepts_firms(self) -> bool:
        """Firms register themselves (from their account or the public agenda) until the morning."""
        return (
            self.registrations_open
            and self.status == SessionStatus.PLANNED
            and self.cancelled_at is None
            and self.date >= timezone.localdate()
        )


class SessionTable(models.Model):
    session = models.ForeignKey(ExchangeSession, on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveSmallIntegerField(_("table"))
    facilitator = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("facilitator")
    )
    secretary = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("secretary")
    )

    class Meta:
        ordering = ["session", "number"]
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        constraints = [models.UniqueConstraint(fields=["session", "number"], name="exchange_table_number_unique")]

    def __str__(self):
        return _("Table %(number)d") % {"number": self.number}


class Registration(models.Model):
    """A firm registered for a session, and where it sits."""

    session = models.ForeignKey(ExchangeSession, on_delete=models.CASCADE, related_name="registrations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="exchange_registrations", verbose_name=_("firm")
    )
    table = models.ForeignKey(
        SessionTable,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("table"),
    )
    moved_by_hand = models.BooleanField(_("moved by hand"), default=False)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_agreed_at = models.DateTimeField(
        _("contact agreed"),
        null=True,
        blank=True,
        help_text=_("When the firm agreed that its contact appears in the other firms' workbooks."),
    )

    class Meta:
        ordering = ["session", "organisation__name"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "organisation"],
                name="exchange_registration_once",
                violation_error_message=_("This firm is already registered for this session."),
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {self.session}"


class Interest(models.Model):
    """A firm's YES or NO to one sheet, as the table's secretary recorded it."""

    session = models.ForeignKey(ExchangeSession, on_delete=models.CASCADE, related_name="interests")
    round = models.PositiveSmallIntegerField(_("round"))
    sheet = models.ForeignKey(
        ResourceSheet, on_delete=models.CASCADE, related_name="interests", verbose_name=_("sheet")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="exchange_interests", verbose_name=_("firm")
    )
    interested = models.BooleanField(_("interested"))
    table = models.ForeignKey(SessionTable, on_delete=models.SET_NULL, null=True, related_name="interests")
    recorded_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("secretary")
    )
    recorded_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["session", "round", "sheet", "organisation"]
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [
            models.UniqueConstraint(fields=["session", "sheet", "organisation"], name="exchange_interest_once")
        ]
        indexes = [models.Index(fields=["session", "table", "round"])]

    def __str__(self):
        answer = _("yes") if self.interested else _("no")
        return f"{self.organisation} → {self.sheet.title}: {answer}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class WorkbookExport(models.Model):
    """The workbooks of a session, built by a background task; kept in the database, never in public media."""

    session = models.ForeignKey(ExchangeSession, on_delete=models.CASCADE, related_name="exports")
    status = models.CharField(max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    done_count = models.PositiveIntegerField(default=0)
    total_count = models.PositiveIntegerField(default=0)
    organiser_workbook = models.BinaryField(null=True, editable=False)
    archive = models.BinaryField(null=True, editable=False)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"{self.session} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total_count) if self.total_count else 0


class FirmWorkbook(models.Model):
    export = models.ForeignKey(WorkbookExport, on_delete=models.CASCADE, related_name="workbooks")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    content = models.BinaryField(editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["export", "organisation"], name="exchange_one_workbook_per_firm")
        ]

    def __str__(self):
        return f"{self.organisation} — {self.export}"


class SynergyStatus(models.TextChoices):
    """A potential synergy's life after the YES. The stored values of release one are kept ("idea" is
    the YES not yet followed up, "implemented" the synergy done), so existing rows keep their meaning."""

    IDEA = "idea", _("To contact")
    IN_CONTACT = "in_contact", _("In contact")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Done")
    ABANDONED = "abandoned", _("Abandoned")


OPEN_SYNERGY_STATUSES = (SynergyStatus.IDEA, SynergyStatus.IN_CONTACT, SynergyStatus.IN_PROGRESS)


class Synergy(models.Model):
    """A resource that actually goes (or may go) from a provider to a beneficiary."""

    offer = models.ForeignKey(
        ResourceSheet, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("offer")
    )
    need = models.ForeignKey(
        ResourceSheet, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("need")
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="synergies_as_provider", verbose_name=_("provider")
    )
    beneficiary = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="synergies_as_beneficiary", verbose_name=_("beneficiary")
    )
    club = models.ForeignKey(
        Club, on_delete=models.SET_NULL, null=True, blank=True, related_name="synergies", verbose_name=_("club")
    )
    session = models.ForeignKey(
        ExchangeSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="synergies"
    )
    interest = models.OneToOneField(Interest, on_delete=models.SET_NULL, null=True, blank=True, related_name="synergy")
    status = models.CharField(_("status"), max_length=12, choices=SynergyStatus.choices, default=SynergyStatus.IDEA)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    tonnes_per_year = models.DecimalField(
        _("tonnes diverted per year (estimate)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    euros_per_year = models.DecimalField(
        _("euros saved per year (estimate)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    jobs = models.PositiveSmallIntegerField(_("jobs created or kept"), null=True, blank=True)
    abandon_reason = models.CharField(_("reason for abandoning"), max_length=300, blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_on = models.DateField(_("next step on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["session", "status"])]
        verbose_name = _("synergy")
        verbose_name_plural = _("synergies")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="implemented") | Q(implemented_on__isnull=False),
                name="synergy_implemented_has_date",
                violation_error_message=_("An implemented synergy needs its implementation date."),
            ),
            models.CheckConstraint(
                condition=~Q(provider=models.F("beneficiary")),
                name="synergy_between_two_firms",
                violation_error_message=_("The provider and the beneficiary must be two different firms."),
            ),
        ]

    def __str__(self):
        sheet = self.offer or self.need
        return f"{self.provider} → {self.beneficiary}" + (f" : {sheet.title}" if sheet else "")


class SynergyNote(models.Model):
    """A dated note of the follow-up (a call, a visit, a quote received)."""

    synergy = models.ForeignKey(Synergy, on_delete=models.CASCADE, related_name="follow_up_notes")
    written_on = models.DateField(_("date"))
    text = models.TextField(_("note"), max_length=2000)
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-pk"]
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")

    def __str__(self):
        return f"{self.written_on:%d/%m/%Y} — {self.synergy}"


class SuggestionDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class MatchSuggestion(models.Model):
    """An offer and a need of two firms, same category: confirmed (it becomes a potential synergy) or
    dismissed, by either firm through its link or by an organiser; once decided, no longer suggested."""

    offer = models.ForeignKey(ResourceSheet, on_delete=models.CASCADE, related_name="+", verbose_name=_("offer"))
    need = models.ForeignKey(ResourceSheet, on_delete=models.CASCADE, related_name="+", verbose_name=_("need"))
    decision = models.CharField(_("decision"), max_length=9, choices=SuggestionDecision.choices)
    decided_by_firm = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("firm")
    )
    decided_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)
    synergy = models.OneToOneField(Synergy, on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestion")

    class Meta:
        verbose_name = _("matching suggestion")
        verbose_name_plural = _("matching suggestions")
        constraints = [models.UniqueConstraint(fields=["offer", "need"], name="exchange_suggestion_once")]

    def __str__(self):
        return f"{self.offer} ↔ {self.need}"


class ExchangeObjective(models.Model):
    """The yearly targets of a club (or of the cluster when no club)."""

    club = models.ForeignKey(
        Club,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exchange_objectives",
        verbose_name=_("club"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    sessions_planned = models.PositiveSmallIntegerField(_("sessions planned"), default=1)
    synergies_planned = models.PositiveSmallIntegerField(_("synergies planned"), default=5)

    class Meta:
        ordering = ["club", "year"]
        verbose_name = _("yearly objective")
        verbose_name_plural = _("yearly objectives")
        constraints = [
            models.UniqueConstraint(
                fields=["club", "year"],
                name="exchange_objective_once_per_year",
                violation_error_message=_("This club already has objectives for this year."),
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(club__isnull=True),
                name="exchange_cluster_objective_once_per_year",
                violation_error_message=_("The cluster already has objectives for this year."),
            ),
        ]

    def __str__(self):
        return f"{self.club or _('Cluster')} {self.year}"


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class SatisfactionResponse(models.Model):
    session = models.ForeignKey(ExchangeSession, on_delete=models.CASCADE, related_name="satisfaction_responses")
    respondent = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("respondent"),
        help_text=_("Empty when the firm answered through its link, or on paper."),
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, related_name="+")
    entered_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("typed in by"),
        help_text=_("The organiser who typed in a questionnaire answered on paper."),
    )
    logistics = models.PositiveSmallIntegerField(_("logistics"), choices=SCORE_CHOICES)
    method = models.PositiveSmallIntegerField(_("exchange method"), choices=SCORE_CHOICES)
    atmosphere = models.PositiveSmallIntegerField(_("atmosphere"), choices=SCORE_CHOICES)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        ordering = ["session", "-created_at"]
        verbose_name = _("satisfaction response")
        verbose_name_plural = _("satisfaction responses")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "respondent"],
                name="exchange_satisfaction_once",
                violation_error_message=_("You have already answered the questionnaire of this session."),
            ),
            models.UniqueConstraint(
                fields=["session", "organisation"],
                condition=Q(respondent__isnull=True),
                name="exchange_satisfaction_once_per_firm_without_account",
                violation_error_message=_("Your firm has already answered the questionnaire of this session."),
            ),
            models.CheckConstraint(
                condition=Q(logistics__range=(1, 5)) & Q(method__range=(1, 5)) & Q(atmosphere__range=(1, 5)),
                name="exchange_satisfaction_scores_1_5",
            ),
        ]

    def __str__(self):
        return f"{self.respondent or self.organisation} — {self.session}"


class ParticipationLink(models.Model):
    """The link a registered firm uses, without an account, to file its sheets and fetch its workbook.

    Only the token's SHA-256 is kept: a lost link is replaced (re-sent or printed anew), never shown
    again. It opens until the end of the session's follow-up period (EXCHANGE_LINK_FOLLOW_UP_DAYS
    after the morning) unless an organiser revokes it."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="link", verbose_name=_("registration")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField(_("issued"))
    sent_to = models.EmailField(_("sent to"), blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("participation link")
        verbose_name_plural = _("participation links")

    def __str__(self):
        return str(self.registration)
