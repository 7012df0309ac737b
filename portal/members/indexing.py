"""What the members' directory gives the portal's search: the "members" grant, and the facets of
organisations (their kind, their business park) that other apps' documents carry too.

A person with a member profile and an active account finds the documents shown to members (best
practices for members, the Bourse's resource sheets…); other apps mark those documents with MEMBERS.
"""

from django.utils.translation import gettext_lazy as _

from search import registry

from .models import Organisation, Sector
from .permissions import person_of

# The grant of the documents every member may find.
MEMBERS = "members"
# Facets: the kind of organisation (Organisation.sector) and the business park (zone).
ORGANISATION_KIND, ZONE = "organisation_kind", "zone"


def organisation_facets(organisation: Organisation | None) -> dict[str, str]:
    """The facets a document about or by this organisation carries: its kind and its zone."""
    if organisation is None:
        return {}
    return {ORGANISATION_KIND: organisation.sector, ZONE: organisation.zone.name if organisation.zone_id else ""}


def member_grants(user) -> list[str]:
    person = person_of(user)
    if person is None or not user.is_active:
        return []
    return [MEMBERS]


def register() -> None:
    """Called from MembersConfig.ready()."""
    registry.register_grants(member_grants)
    registry.register_facet(
        ORGANISATION_KIND,
        label=_("Kind of organisation"),
        value_labels=dict(Sector.choices),
        order=20,
    )
    registry.register_facet(ZONE, label=_("Business park"), order=40)
