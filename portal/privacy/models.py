"""What the portal records to honour the RGPD: consents given and withdrawn, and who exported whose data."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.members.models import Person


class Purpose(models.TextChoices):
    DIRECTORY = "directory", _("Listing of my organisation in the public directory")
    NEWSLETTER = "newsletter", _("Newsletters of the cluster, its axes and clubs")
    CONTACT = "contact", _("Being shown as the contact person of best-practice records and workbooks")
    BOARD = "board", _("Being named with my position on the public page of the clubs whose board I sit on")


class Consent(models.Model):
    """One consent as it was given: its wording at that time, its date and, once withdrawn, the withdrawal date."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents", verbose_name=_("person"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    wording = models.TextField(_("wording agreed to"))
    given_at = models.DateTimeField(_("given"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"], condition=Q(withdrawn_at__isnull=True), name="consent_one_current"
            )
        ]

    def __str__(self):
        return f"{self.person} — {self.get_purpose_display()}"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None


class ExportAccess(models.Model):
    """A download of personal data (attendance sheets, admin exports, a person's data) by someone else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    # Kept as text too: the log must still say who it was once the account is erased.
    user_label = models.CharField(_("user"), max_length=200)
    path = models.CharField(_("address"), max_length=500)
    filename = models.CharField(_("file"), max_length=255, blank=True)
    subject = models.CharField(_("whose data"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")

    def __str__(self):
        return f"{self.user_label} — {self.path}"
