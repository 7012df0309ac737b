"""Reads from the members directory, with visibility rules built in."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet

from portal.outside import company_register

from . import scopes
from .models import (
    ROLE_SCOPE_KINDS,
    SSE_KINDS,
    CalendarAddress,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Person,
    RoleAssignment,
    RoleChange,
    Sector,
    Zone,
    kind_from_register,
)
from .scopes import CLUSTER_ID, ScopeKind
from .validators import normalise_naf, validate_naf


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


# --- Role assignments -------------------------------------------------------------------------


def scope_value(kind: str, scope_id: int) -> str:
    """A scope as one form value, "kind:id"."""
    return f"{kind}:{scope_id}"


def parse_scope_value(value: str) -> tuple[str, int] | None:
    kind, _sep, scope_id = (value or "").partition(":")
    if kind not in ScopeKind.values or not scope_id.isdigit():
        return None
    return kind, int(scope_id)


def scope_choices(kinds=None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every scope a role may be held in, grouped by kind, as choices ("kind:id", label)."""
    groups = []
    for kind in kinds or ScopeKind.values:
        if kind == ScopeKind.CLUSTER:
            options = [(scope_value(kind, CLUSTER_ID), str(ScopeKind.CLUSTER.label))]
        else:
            options = [(scope_value(kind, scope_id), label) for scope_id, label in scopes.choices(kind)]
        if options:
            groups.append((str(ScopeKind(kind).label), options))
    return groups


def scope_labels(rows) -> list:
    """Sets `scope_name` on each assignment or change: one query per kind of scope, not per row."""
    rows = list(rows)
    ids_by_kind: dict[str, set[int]] = {}
    for row in rows:
        ids_by_kind.setdefault(row.scope_kind, set()).add(row.scope_id)
    names = {
        kind: ({CLUSTER_ID: str(ScopeKind.CLUSTER.label)} if kind == ScopeKind.CLUSTER else scopes.labels(kind, ids))
        for kind, ids in ids_by_kind.items()
    }
    for row in rows:  # a scope deleted since keeps the name the log recorded
        row.scope_name = names[row.scope_kind].get(row.scope_id) or getattr(row, "scope_label", "") or "—"
    return rows


def person_assignments(person: Person) -> list[RoleAssignment]:
    """A person's roles in scopes, each with its scope's name."""
    return scope_labels(RoleAssignment.objects.filter(person=person).select_related("granted_by"))


def scope_people(kind: str, scope_id: int) -> QuerySet[RoleAssignment]:
    """Who holds which role in one scope."""
    return (
        RoleAssignment.objects.filter(scope_kind=kind, scope_id=scope_id)
        .select_related("person__user", "granted_by")
        .order_by("role", "person__user__last_name", "person__user__first_name")
    )


def holders(role: str, kind: str, scope_id: int) -> QuerySet[Person]:
    """The people who hold `role` in one scope."""
    return Person.objects.filter(
        role_assignments__role=role, role_assignments__scope_kind=kind, role_assignments__scope_id=scope_id
    ).select_related("user")


def role_changes(*, person: Person | None = None) -> QuerySet[RoleChange]:
    queryset = RoleChange.objects.select_related("person__user", "by")
    return queryset.filter(person=person) if person is not None else queryset


def scope_kinds_of_role(role: str) -> tuple[str, ...]:
    return ROLE_SCOPE_KINDS.get(role, ())


# --- The company register -----------------------------------------------------------------------

REGISTER_LOOKUP_SECONDS = 24 * 60 * 60  # a firm's register entry changes seldom; the API allows 7 calls/s


def _register_entry(firm: company_register.Firm) -> dict:
    """A firm in the words of the organisation form (language-neutral: labels are added per request)."""
    naf = normalise_naf(firm.naf_code)
    try:
        validate_naf(naf)
    except ValidationError:
        naf = ""  # an older nomenclature's code: better empty than refused by the form
    return {
        "name": firm.name,
        "siret": firm.siret,
        "address": firm.address,
        "postcode": firm.postcode,
        "commune": firm.city,
        "naf_code": naf,
        "headcount_band": firm.headcount_band,
        "headcount_code": firm.headcount_code,
        "kind": str(kind_from_register(firm.legal_category, firm.ess)),
        "ess": firm.ess,
        "open": firm.open,
        "head_office": firm.head_office,
        "latitude": str(firm.latitude) if firm.latitude is not None else None,
        "longitude": str(firm.longitude) if firm.longitude is not None else None,
    }


def register_lookup(query: str) -> list[dict]:
    """The firms of the company register matching a SIRET or a name, as organisation form values with
    their labels; kept a day (per register address and query). Raises ServiceDown when the register
    cannot answer (never kept, so the next try asks again)."""
    query = company_register.normalise_query(query)
    digest = hashlib.sha256(f"{settings.COMPANY_REGISTER_URL}|{query.casefold()}".encode()).hexdigest()
    key = f"members:register-lookup:{digest}"
    entries = cache.get(key)
    if entries is None:
        entries = [_register_entry(firm) for firm in company_register.lookup(query)]
        cache.set(key, entries, REGISTER_LOOKUP_SECONDS)
    kinds = dict(OrganisationKind.choices)
    return [
        {
            **entry,
            "kind_label": str(kinds.get(entry["kind"], "")),
            "headcount_label": company_register.headcount_label(entry["headcount_code"]),
        }
        for entry in entries
    ]


def person_by_calendar_token(token: str) -> Person | None:
    """The active person whose personal calendar address holds `token` (None: unknown or renewed)."""
    if not token:
        return None
    address = (
        CalendarAddress.objects.filter(
            token_hash=hashlib.sha256(token.encode()).hexdigest(), person__user__is_active=True
        )
        .select_related("person__user")
        .first()
    )
    return address.person if address else None


def calendar_address_made_at(person: Person):
    """When the person's calendar address was made (None: never)."""
    return CalendarAddress.objects.filter(person=person).values_list("created_at", flat=True).first()
