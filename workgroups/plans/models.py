"""Action plans (of an axis, a club or a participatory process), their actions and the common issues board."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.clubs.models import Club, CommonProblem, Survey
from portal.members.models import Organisation
from workgroups.models import Axis, Workgroup


class PlanScope(models.TextChoices):
    AXIS = "axis", _("Thematic axis")
    CLUB = "club", _("Business club")
    PROCESS = "process", _("Participatory process")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ActionPlan(models.Model):
    """The action plan of an axis, a club or a participatory process (diagnosis, workshops, assises).

    A draft is seen by its leaders only; a published plan by everyone when it is public too (the
    plans of the first release were published: the model's default keeps them so, the site's form
    starts a new plan as a draft).
    """

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=210, unique=True)
    scope = models.CharField(_("scope"), max_length=8, choices=PlanScope.choices)
    axis = models.ForeignKey(
        Axis, on_delete=models.PROTECT, null=True, blank=True, related_name="action_plans", verbose_name=_("axis")
    )
    club = models.ForeignKey(
        Club, on_delete=models.PROTECT, null=True, blank=True, related_name="action_plans", verbose_name=_("club")
    )
    summary = models.TextField(_("summary"), blank=True)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Show the plan's progress on the public site.")
    )
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.PUBLISHED)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["scope", "title"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="axis") & Q(axis__isnull=False) & Q(club__isnull=True))
                | (Q(scope="club") & Q(club__isnull=False) & Q(axis__isnull=True))
                | (Q(scope="process") & Q(axis__isnull=True) & Q(club__isnull=True)),
                name="action_plan_scope_matches",
                violation_error_message=_(
                    "An axis plan needs an axis, a club plan a club, and a participatory process neither."
                ),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == PlanStatus.PUBLISHED

    @property
    def is_visible_to_all(self) -> bool:
        """Shown to visitors, on the plans' list and on its axis or club page."""
        return self.is_published and self.is_public


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    ON_HOLD = "on_hold", _("On hold")
    DROPPED = "dropped", _("Dropped")


class Action(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    pilot = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="piloted_actions",
        verbose_name=_("pilot organisation"),
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_actions", verbose_name=_("partners")
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (€)"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    indicator = models.CharField(_("indicator"), max_length=200, blank=True, help_text=_("e.g. synergies in place"))
    target_value = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    current_value = models.DecimalField(
        _("current value"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="action_ends_after_start",
                violation_error_message=_("An action cannot end before it starts."),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def progress_percent(self) -> int | None:
        """Current value against the target, capped at 100; None without a target."""
        if not self.target_value or self.current_value is None:
            return None
        return min(100, int(100 * self.current_value / self.target_value))


class ActionUpdate(models.Model):
    """One dated update of an action: its status and its indicator's value then (the history the
    plan's page draws as a chart). The action keeps the latest as its current status and value."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates", verbose_name=_("action"))
    measured_on = models.DateField(_("date"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices)
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["action", "measured_on", "created_at"]
        verbose_name = _("action update")
        verbose_name_plural = _("action updates")

    def __str__(self):
        return f"{self.action}: {self.get_status_display()} ({self.measured_on})"


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Raised")
    IN_PROGRESS = "in_progress", _("Being handled")
    RESOLVED = "resolved", _("Resolved")
    DROPPED = "dropped", _("Dropped")


class CommonIssue(models.Model):
    """A problem several firms share (e.g. collective waste collection on the park) and who handles it."""

    title = models.CharField(_("issue"), max_length=200)
    problem = models.CharField(_("category"), max_length=16, choices=CommonProblem.choices, blank=True)
    club = models.ForeignKey(
        Club, on_delete=models.PROTECT, null=True, blank=True, related_name="common_issues", verbose_name=_("club")
    )
    firms = models.ManyToManyField(
        Organisation, blank=True, related_name="common_issues", verbose_name=_("firms concerned")
    )
    workgroup = models.ForeignKey(
        Workgroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="common_issues",
        verbose_name=_("workgroup handling it"),
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="common_issues",
        verbose_name=_("raised by the survey"),
    )
    status = models.CharField(_("status"), max_length=12, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    decisions = models.TextField(_("decisions"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["status", "title"]
        verbose_name = _("common issue")
        verbose_name_plural = _("common issues")

    def __str__(self):
        return self.title
