"""Thematic axes, their workgroups (and clubs' commissions) and the workgroups' discussions."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField

from portal.clubs.models import Club
from portal.members.models import MessageNotifications, Organisation, Person

MESSAGE_MAX_LENGTH = 4000


class Axis(models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#1f6f8b",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour such as #1f6f8b."))],
    )
    summary = models.TextField(_("summary"), blank=True)
    coordinators = models.ManyToManyField(
        Person, blank=True, related_name="coordinated_axes", verbose_name=_("coordinators")
    )
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="axes",
        verbose_name=_("organisations involved"),
        help_text=_("Member organisations taking part in the work of this axis."),
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("thematic axis")
        verbose_name_plural = _("thematic axes")

    def __str__(self):
        return f"{self.number}. {self.title}"


class ParticipatoryProcess(models.Model):
    """A participatory process of the cluster or of a territory (a diagnosis, a breakfast, themed
    workshops, an action plan, assises): its workshops' follow-up rooms are workgroups of the process,
    each with its own theme, whether or not an axis or a club also holds them."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=210, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    leads = models.ManyToManyField(
        Person,
        blank=True,
        related_name="led_processes",
        verbose_name=_("people running it"),
        help_text=_("They lead its workgroups with the cluster's administrators."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "title"]
        verbose_name = _("participatory process")
        verbose_name_plural = _("participatory processes")

    def __str__(self):
        return self.title


class MembershipPolicy(models.TextChoices):
    OPEN = "open", _("Open: members join at once")
    APPROVAL = "approval", _("On approval by a coordinator")


class WorkgroupQuerySet(models.QuerySet):
    def with_member_count(self):
        """Each workgroup's active members as `member_count` (reached through a club's `commissions`
        too, so the clubs count a commission's members without importing this app)."""
        active = Q(memberships__status=WorkgroupMembershipStatus.ACTIVE)
        return self.annotate(member_count=Count("memberships", filter=active, distinct=True))


class Workgroup(models.Model):
    """A working group of an axis, a commission of a club, or a workshop's room of a participatory
    process (which an axis's or a club's workgroup may also belong to)."""

    axis = models.ForeignKey(
        Axis, on_delete=models.PROTECT, null=True, blank=True, related_name="workgroups", verbose_name=_("axis")
    )
    club = models.ForeignKey(
        Club, on_delete=models.PROTECT, null=True, blank=True, related_name="commissions", verbose_name=_("club")
    )
    process = models.ForeignKey(
        ParticipatoryProcess,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workgroups",
        verbose_name=_("participatory process"),
    )
    theme = models.CharField(
        _("theme"),
        max_length=150,
        blank=True,
        help_text=_("Within a participatory process: the workshop's theme (crafts, health…), axis or not."),
    )
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    description = models.TextField(_("description"), blank=True)
    membership_policy = models.CharField(
        _("membership"), max_length=10, choices=MembershipPolicy.choices, default=MembershipPolicy.OPEN
    )
    is_archived = models.BooleanField(
        _("archived"), default=False, help_text=_("An archived workgroup stays readable but takes no new message.")
    )
    # The last sequence number handed out: the next message takes last_sequence + 1 under a row lock.
    last_sequence = models.PositiveBigIntegerField(default=0, editable=False)
    # The last change number handed out to an edit or a removal (Message.change), under the same row
    # lock: a reconnecting client asks for the changes after the last one it saw, as for messages.
    last_change = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = WorkgroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("workgroup")
        verbose_name_plural = _("workgroups")
        constraints = [
            models.CheckConstraint(
                condition=(Q(axis__isnull=False) & Q(club__isnull=True))
                | (Q(axis__isnull=True) & Q(club__isnull=False))
                | (Q(axis__isnull=True) & Q(club__isnull=True) & Q(process__isnull=False)),
                name="workgroup_axis_club_or_process",
                violation_error_message=_(
                    "A workgroup belongs to an axis or to a club (not both), or else to a participatory process."
                ),
            )
        ]

    def __str__(self):
        return self.name


class WorkgroupRole(models.TextChoices):
    MEMBER = "member", _("Member")
    FACILITATOR = "facilitator", _("Facilitator")
    COORDINATOR = "coordinator", _("Coordinator")


class WorkgroupMembershipStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    ACTIVE = "active", _("Member")


class WorkgroupMembership(models.Model):
    workgroup = models.ForeignKey(
        Workgroup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("workgroup")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="workgroup_memberships", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=12, choices=WorkgroupRole.choices, default=WorkgroupRole.MEMBER)
    status = models.CharField(
        _("status"), max_length=10, choices=WorkgroupMembershipStatus.choices, default=WorkgroupMembershipStatus.ACTIVE
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    last_read_sequence = models.PositiveBigIntegerField(_("last message read"), default=0)
    last_digest_sequence = models.PositiveBigIntegerField(default=0, editable=False)
    # Empty: the person's general choice (Person.message_notifications) applies to this workgroup.
    notifications = models.CharField(
        _("notifications"),
        max_length=10,
        choices=MessageNotifications.choices,
        blank=True,
        default="",
    )

    class Meta:
        ordering = ["workgroup__name", "person__user__last_name"]
        verbose_name = _("workgroup membership")
        verbose_name_plural = _("workgroup memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["workgroup", "person"],
                name="workgroup_membership_unique",
                violation_error_message=_("This person is already in this workgroup."),
            )
        ]

    def __str__(self):
        return f"{self.person} — {self.workgroup}"

    @property
    def notifications_level(self) -> str:
        """The choice that applies here: this workgroup's own, else the person's general one."""
        return self.notifications or self.person.message_notifications


class Message(models.Model):
    """A message of a workgroup's discussion. The body is stored raw and escaped when shown."""

    workgroup = models.ForeignKey(Workgroup, on_delete=models.CASCADE, related_name="messages")
    sequence = models.PositiveBigIntegerField(_("sequence"))
    # Indexed with created_at below (message_author_recent), which serves lookups by author alone too.
    author = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        db_index=False,
        related_name="workgroup_messages",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies", verbose_name=_("reply to")
    )
    # Set by the browser on send, so a send retried after a reconnection is stored once.
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("removed by")
    )
    # Its workgroup's change number at its last edit or removal (0: never changed).
    change = models.PositiveBigIntegerField(default=0, editable=False, db_index=True)

    class Meta:
        ordering = ["workgroup", "sequence"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            # The rate limit counts an author's messages of the last seconds on every send
            # (services._claim_statement): at most RATE_LIMIT_MESSAGES entries of this index, however
            # many messages the whole portal took meanwhile. On created_at alone, PostgreSQL walked every
            # message of the window (2,000 at 200 msg/s) to keep one author's.
            models.Index(fields=["author", "created_at"], name="message_author_recent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["workgroup", "sequence"], name="message_unique_sequence"),
            models.UniqueConstraint(
                fields=["workgroup", "author", "client_id"],
                condition=~Q(client_id=""),
                name="message_unique_client_id",
            ),
        ]

    def __str__(self):
        return f"{self.workgroup} #{self.sequence}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def removed_by_moderator(self) -> bool:
        return self.removed_at is not None and self.removed_by_id != self.author_id


class Mention(models.Model):
    """A member named as @handle in a message; notified by e-mail (at once and in the digest)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="mentions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentions")
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "person"], name="mention_unique")]

    def __str__(self):
        return f"@{self.person.handle} in {self.message}"


# --- Meetings: what a workgroup that meets keeps ------------------------------------------------

MINUTES_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class Meeting(models.Model):
    """A meeting of a workgroup (a commission of a club, a group of an axis): when, where, what is on
    the agenda, then its minutes. A page of the room, read by its members."""

    workgroup = models.ForeignKey(
        Workgroup, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("workgroup")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    # Stored as rich text: typed as plain paragraphs on the site (every character escaped), or through
    # Wagtail's editor in the admin, whose whitelist keeps only MINUTES_FEATURES.
    minutes = RichTextField(_("minutes"), features=MINUTES_FEATURES, blank=True)
    minutes_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("minutes by")
    )
    minutes_updated_at = models.DateTimeField(_("minutes updated"), null=True, blank=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # What a subscribed calendar needs to replace its copy when the meeting is moved or renamed: the
    # number of such changes (the iCalendar SEQUENCE) and when the last one happened (its DTSTAMP).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    rescheduled_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self):
        return f"{self.workgroup} — {self.title}"


class SharedFile(models.Model):
    """A document shared in a workgroup (of one of its meetings, or of the group): downloaded by its
    members only, through the room's address (never Wagtail's public document URL)."""

    workgroup = models.ForeignKey(
        Workgroup, on_delete=models.CASCADE, related_name="shared_files", verbose_name=_("workgroup")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("meeting"),
    )
    document = models.OneToOneField(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+", verbose_name=_("document")
    )
    shared_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("shared by")
    )
    shared_at = models.DateTimeField(_("shared"), auto_now_add=True)

    class Meta:
        ordering = ["-shared_at"]
        verbose_name = _("shared file")
        verbose_name_plural = _("shared files")

    def __str__(self):
        return self.document.title


class Decision(models.Model):
    """What a workgroup decided (in a meeting or not): a workshop's decisions start a draft plan."""

    workgroup = models.ForeignKey(
        Workgroup, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("workgroup")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("meeting"),
    )
    text = models.TextField(_("decision"), max_length=2000)
    decided_on = models.DateField(_("decided on"))
    recorded_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["decided_on", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return self.text[:80]


class Task(models.Model):
    """Something a member of the workgroup has to do by a date; reminded by e-mail when it is due."""

    workgroup = models.ForeignKey(
        Workgroup, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("workgroup")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks", verbose_name=_("meeting")
    )
    title = models.CharField(_("task"), max_length=255)
    owner = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="workgroup_tasks", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    # The day its owner was last reminded: one reminder a day at most, whatever runs the command.
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["done_at", "due_on", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["due_on"], condition=Q(done_at__isnull=True), name="task_open_due")]

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ProcessTable(models.Model):
    """A table imported into a participatory process's diagnosis (a CSV or XLSX survey export, a
    territory's figures): its header and rows as read, shown on the process's page."""

    process = models.ForeignKey(
        ParticipatoryProcess, on_delete=models.CASCADE, related_name="tables", verbose_name=_("participatory process")
    )
    title = models.CharField(_("title"), max_length=200)
    source_name = models.CharField(_("file"), max_length=255, blank=True)
    columns = models.JSONField(_("columns"), default=list)
    rows = models.JSONField(_("rows"), default=list)
    imported_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("imported by")
    )
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        ordering = ["imported_at", "pk"]
        verbose_name = _("diagnosis table")
        verbose_name_plural = _("diagnosis tables")

    def __str__(self):
        return self.title
