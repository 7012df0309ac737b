"""What the members directory holds about a person, for the privacy registry: the profile, the
organisation's memberships and the invitations (see portal/privacy/registry.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.privacy import registry

from .models import Invitation, Person


def export_profile(person: Person) -> list[dict]:
    user = person.user
    return [
        {
            _("First name"): user.first_name,
            _("Last name"): user.last_name,
            _("E-mail"): user.email,
            _("Job title"): person.job_title,
            _("Phone"): person.phone,
            _("Role in the cluster"): person.get_role_display(),
            _("Handle"): f"@{person.handle}",
            _("Organisation"): person.organisation.name if person.organisation_id else "",
            _("Daily digest by e-mail"): person.receives_daily_digest,
            _("Account created"): user.date_joined,
            _("Last sign-in"): user.last_login,
        }
    ]


def export_memberships(person: Person) -> list[dict]:
    if not person.organisation_id:
        return []
    return [
        {
            _("Organisation"): membership.organisation.name,
            _("Membership of"): membership.club.name if membership.club_id else _("The cluster"),
            _("Status"): membership.get_status_display(),
            _("Start date"): membership.started_on,
            _("End date"): membership.ended_on,
        }
        for membership in person.organisation.memberships.select_related("organisation", "club")
    ]


def export_invitations(person: Person) -> list[dict]:
    invitations = Invitation.objects.filter(accepted_by=person.user) | Invitation.objects.filter(
        email__iexact=person.user.email
    )
    return [
        {
            _("E-mail"): invitation.email,
            _("Organisation"): invitation.organisation.name,
            _("Sent"): invitation.created_at,
            _("Accepted"): invitation.accepted_at,
        }
        for invitation in invitations.select_related("organisation").distinct()
    ] if person.user.email else []  # fmt: skip


def erase_invitations(person: Person) -> None:
    if person.user.email:
        Invitation.objects.filter(email__iexact=person.user.email).delete()


def register() -> None:
    registry.register_section("profile", label=gettext_lazy("Profile"), export=export_profile, order=0)
    registry.register_section("memberships", label=gettext_lazy("Memberships of my organisation"),
                              export=export_memberships, order=1)  # fmt: skip
    registry.register_section(
        "invitations", label=gettext_lazy("Invitations"), export=export_invitations, erase=erase_invitations, order=2
    )
    registry.register_processing(
        "members",
        title=gettext_lazy("Members directory and accounts"),
        purpose=gettext_lazy("Managing the memberships of the cluster and its clubs, and the members' accounts."),
        legal_basis=gettext_lazy("Performance of the membership contract"),
        data=[
            gettext_lazy("name"),
            gettext_lazy("e-mail"),
            gettext_lazy("phone"),
            gettext_lazy("job title"),
            gettext_lazy("organisation"),
            gettext_lazy("role"),
        ],  # fmt: skip
        retention=gettext_lazy("As long as the account exists; erased when the person deletes it."),
        order=0,
    )
