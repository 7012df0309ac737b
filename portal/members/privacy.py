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
            _("Workgroup notifications"): person.get_message_notifications_display(),
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


def export_sign_in(person: Person) -> list[dict]:
    """The sign-in addresses and two-factor methods of the account (never a secret or a code)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    rows = [
        {_("Item"): _("Sign-in address"), _("Detail"): address.email, _("Set up"): None, _("Last used"): None}
        for address in EmailAddress.objects.filter(user=person.user)
    ]
    for authenticator in Authenticator.objects.filter(user=person.user).order_by("created_at"):
        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            left = len(authenticator.wrap().get_unused_codes())
            item, detail = _("Recovery codes"), _("%(count)s unused") % {"count": left}
        else:
            item, detail = _("Authenticator app"), ""
        rows.append({_("Item"): item, _("Detail"): detail, _("Set up"): authenticator.created_at,
                     _("Last used"): authenticator.last_used_at})  # fmt: skip
    return rows


def erase_sign_in(person: Person) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    EmailAddress.objects.filter(user=person.user).delete()
    Authenticator.objects.filter(user=person.user).delete()


def register() -> None:
    registry.register_section("profile", label=gettext_lazy("Profile"), export=export_profile, order=0)
    registry.register_section("memberships", label=gettext_lazy("Memberships of my organisation"),
                              export=export_memberships, order=1)  # fmt: skip
    registry.register_section(
        "invitations", label=gettext_lazy("Invitations"), export=export_invitations, erase=erase_invitations, order=2
    )
    registry.register_section(
        "sign_in", label=gettext_lazy("Sign-in and security"), export=export_sign_in, erase=erase_sign_in, order=3
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
            gettext_lazy("two-factor authentication methods (never the codes themselves)"),
        ],  # fmt: skip
        retention=gettext_lazy("As long as the account exists; erased when the person deletes it."),
        order=0,
    )
    registry.register_processing(
        "sign_in_security",
        title=gettext_lazy("Protection of the accounts against password guessing"),
        purpose=gettext_lazy(
            "Counting failed sign-ins per account and per connection to lock them after too many, and logging "
            "sign-ins and changes to an account's security (password, two-factor authentication)."
        ),
        legal_basis=gettext_lazy("Legitimate interest: the security of the members' accounts and data"),
        data=[
            gettext_lazy("IP address of the connection"),
            gettext_lazy("e-mail address typed, only as a fingerprint in the failure counters"),
            gettext_lazy("account number and time of sign-ins and security changes, in the server logs"),
        ],  # fmt: skip
        retention=gettext_lazy(
            "Failure counters: 15 minutes at most. Server logs: as long as the host keeps them (no e-mail "
            "address is written in them)."
        ),
        order=1,
    )
