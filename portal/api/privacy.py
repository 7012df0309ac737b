"""What the API holds about a person, for the privacy app (portal/privacy/registry.py): the names
and dates of their personal tokens (the secrets themselves are never stored). Deleting the account
deletes them."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.privacy import registry

from . import selectors, services


def export_tokens(person) -> list[dict]:
    return [
        {
            _("Name"): token.name,
            _("Start of the token"): token.prefix,
            _("Created"): token.created_at,
            _("Last used"): token.last_used_at,
            _("Revoked"): token.revoked_at,
        }
        for token in selectors.tokens_of(person)
    ]


def erase_tokens(person) -> None:
    services.tokens_erase(person=person)


def register() -> None:
    registry.register_section(
        "api_tokens", label=gettext_lazy("Personal API tokens"), export=export_tokens, erase=erase_tokens, order=90
    )
    registry.register_processing(
        "api_tokens",
        title=gettext_lazy("Personal API tokens"),
        purpose=gettext_lazy("Letting a member's own scripts and tools read what they may read on the portal."),
        legal_basis=gettext_lazy("Performance of the membership: the member creates and revokes the tokens."),
        data=[gettext_lazy("token name"), gettext_lazy("dates of creation, last use and revocation")],
        retention=gettext_lazy("Until the member deletes the token's account."),
        order=90,
    )
