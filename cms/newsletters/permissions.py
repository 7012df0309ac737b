"""Who may read which archived newsletter."""

from django.db.models import Q

from portal.members.permissions import is_administrator

from .models import Audience


def archive_filter(user) -> Q:
    """The sent letters `user` may read in the archive: those sent to the public, for everyone; those
    sent to members (of the cluster, an axis or a club) only by the people they were delivered to.
    Administrators read every letter."""
    if is_administrator(user):
        return Q()
    public = Q(audience=Audience.SUBSCRIBERS)
    if not user or not user.is_authenticated or not user.is_active or not user.email:
        return public
    return public | Q(deliveries__email__iexact=user.email)
