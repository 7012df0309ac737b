"""Thematic axes of the cluster; workgroups and their discussions build on them."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.members.models import Organisation, Person


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
