"""Personal API tokens: a member creates one from the profile, sees it once, and may revoke it.

Only a SHA-256 digest of the secret is stored (the secret is 256 random bits, so a plain digest
is enough: nothing to brute-force); the first characters stay readable so the owner can tell
the tokens apart."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.members.models import Person


class ApiToken(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("person"))
    name = models.CharField(_("name"), max_length=80, help_text=_("What the token is for, e.g. “My calendar script”."))
    prefix = models.CharField(_("start of the token"), max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
