"""Newsletters: issues composed in the admin, their audiences, public subscribers and per-recipient deliveries.

An issue is frozen when its sending starts (`content_html`, `content_text`): every recipient gets the
same content, the public archive shows exactly what was sent, and a resumed sending cannot drift.
Each recipient has a Delivery row; the sender claims a row before talking to the SMTP server and marks
it sent after the server accepted the message, so a resumed sending never mails anyone twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.fields import StreamField
from wagtail.models import PreviewableMixin

from portal.clubs.models import Club
from portal.members.models import Organisation, Zone
from workgroups.models import Axis

from .blocks import NewsletterBodyBlock


class Audience(models.TextChoices):
    MEMBERS = "members", _("All member contacts")
    AXIS = "axis", _("Members of an axis's workgroups")
    CLUB = "club", _("Members of a club")
    SUBSCRIBERS = "subscribers", _("Public subscribers")
    # Business-to-business prospecting (legitimate interest): the firms' professional contact addresses.
    CLUB_PROSPECTS = "club_prospects", _("Prospect firms of a club's zones (B2B)")
    ZONE_PROSPECTS = "zone_prospects", _("Prospect firms of a zone (B2B)")


PROSPECT_AUDIENCES = (Audience.CLUB_PROSPECTS, Audience.ZONE_PROSPECTS)
# What an opt-out from any letter to prospects applies to: every letter to prospects, of every club.
PROSPECTS_KEY = "prospects"


class LegalBasis(models.TextChoices):
    """Why a delivery may be made (RGPD art. 6), recorded with each one."""

    CONSENT = "consent", _("Consent")
    B2B_INTEREST = "b2b_interest", _("Legitimate interest (B2B prospecting)")


class NewsletterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    SENT = "sent", pgettext_lazy("newsletter status", "Sent")


class Newsletter(PreviewableMixin, models.Model):
    title = models.CharField(_("subject"), max_length=200, help_text=_("The e-mail's subject and the archive's title."))
    slug = models.SlugField(_("slug"), max_length=220, unique=True, help_text=_("The address of the archived issue."))
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.MEMBERS)
    axis = models.ForeignKey(
        Axis, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("thematic axis"),
        help_text=_("For the audience “members of an axis's workgroups”."),
    )  # fmt: skip
    club = models.ForeignKey(
        Club, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("club"),
        help_text=_("For the audiences “members of a club” and “prospect firms of a club's zones”."),
    )  # fmt: skip
    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("zone"),
        help_text=_("For the audience “prospect firms of a zone”."),
    )  # fmt: skip
    intro = models.TextField(_("introduction"), blank=True, max_length=1000)
    body = StreamField(NewsletterBodyBlock(), verbose_name=_("content"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NewsletterStatus.choices, default=NewsletterStatus.DRAFT, editable=False
    )
    content_html = models.TextField(editable=False, blank=True)
    content_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sending_started_at = models.DateTimeField(_("sending started"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    # A letter to prospects (legitimate interest) leaves only once its author attested, on the sending
    # page, that its content relates to the recipients' professional activity (the CNIL's B2B rule).
    professional_attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False,
        verbose_name=_("professional content attested by"),
    )  # fmt: skip
    professional_attested_at = models.DateTimeField(
        _("professional content attested"), null=True, blank=True, editable=False
    )
    # Bumped by the sender as it progresses: a sending with no progress for a while is stalled.
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-sent_at", "-created_at"]
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        constraints = [
            models.CheckConstraint(
                condition=~Q(audience="axis") | Q(axis__isnull=False),
                name="newsletter_axis_audience_has_axis",
                violation_error_message=_("Choose the axis whose workgroups receive this newsletter."),
            ),
            models.CheckConstraint(
                condition=~Q(audience="club") | Q(club__isnull=False),
                name="newsletter_club_audience_has_club",
                violation_error_message=_("Choose the club whose members receive this newsletter."),
            ),
            models.CheckConstraint(
                condition=~Q(audience="club_prospects") | Q(club__isnull=False),
                name="newsletter_club_prospects_has_club",
                violation_error_message=_("Choose the club whose prospect firms receive this newsletter."),
            ),
            models.CheckConstraint(
                condition=~Q(audience="zone_prospects") | Q(zone__isnull=False),
                name="newsletter_zone_prospects_has_zone",
                violation_error_message=_("Choose the zone whose prospect firms receive this newsletter."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("newsletters:issue", args=[self.slug])

    @property
    def audience_key(self) -> str:
        """What an unsubscription applies to: "members", "axis:3", "club:2" or "subscribers"."""
        if self.audience == Audience.AXIS:
            return f"axis:{self.axis_id}"
        if self.audience == Audience.CLUB:
            return f"club:{self.club_id}"
        if self.is_prospecting:
            return PROSPECTS_KEY
        return self.audience

    @property
    def audience_label(self) -> str:
        if self.audience == Audience.AXIS and self.axis_id:
            return str(self.axis)
        if self.audience == Audience.CLUB and self.club_id:
            return str(self.club)
        if self.audience == Audience.CLUB_PROSPECTS and self.club_id:
            return _("Prospect firms of %(club)s (B2B)") % {"club": self.club}
        if self.audience == Audience.ZONE_PROSPECTS and self.zone_id:
            return _("Prospect firms of %(zone)s (B2B)") % {"zone": self.zone}
        return str(self.get_audience_display())

    @property
    def is_prospecting(self) -> bool:
        """Goes to prospect firms under legitimate interest (B2B), not to people who consented."""
        return self.audience in PROSPECT_AUDIENCES

    @property
    def legal_basis(self) -> str:
        return LegalBasis.B2B_INTEREST if self.is_prospecting else LegalBasis.CONSENT

    @property
    def is_draft(self) -> bool:
        return self.status == NewsletterStatus.DRAFT

    # Wagtail's live preview in the editor shows the e-mail as recipients will see it.
    def get_preview_template(self, request, mode_name):
        return "newsletters/email/preview.html"

    def get_preview_context(self, request, mode_name):
        from . import rendering

        context = super().get_preview_context(request, mode_name)
        context["email_html"] = rendering.preview_html(self)
        return context


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", pgettext_lazy("delivery status", "Sent")
    FAILED = "failed", _("Refused by the server")
    UNCERTAIN = "uncertain", _("Uncertain (interrupted while being sent)")


class Delivery(models.Model):
    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    legal_basis = models.CharField(
        _("legal basis"), max_length=16, choices=LegalBasis.choices, default=LegalBasis.CONSENT
    )
    # The prospect firm whose professional address this is (letters to prospects only): its data
    # export and erasure cover the delivery.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("organisation"),
    )  # fmt: skip

    class Meta:
        ordering = ["newsletter", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["newsletter", "email"], name="delivery_once_per_recipient")]
        indexes = [models.Index(fields=["newsletter", "status"], name="delivery_queue")]

    def __str__(self):
        return f"{self.email} — {self.newsletter}"


class Subscriber(models.Model):
    """Someone from the public who signed up on the site; receives newsletters once confirmed (double opt-in)."""

    email = models.EmailField(_("e-mail"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Unsubscription(models.Model):
    """An address that asked to stop receiving one audience's newsletters (kept so the request holds)."""

    email = models.EmailField(_("e-mail"))
    audience_key = models.CharField(_("audience"), max_length=40)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("unsubscription")
        verbose_name_plural = _("unsubscriptions")
        constraints = [models.UniqueConstraint(fields=["email", "audience_key"], name="unsubscription_unique")]

    def __str__(self):
        return f"{self.email} — {self.audience_key}"
