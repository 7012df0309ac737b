"""What the newsletters hold about a person, for the privacy app (portal/privacy/registry.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.privacy import registry
from portal.privacy.models import Purpose

from .models import Audience, Delivery, DeliveryStatus, NewsletterStatus, Subscriber, Unsubscription


def _email(person) -> str:
    return (person.user.email or "").strip().lower()


def export_newsletters(person) -> list[dict]:
    return export_address(_email(person))


def export_address(email: str) -> list[dict]:
    """Deliveries (with their legal basis and, for a prospect firm, the firm), sign-up, unsubscriptions."""
    if not email:
        return []
    rows = [
        {
            _("Newsletter"): delivery.newsletter.title,
            _("Status"): delivery.get_status_display(),
            _("Sent"): delivery.sent_at,
            _("Legal basis"): delivery.get_legal_basis_display(),
            _("Organisation"): delivery.organisation.name if delivery.organisation else "",
        }  # fmt: skip
        for delivery in Delivery.objects.filter(email__iexact=email).select_related("newsletter", "organisation")
    ]
    rows += [
        {
            _("Newsletter"): _("Public subscription"),
            _("Status"): _("confirmed") if s.is_confirmed else _("unconfirmed"),
            _("Sent"): s.created_at,
        }  # fmt: skip
        for s in Subscriber.objects.filter(email__iexact=email)
    ]
    rows += [
        {
            _("Newsletter"): _("Unsubscribed from %(audience)s") % {"audience": u.audience_key},
            _("Status"): "",
            _("Sent"): u.created_at,
        }  # fmt: skip
        for u in Unsubscription.objects.filter(email__iexact=email)
    ]
    return rows


def erase(person) -> None:
    erase_address(_email(person))


def erase_address(email: str) -> None:
    # An objection to prospecting stays in portal/clubs: erasing an address never re-enables it.
    if email:
        Subscriber.objects.filter(email__iexact=email).delete()
        Unsubscription.objects.filter(email__iexact=email).delete()
        Delivery.objects.filter(email__iexact=email).delete()


def consent_changed(person, purpose: str, given: bool) -> None:
    email = _email(person)
    if purpose == Purpose.NEWSLETTER and not given and email:
        # A sending in progress does not mail someone who has just withdrawn their consent.
        Delivery.objects.filter(
            email=email,
            status=DeliveryStatus.PENDING,
            newsletter__status=NewsletterStatus.SENDING,
            newsletter__audience__in=[Audience.MEMBERS, Audience.AXIS, Audience.CLUB],
        ).delete()


def register() -> None:
    registry.register_section(
        "newsletters", label=gettext_lazy("Newsletters"), export=export_newsletters, erase=erase,
        consent_changed=consent_changed, order=50,
    )  # fmt: skip
    registry.register_address_section(
        "newsletters", label=gettext_lazy("Newsletters"), export=export_address, erase=erase_address, order=50
    )
    registry.register_processing(
        "newsletters",
        title=gettext_lazy("Newsletters"),
        purpose=gettext_lazy(
            "Sending the newsletters of the cluster, its axes and clubs to the members who agreed to it and to "
            "the public who subscribed; recording each delivery so that nobody gets one twice."
        ),
        legal_basis=gettext_lazy("Consent"),
        data=[gettext_lazy("e-mail"), gettext_lazy("name"), gettext_lazy("date of each delivery")],
        retention=gettext_lazy("deliveries, counted from the sending; until unsubscription for the address"),
        retention_setting="newsletter_deliveries",
        order=50,
    )
    registry.register_processing(
        "prospect_newsletters",
        title=gettext_lazy("Letters to prospect firms (B2B)"),
        purpose=gettext_lazy(
            "Sending the cluster's and its clubs' letters to the firms of the business parks that are not members "
            "yet, at their professional contact address only (the firm's, never a personal one), about their "
            "professional activity; recording each delivery with its legal basis. Each letter has a one-click "
            "opt-out link, no account needed: after it, and after any objection told to the cluster, the address "
            "or the firm receives no letter, campaign invitation or reminder any more."
        ),
        legal_basis=gettext_lazy("Legitimate interest of the cluster (business-to-business prospecting)"),
        data=[
            gettext_lazy("firm's professional e-mail address"),
            gettext_lazy("firm's name"),
            gettext_lazy("date and legal basis of each delivery"),
        ],  # fmt: skip
        retention=gettext_lazy("deliveries, counted from the sending; objections are kept so that they hold"),
        retention_setting="newsletter_deliveries",
        order=50,
    )
    registry.register_processing(
        "newsletter_signups",
        title=gettext_lazy("Unconfirmed newsletter sign-ups"),
        purpose=gettext_lazy("Checking, by a link sent by e-mail, that whoever signs up owns the address."),
        legal_basis=gettext_lazy("Consent"),
        data=[gettext_lazy("e-mail"), gettext_lazy("name")],
        retention=gettext_lazy("without a confirmation"),
        retention_setting="unconfirmed_signups",
        order=51,
    )
    from . import services

    registry.register_purge(
        "unconfirmed_signups", label=gettext_lazy("Unconfirmed newsletter sign-ups"),
        retention_setting="unconfirmed_signups", purge=services.purge_unconfirmed,
    )  # fmt: skip
    registry.register_purge(
        "newsletter_deliveries", label=gettext_lazy("Newsletter deliveries"),
        retention_setting="newsletter_deliveries", purge=services.purge_deliveries,
    )  # fmt: skip
