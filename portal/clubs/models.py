"""Business clubs: each gathers the firms of a zone, goes through four stages, has a board, may
merge; and the organisers' tools around them: growth targets, prospects, firm imports, needs surveys.

The tables were first created by the members app (migrations/0001_initial.py says how they moved).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from portal.members.models import HeadcountBand, Organisation, OrganisationKind, Person, Zone
from portal.members.validators import validate_naf, validate_siret


class ClubStage(models.TextChoices):
    """The four stages of a club, from the first meeting to autonomy (about three years)."""

    EMERGENCE = "emergence", _("Emergence: raising the interest to group")
    NEEDS_COLLECTED = "needs_collected", _("Needs collected")
    COMMON_ACTIONS = "common_actions", _("Common actions chosen")
    AUTONOMOUS = "autonomous", _("Autonomous")


CLUB_STAGE_ORDER = [stage.value for stage in ClubStage]


class Club(models.Model):
    """A business club gathering the firms of one zone."""

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="clubs", verbose_name=_("zone"))
    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    founded = models.DateField(_("founded"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=ClubStage.choices, default=ClubStage.EMERGENCE)
    stage_since = models.DateField(_("stage since"), default=timezone.localdate)
    other_zones = models.ManyToManyField(
        Zone,
        blank=True,
        related_name="clubs_also_covering",
        verbose_name=_("other zones covered"),
        help_text=_("Business parks the club covers besides its main zone (after a merger, for example)."),
    )
    # A merged club keeps its row, so nothing pointing at it is lost and its old address redirects.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="absorbed_clubs",
        verbose_name=_("merged into"),
    )
    merged_on = models.DateField(_("merged on"), null=True, blank=True)
    # The path to autonomy (#20): who accompanies the club there, and when it should run itself.
    accompanied_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accompanied_clubs",
        verbose_name=_("accompanying person"),
    )
    autonomy_planned_on = models.DateField(_("autonomy planned on"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("club")
        verbose_name_plural = _("clubs")
        constraints = [
            models.CheckConstraint(condition=~Q(merged_into=F("pk")), name="club_not_merged_into_itself"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    @property
    def stage_number(self) -> int:
        """1 to 4, for "stage 2 of 4"."""
        return CLUB_STAGE_ORDER.index(self.stage) + 1


# --- Club life cycle --------------------------------------------------------------------------


def initial_stage_limit() -> int:
    """What the cluster set before the limit was a setting: the PORTAL_CLUB_STAGE_MAX_MONTHS variable
    (12 when unset) becomes the setting's first value, so nobody's warnings change on upgrade."""
    return settings.PORTAL_CLUB_STAGE_MAX_MONTHS


@register_setting(icon="time")
class ClubSettings(BaseGenericSetting):
    """The cluster's pace for its clubs, changed by its administrators without a deploy (Settings →
    Clubs). Read through portal.clubs.selectors.stage_limit."""

    stage_max_months = models.PositiveSmallIntegerField(
        _("months in one stage before a warning"),
        default=initial_stage_limit,
        validators=[MaxValueValidator(120)],
        help_text=_(
            "A club that stays longer in one stage (emergence, needs collected, common actions) is pointed "
            "out to its animators. 0: no warning."
        ),
    )

    class Meta:
        verbose_name = _("clubs")
        verbose_name_plural = _("clubs")


class ClubStageChange(models.Model):
    """One step of a club's history: the stage it reached and when (a merger is recorded here too)."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="stage_changes", verbose_name=_("club"))
    stage = models.CharField(_("stage"), max_length=20, choices=ClubStage.choices)
    changed_on = models.DateField(_("date"), default=timezone.localdate)
    # The club's name when this happened: history moved by a merger still says whose step it was.
    club_name = models.CharField(_("club at the time"), max_length=150)
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["club", "changed_on", "created_at"]
        verbose_name = _("club stage change")
        verbose_name_plural = _("club stage changes")

    def __str__(self):
        return f"{self.club_name}: {self.get_stage_display()} ({self.changed_on})"


class Milestone(models.TextChoices):
    """The checklist of the path to autonomy: what a club does at each stage before moving on."""

    FIRST_MEETING = "first_meeting", _("First meeting of the firms held")
    NEEDS_COLLECTED = "needs_collected", _("Needs collected")
    COMMON_ACTIONS = "common_actions", _("Common actions chosen")
    BOARD_ELECTED = "board_elected", _("Board elected")
    STATUTES = "statutes", _("Statutes adopted")
    FEES_COLLECTED = "fees_collected", _("Membership fees collected")
    OWN_BUDGET = "own_budget", _("Own budget voted")


# The stage at which each milestone is worked on (the club leaves the stage when they are done).
MILESTONES_OF_STAGE = {
    ClubStage.EMERGENCE: [Milestone.FIRST_MEETING, Milestone.NEEDS_COLLECTED],
    ClubStage.NEEDS_COLLECTED: [Milestone.COMMON_ACTIONS],
    ClubStage.COMMON_ACTIONS: [Milestone.BOARD_ELECTED, Milestone.STATUTES, Milestone.FEES_COLLECTED,
                               Milestone.OWN_BUDGET],
    ClubStage.AUTONOMOUS: [],
}  # fmt: skip


class ClubMilestone(models.Model):
    """One item of a club's checklist to autonomy, ticked with the date it was done."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("club"))
    milestone = models.CharField(_("step"), max_length=20, choices=Milestone.choices)
    done_on = models.DateField(_("done on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["club", "done_on"]
        verbose_name = _("club milestone")
        verbose_name_plural = _("club milestones")
        constraints = [models.UniqueConstraint(fields=["club", "milestone"], name="club_milestone_once")]

    def __str__(self):
        return f"{self.club}: {self.get_milestone_display()} ({self.done_on})"


class BoardPosition(models.TextChoices):
    PRESIDENT = "president", _("President")
    VICE_PRESIDENT = "vice_president", _("Vice-president")
    TREASURER = "treasurer", _("Treasurer")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Board member")


class ClubBoardMember(models.Model):
    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="board", verbose_name=_("club"))
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="club_board_seats", verbose_name=_("person")
    )
    position = models.CharField(_("position"), max_length=16, choices=BoardPosition.choices)
    since = models.DateField(_("since"), default=timezone.localdate)

    class Meta:
        ordering = ["club", "position", "since"]
        verbose_name = _("board member")
        verbose_name_plural = _("board members")

    def __str__(self):
        return f"{self.person} — {self.get_position_display()} ({self.club})"


# --- Membership growth and prospects ----------------------------------------------------------


class GrowthTarget(models.Model):
    """How many member firms a zone, or a club, aims for by the end of a year (e.g. 80 of 300)."""

    zone = models.ForeignKey(
        Zone,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="growth_targets",
        verbose_name=_("zone"),
    )
    club = models.ForeignKey(
        Club,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="growth_targets",
        verbose_name=_("club"),
        help_text=_("A target is either a zone's or a club's: fill in one of the two."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    target_members = models.PositiveIntegerField(_("target number of members"))

    class Meta:
        ordering = ["zone", "club", "-year"]
        verbose_name = _("growth target")
        verbose_name_plural = _("growth targets")
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "year"],
                name="growth_target_one_per_zone_and_year",
                violation_error_message=_("This zone already has a target for this year."),
            ),
            models.UniqueConstraint(
                fields=["club", "year"],
                name="growth_target_one_per_club_and_year",
                violation_error_message=_("This club already has a target for this year."),
            ),
            models.CheckConstraint(
                condition=Q(zone__isnull=False, club__isnull=True) | Q(zone__isnull=True, club__isnull=False),
                name="growth_target_of_a_zone_or_a_club",
                violation_error_message=_("A target is either a zone's or a club's: fill in one of the two."),
            ),
        ]

    def __str__(self):
        return f"{self.zone or self.club} {self.year}: {self.target_members}"


class ContactStatus(models.TextChoices):
    """Steps of bringing a firm in: one e-mail is not enough, calls and visits follow."""

    INVITED = "invited", _("Invited")
    CALLED = "called", _("Called")
    VISITED = "visited", _("Visited")
    JOINED = "joined", _("Joined")
    DECLINED = "declined", _("Not interested")


class ActionKind(models.TextChoices):
    """How an animator reaches a firm: the next action planned, and the kind of a contact logged."""

    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")


class ContactKind(models.TextChoices):
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    EVENT = "event", _("Event")


class ContactOutcome(models.TextChoices):
    """What came of a call or a visit."""

    REACHED = "reached", _("Spoke with the right person")
    NO_ANSWER = "no_answer", _("No answer")
    MESSAGE_LEFT = "message_left", _("Message left")
    CALL_BACK = "call_back", _("Asked to be called back")
    WRONG_CONTACT = "wrong_contact", _("Wrong number or address")


class ProspectFile(models.Model):
    """The animator's file on a prospect firm: who follows it and what is to be done next, by when.
    What was done and said is its log (ProspectContact)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="prospect_file", verbose_name=_("organisation")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prospect_files",
        verbose_name=_("followed by"),
    )
    next_action = models.CharField(_("next action"), max_length=10, choices=ActionKind.choices, blank=True)
    next_action_due = models.DateField(_("due on"), null=True, blank=True)
    # The latest contact of the log, that is the firm's status: the prospect list, its filter by status
    # and its counts read it here, one row a firm, instead of sorting the zone's log on every page (#22).
    # Only services.prospect_latest_refresh writes it, after every write to the log.
    latest_contact = models.OneToOneField(
        "ProspectContact", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+",
        verbose_name=_("latest contact"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["next_action_due", "organisation__name"]
        verbose_name = _("prospect file")
        verbose_name_plural = _("prospect files")
        indexes = [models.Index(fields=["assigned_to", "next_action_due"], name="prospect_file_agenda")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(next_action="") & Q(next_action_due__isnull=True))
                | (~Q(next_action="") & Q(next_action_due__isnull=False)),
                name="prospect_file_action_has_due_date",
                violation_error_message=_("A next action needs a due date, and a due date an action."),
            )
        ]

    def __str__(self):
        return str(self.organisation)


class ProspectContact(models.Model):
    """One contact with a firm that is not a member yet; the latest one is its current status.
    Together they are the prospect's dated log: who, when, how (kind), what came of it, the note."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="prospect_contacts", verbose_name=_("organisation")
    )
    status = models.CharField(_("contact status"), max_length=10, choices=ContactStatus.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=ContactOutcome.choices, blank=True)
    contacted_on = models.DateField(_("date"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-contacted_on", "-created_at"]
        verbose_name = _("prospect contact")
        verbose_name_plural = _("prospect contacts")
        indexes = [models.Index(fields=["organisation", "-contacted_on", "-created_at"], name="prospect_latest")]

    def __str__(self):
        return f"{self.organisation}: {self.get_status_display()} ({self.contacted_on})"


class ObjectionSource(models.TextChoices):
    LINK = "link", _("One-click link of an e-mail")
    TOLD = "told", _("Told the cluster (call, visit, letter, e-mail)")


class ProspectingObjection(models.Model):
    """An address, or a whole firm, that objected to the cluster's business-to-business prospecting
    (RGPD art. 21): no letter, campaign invitation, reminder or survey link is written to it again.
    Kept as long as the objection must hold; only what is needed to honour it."""

    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="prospecting_objections",
        verbose_name=_("organisation"),
    )
    source = models.CharField(_("how"), max_length=8, choices=ObjectionSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("objection to prospecting")
        verbose_name_plural = _("objections to prospecting")
        constraints = [
            models.UniqueConstraint(fields=["email"], condition=~Q(email=""), name="objection_once_per_address"),
            models.UniqueConstraint(fields=["organisation"], condition=Q(email=""), name="objection_once_per_firm"),
            models.CheckConstraint(
                condition=~Q(email="") | Q(organisation__isnull=False), name="objection_names_address_or_firm"
            ),
        ]

    def __str__(self):
        return self.email or str(self.organisation)


# --- Import of a zone's firms -----------------------------------------------------------------


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("Import nothing if a line has an error")
    GOOD_ROWS_ONLY = "good_rows_only", _("Import the correct lines only")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Imported")
    REFUSED = "refused", _("Nothing imported: errors in the file")
    FAILED = "failed", _("Failed")


class FirmImport(models.Model):
    """A spreadsheet of a zone's firms, checked and imported by a background task."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="firm_imports", verbose_name=_("zone"))
    filename = models.CharField(_("file"), max_length=255)
    content = models.BinaryField(editable=False)
    mode = models.CharField(_("mode"), max_length=16, choices=ImportMode.choices, default=ImportMode.ALL_OR_NOTHING)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(_("lines"), default=0)
    processed_rows = models.PositiveIntegerField(_("lines checked"), default=0)
    created_count = models.PositiveIntegerField(_("firms created"), default=0)
    # [{"line": 12, "errors": ["…", "…"]}, …] in the file's own line numbers (header = line 1).
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # An extract of the business register (SIRENE) only: the lines left out and counted, and the zone's
    # firms established (firm_files.Check.summary). Empty for a spreadsheet.
    register_summary = models.JSONField(_("business register summary"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("firm import")
        verbose_name_plural = _("firm imports")

    def __str__(self):
        return f"{self.filename} → {self.zone}"

    @property
    def is_finished(self) -> bool:
        return self.status in {ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED}

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


# --- Needs surveys ----------------------------------------------------------------------------


class CommonProblem(models.TextChoices):
    """The problems firms of a business park most often share."""

    SIGNAGE = "signage", _("Signage")
    WASTE = "waste", _("Waste collection")
    CATERING = "catering", _("Catering")
    MAILBOX = "mailbox", _("Mailbox and post")
    TRAFFIC = "traffic", _("Traffic and parking")
    SECURITY = "security", _("Security")
    ENERGY = "energy", _("Energy")
    RECRUITMENT = "recruitment", _("Recruitment")
    MOBILITY = "mobility", _("Staff mobility")


class Importance(models.IntegerChoices):
    MINOR = 1, _("A minor concern")
    IMPORTANT = 2, _("An important problem")
    URGENT = 3, _("An urgent problem")


class Survey(models.Model):
    """A needs survey of the firms of a club's zone, or of the whole cluster."""

    title = models.CharField(_("title"), max_length=200)
    club = models.ForeignKey(
        Club,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("club"),
        help_text=_("Leave empty for a survey of the whole cluster."),
    )
    introduction = models.TextField(_("introduction"), blank=True)
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closes_on = models.DateField(_("closes on"), help_text=_("Links stop working after this day."))
    results_public = models.BooleanField(
        _("results public"), default=False, help_text=_("Show the aggregated results (no firm names) on the site.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("needs survey")
        verbose_name_plural = _("needs surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opened_on")),
                name="survey_closes_after_opening",
                violation_error_message=_("A survey cannot close before it opens."),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.opened_on <= timezone.localdate() <= self.closes_on


class SurveyInvitation(models.Model):
    """One firm's invitation to a survey; its link carries a signed token naming this row."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("survey"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="survey_invitations", verbose_name=_("organisation")
    )
    # Random, never shown: part of the signed token, so a link cannot be forged from the row id.
    nonce = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("link e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["survey", "organisation__name"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(fields=["survey", "organisation"], name="survey_invitation_one_per_firm")
        ]

    def __str__(self):
        return f"{self.organisation} — {self.survey}"


class SurveyResponse(models.Model):
    """A firm's answer: one per invitation, whatever happens (the database refuses a second)."""

    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.CASCADE, related_name="response", verbose_name=_("invitation")
    )
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey"))
    free_text = models.TextField(_("other needs or remarks"), blank=True, max_length=3000)
    respondent_name = models.CharField(_("your name"), max_length=150, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self):
        return f"{self.invitation}"


class SurveyAnswer(models.Model):
    """One problem a responding firm says it has, with how much it matters and a comment."""

    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers", verbose_name=_("survey"))
    problem = models.CharField(_("problem"), max_length=16, choices=CommonProblem.choices)
    importance = models.PositiveSmallIntegerField(_("importance"), choices=Importance.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["response", "problem"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [models.UniqueConstraint(fields=["response", "problem"], name="survey_answer_one_per_problem")]
        indexes = [models.Index(fields=["survey", "problem"], name="survey_answer_by_problem")]

    def __str__(self):
        return f"{self.response}: {self.get_problem_display()}"


# --- Campaigns --------------------------------------------------------------------------------


class CampaignKind(models.TextChoices):
    PHONING = "phoning", _("Phoning")
    MAILING = "mailing", _("Mailing")


class CampaignResult(models.TextChoices):
    """Where a firm of a campaign stands: the funnel reads called → interested → joined."""

    PENDING = "pending", _("To contact")
    CALLED = "called", _("Contacted")
    INTERESTED = "interested", _("Interested")
    NOT_INTERESTED = "not_interested", _("Not interested")
    JOINED = "joined", _("Joined")


class InvitationKind(models.TextChoices):
    """What a campaign may invite its firms to (portal.clubs.invitations says what each one is)."""

    EVENT = "event", _("An event of the agenda")
    SESSION = "session", _("A Bourse d'échanges session")
    SURVEY = "survey", _("A needs survey")


class Campaign(models.Model):
    """A club's push towards the prospects of a zone it covers: a round of calls or of letters and
    e-mails, its firms shared out among the club's animators. It may invite them to one thing (an
    event, a Bourse session, a needs survey) by a personal link, reminding those who did not act."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="campaigns", verbose_name=_("club"))
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="campaigns", verbose_name=_("zone"))
    title = models.CharField(_("title"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=CampaignKind.choices, default=CampaignKind.PHONING)
    goal = models.CharField(_("goal"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    # The invitation: a kind and the id of the thing in its app (the clubs do not import the agenda or
    # the Bourse: those apps register what their kinds mean in portal.clubs.invitations).
    invite_kind = models.CharField(_("invitation to"), max_length=10, choices=InvitationKind.choices, blank=True)
    invite_id = models.PositiveIntegerField(_("invited to"), null=True, blank=True)
    reminder_days = models.CharField(
        _("reminders (days after the sending)"),
        max_length=40,
        blank=True,
        default="7,14",
        help_text=_("For example 7, 14: a reminder a week after the invitation, another a week later."),
    )
    reminder_max = models.PositiveSmallIntegerField(
        _("reminders at most"), default=2, validators=[MaxValueValidator(5)]
    )
    invitations_sent_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.title

    @property
    def reminder_day_list(self) -> list[int]:
        return sorted({int(day) for day in self.reminder_days.replace(";", ",").split(",") if day.strip().isdigit()})


class CampaignTarget(models.Model):
    """One firm of a campaign, the animator who contacts it, and where it stands."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets", verbose_name=_("campaign"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="campaign_targets", verbose_name=_("organisation")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_targets",
        verbose_name=_("contacted by"),
    )
    result = models.CharField(
        _("result"), max_length=16, choices=CampaignResult.choices, default=CampaignResult.PENDING
    )
    # The invitation's funnel: e-mailed, link opened, registered or answered (through the link or by
    # the firm itself), and the reminders (never two the same day).
    nonce = models.CharField(max_length=32, blank=True, editable=False)
    invited_at = models.DateTimeField(_("invitation e-mailed"), null=True, blank=True)
    opened_at = models.DateTimeField(_("link opened"), null=True, blank=True)
    acted_at = models.DateTimeField(_("registered or answered"), null=True, blank=True)
    reminded_on = models.DateField(_("last reminder"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["campaign", "organisation__name"]
        verbose_name = _("firm of a campaign")
        verbose_name_plural = _("firms of campaigns")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation"], name="campaign_target_one_per_firm")
        ]
        indexes = [models.Index(fields=["campaign", "result"], name="campaign_target_result")]

    def __str__(self):
        return f"{self.organisation} — {self.campaign}"


# --- Joining online ---------------------------------------------------------------------------


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the club")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class JoinRequest(models.Model):
    """A firm asks on the site to join the club of its business park. Nothing else is written until
    one of the club's animators accepts it (the organisation, its membership, its people's
    invitations) or refuses it with a reason; the firm is told by e-mail either way."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("zone"))
    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("club"))
    name = models.CharField(_("name of the firm"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    naf_code = models.CharField(_("NAF code"), max_length=6, blank=True, validators=[validate_naf])
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    headcount_band = models.CharField(_("headcount"), max_length=8, choices=HeadcountBand.choices, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    commune = models.CharField(_("commune"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    colleagues = models.TextField(
        _("colleagues to invite"), blank=True, max_length=1000, help_text=_("One e-mail address a line.")
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    refusal_reason = models.CharField(_("reason of the refusal"), max_length=500, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="join_requests",
        verbose_name=_("organisation"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("membership request")
        verbose_name_plural = _("membership requests")
        indexes = [models.Index(fields=["zone", "status"], name="join_request_inbox")]

    def __str__(self):
        return f"{self.name} → {self.club}"

    def colleague_emails(self) -> list[str]:
        return [line.strip() for line in self.colleagues.splitlines() if line.strip()]
