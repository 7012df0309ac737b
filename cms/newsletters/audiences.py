"""Who receives a newsletter: (e-mail, name) pairs, each address once, without those who unsubscribed.

Members and public subscribers receive letters with their consent; prospect firms (B2B, legitimate
interest) at their professional contact address only, unless the firm or the address objected."""

from collections.abc import Iterator

from django.db.models import Q

from portal.clubs import selectors as club_selectors
from portal.members.models import MembershipStatus, Person
from portal.privacy.models import Purpose
from workgroups.models import WorkgroupMembershipStatus

from .models import Audience, Newsletter, Subscriber, Unsubscription


def _members(extra: Q | None = None) -> Iterator[tuple[str, str]]:
    extra = extra if extra is not None else Q()
    # Member contacts receive newsletters only with their current consent (portal/privacy).
    people = (
        Person.objects.filter(
            Q(user__is_active=True) & ~Q(user__email="") & extra,
            consents__purpose=Purpose.NEWSLETTER,
            consents__withdrawn_at__isnull=True,
        )
        .values_list("user__email", "user__first_name", "user__last_name")
        .distinct()
        .order_by("user__email")
    )
    for email, first_name, last_name in people.iterator(chunk_size=2000):
        yield email, f"{first_name} {last_name}".strip()


def _prospects(newsletter: Newsletter) -> Iterator[tuple[str, str, int]]:
    # The firm's own contact address (given as its professional address), never a person's account.
    if newsletter.audience == Audience.CLUB_PROSPECTS:
        zone_ids = club_selectors.club_zone_ids(newsletter.club)
    else:
        zone_ids = [newsletter.zone_id]
    yield from club_selectors.prospect_addresses(zone_ids=zone_ids).iterator(chunk_size=2000)


def recipient_rows(newsletter: Newsletter) -> Iterator[tuple[str, str, int | None]]:
    """(e-mail, name, prospect firm's id or None), each address once."""
    if newsletter.is_prospecting:
        source = _prospects(newsletter)
    elif newsletter.audience == Audience.MEMBERS:
        source = _members()
    elif newsletter.audience == Audience.AXIS:
        source = _members(
            Q(workgroup_memberships__workgroup__axis_id=newsletter.axis_id,
              workgroup_memberships__status=WorkgroupMembershipStatus.ACTIVE)
        )  # fmt: skip
    elif newsletter.audience == Audience.CLUB:
        source = _members(
            Q(organisation__memberships__club_id=newsletter.club_id,
              organisation__memberships__status=MembershipStatus.ACTIVE)
        )  # fmt: skip
    else:
        source = (
            (email, name)
            for email, name in Subscriber.objects.filter(confirmed_at__isnull=False)
            .values_list("email", "name")
            .order_by("email")
            .iterator(chunk_size=2000)
        )
    unsubscribed = set(
        Unsubscription.objects.filter(audience_key=newsletter.audience_key).values_list("email", flat=True)
    )
    seen = set()
    for email, name, *firm in source:
        key = email.strip().lower()
        if key and key not in unsubscribed and key not in seen:
            seen.add(key)
            yield key, name, (firm[0] if firm else None)


def recipients(newsletter: Newsletter) -> Iterator[tuple[str, str]]:
    for email, name, _firm in recipient_rows(newsletter):
        yield email, name


def count(newsletter: Newsletter) -> int:
    return sum(1 for _ in recipients(newsletter))
