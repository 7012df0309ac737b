"""Reads from the members directory, with visibility rules built in."""

from django.db.models import Count, Q, QuerySet

from .models import SSE_KINDS, Membership, MembershipStatus, Organisation, OrganisationKind, Person, Sector, Zone


def public_organisations(*, kind: str = "", zone: Zone | None = None, text: str = "") -> QuerySet[Organisation]:
    """Organisations that opted in to the public directory and are active members somewhere."""
    queryset = (
        Organisation.objects.filter(in_public_directory=True, memberships__status=MembershipStatus.ACTIVE)
        .select_related("zone", "logo")
        .distinct()
    )
    if kind == Sector.SSE:
        queryset = queryset.filter(Sector.SSE.kind_filter())
    elif kind in OrganisationKind.values:
        queryset = queryset.filter(kind=kind)
    if zone is not None:
        queryset = queryset.filter(zone=zone)
    if text:
        queryset = queryset.filter(
            Q(name__icontains=text) | Q(description__icontains=text) | Q(commune__icontains=text)
        )
    return queryset.order_by("name")


def public_organisation(slug: str) -> Organisation | None:
    return public_organisations().filter(slug=slug).first()


def zones_with_counts() -> QuerySet[Zone]:
    return Zone.objects.annotate(
        member_count=Count(
            "organisations",
            filter=Q(organisations__memberships__status=MembershipStatus.ACTIVE),
            distinct=True,
        )
    ).order_by("name")


def organisation_memberships(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("club").order_by("-started_on")


def organisation_people(organisation: Organisation) -> QuerySet[Person]:
    return organisation.people.select_related("user").filter(user__is_active=True)


def membership_counts() -> dict[str, int]:
    """Active member organisations of the cluster, split SSE / classic firms / others, in one query."""
    active = Membership.objects.filter(status=MembershipStatus.ACTIVE).values("organisation_id")
    counts = Organisation.objects.filter(pk__in=active).aggregate(
        total=Count("pk"),
        sse=Count("pk", filter=Q(kind__in=SSE_KINDS)),
        classic=Count("pk", filter=Q(kind=OrganisationKind.CLASSIC_FIRM)),
    )
    return {**counts, "other": counts["total"] - counts["sse"]}
