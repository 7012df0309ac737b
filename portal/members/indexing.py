"""What the members' directory gives the portal's search: the "members" grant.

A person with a member profile and an active account finds the documents shown to members (best
practices for members, the Bourse's resource sheets…); other apps mark those documents with MEMBERS.
"""

from search import registry

from .permissions import person_of

# The grant of the documents every member may find.
MEMBERS = "members"


def member_grants(user) -> list[str]:
    person = person_of(user)
    if person is None or not user.is_active:
        return []
    return [MEMBERS]


def register() -> None:
    """Called from MembersConfig.ready()."""
    registry.register_grants(member_grants)
