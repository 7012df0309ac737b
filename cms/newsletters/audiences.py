"""Who receives a newsletter: (e-mail, name) pairs, each address once, without those who unsubscribed."""

from collections.abc import Iterator

from django.db.models import Q

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


def recipients(newsletter: Newsletter) -> Iterator[tuple[str, str]]:
    if newsletter.audience == Audience.MEMBERS:
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
    for email, name in source:
        key = email.strip().lower()
        if key and key not in unsubscribed and key not in seen:
            seen.add(key)
            yield key, name


def count(newsletter: Newsletter) -> int:
    return sum(1 for _ in recipients(newsletter))
