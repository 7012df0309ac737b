"""Prospects: firms of a zone that are not members yet, and each contact made with them."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .models import ContactStatus, Membership, MembershipStatus, Organisation, ProspectContact, Zone


def _latest_contact(field: str) -> Subquery:
    return Subquery(
        ProspectContact.objects.filter(organisation=OuterRef("pk"))
        .order_by("-contacted_on", "-created_at")
        .values(field)[:1]
    )


def zone_prospects(zone: Zone, *, status: str = "", text: str = "") -> QuerySet[Organisation]:
    """Firms established on the zone with no current membership (cluster or club), latest contact first.

    `status` filters on the latest contact: a ContactStatus value, or "none" for firms never contacted.
    """
    current = Membership.objects.filter(organisation=OuterRef("pk")).exclude(status=MembershipStatus.LEFT)
    queryset = (
        Organisation.objects.filter(zone=zone)
        .annotate(is_member=Exists(current))
        .filter(is_member=False)
        .annotate(contact_status=_latest_contact("status"), contacted_on=_latest_contact("contacted_on"))
    )
    if status == "none":
        queryset = queryset.filter(contact_status__isnull=True)
    elif status in ContactStatus.values:
        queryset = queryset.filter(contact_status=status)
    if text:
        queryset = queryset.filter(name__icontains=text)
    return queryset.order_by("name")


def prospect_contact_record(
    *, organisation: Organisation, status: str, by, contacted_on: datetime.date | None = None, note: str = ""
) -> ProspectContact:
    """Records an invitation, a call, a visit… The latest one is the firm's status in the list."""
    if not permissions.can_organise_clubs(by):
        raise PermissionDenied(_("Only organisers and administrators follow prospects."))
    if status not in ContactStatus.values:
        raise ValidationError({"status": _("Choose a contact status.")})
    contacted_on = contacted_on or timezone.localdate()
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": _("A contact cannot be dated in the future.")})
    contact = ProspectContact(
        organisation=organisation, status=status, contacted_on=contacted_on, note=note.strip()[:300], by=by
    )
    contact.full_clean()
    contact.save()
    return contact


def prospect_status_counts(zone: Zone) -> dict[str, int]:
    """How many prospects of the zone are at each latest status ("none" = never contacted)."""
    counts = dict.fromkeys(["none", *ContactStatus.values], 0)
    for status in zone_prospects(zone).values_list("contact_status", flat=True):
        counts[status or "none"] += 1
    return counts
