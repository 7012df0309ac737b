"""Best-practice records: what an organisation did, what it cost and what it gave, for others to reuse.

The Bourse d'échanges (resource sheets, exchange sessions) will live here too (see the exchange issue).
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.fields import RichTextField

from portal.members.models import Organisation, Person
from workgroups.models import Axis

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class BestPracticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")


class CostRange(models.TextChoices):
    NONE = "none", _("No cost")
    UNDER_5K = "under_5k", _("Less than €5,000")
    FROM_5K_TO_20K = "5k_20k", _("€5,000 to €20,000")
    FROM_20K_TO_100K = "20k_100k", _("€20,000 to €100,000")
    OVER_100K = "over_100k", _("More than €100,000")


class TaggedBestPractice(TaggedItemBase):
    content_object = ParentalKey("BestPractice", on_delete=models.CASCADE, related_name="tagged_items")


class BestPractice(ClusterableModel):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    summary = models.TextField(
        _("summary"), max_length=600, help_text=_("Two or three sentences shown in lists and search results.")
    )
    body = RichTextField(_("description"), features=RICH_TEXT_FEATURES, blank=True)
    axis = models.ForeignKey(
        Axis, on_delete=models.PROTECT, related_name="best_practices", verbose_name=_("thematic axis")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="best_practices",
        verbose_name=_("contributing organisation"),
    )
    partners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="best_practices_as_partner",
        verbose_name=_("other organisations involved"),
    )
    tags = TaggableManager(_("tags"), through=TaggedBestPractice, blank=True)
    problem = models.TextField(_("problem addressed"), blank=True)
    results = models.TextField(_("results"), blank=True)
    cost_range = models.CharField(_("cost"), max_length=10, choices=CostRange.choices, blank=True)
    replicability = models.TextField(
        _("replicability notes"), blank=True, help_text=_("What another organisation needs to do the same.")
    )
    contact = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="best_practices_as_contact",
        verbose_name=_("contact person"),
    )
    attachments = models.ManyToManyField(
        "wagtaildocs.Document", blank=True, related_name="+", verbose_name=_("attachments")
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BestPracticeStatus.choices, default=BestPracticeStatus.DRAFT
    )
    review_note = models.TextField(_("reviewer's note"), blank=True)
    reviewed_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("reviewed by")
    )
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("best practice")
        verbose_name_plural = _("best practices")
        indexes = [models.Index(fields=["status", "visibility"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:detail", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == BestPracticeStatus.PUBLISHED


class KeyFigure(models.Model):
    """One result in figures: "−35 %" "of waste sent to landfill"."""

    record = ParentalKey(BestPractice, on_delete=models.CASCADE, related_name="figures")
    value = models.CharField(_("figure"), max_length=40)
    label = models.CharField(_("what it measures"), max_length=150)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")

    def __str__(self):
        return f"{self.value} {self.label}"


class RevisionAction(models.TextChoices):
    CREATED = "created", _("created")
    EDITED = "edited", _("edited")
    SUBMITTED = "submitted", _("submitted for review")
    PUBLISHED = "published", _("published")
    CHANGES_REQUESTED = "changes_requested", _("sent back to its authors")
    ARCHIVED = "archived", _("archived")


class BestPracticeRevision(models.Model):
    """The record as it was after one change, kept for its history."""

    record = models.ForeignKey(BestPractice, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("content"))
    action = models.CharField(_("change"), max_length=20, choices=RevisionAction.choices)
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        ordering = ["record", "-number"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [models.UniqueConstraint(fields=["record", "number"], name="best_practice_revision_unique")]

    def __str__(self):
        return f"{self.record} v{self.number}"


class Adoption(models.Model):
    """ "We adopted this": an organisation says it reused the practice."""

    record = models.ForeignKey(BestPractice, on_delete=models.CASCADE, related_name="adoptions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="adoptions", verbose_name=_("organisation")
    )
    declared_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("declared by")
    )
    comment = models.TextField(_("how it went"), blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "organisation"],
                name="adoption_once_per_organisation",
                violation_error_message=_("Your organisation has already said it adopted this practice."),
            )
        ]

    def __str__(self):
        return f"{self.organisation} → {self.record}"
