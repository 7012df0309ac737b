"""The members directory's and this app's own part of the registry: profile, memberships, consents."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.members.models import Invitation, Person

from . import registry
from .models import Consent, ExportAccess


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


def export_consents(person: Person) -> list[dict]:
    return [
        {
            _("Purpose"): consent.get_purpose_display(),
            _("Wording agreed to"): consent.wording,
            _("Given"): consent.given_at,
            _("Withdrawn"): consent.withdrawn_at,
        }
        for consent in Consent.objects.filter(person=person).order_by("given_at", "pk")
    ]


def purge_export_log(cutoff) -> int:
    return ExportAccess.objects.filter(created_at__lt=cutoff).delete()[0]


def register() -> None:
    registry.register_section("profile", label=gettext_lazy("Profile"), export=export_profile, order=0)
    registry.register_section("memberships", label=gettext_lazy("Memberships of my organisation"),
                              export=export_memberships, order=1)  # fmt: skip
    registry.register_section(
        "invitations", label=gettext_lazy("Invitations"), export=export_invitations, erase=erase_invitations, order=2
    )
    registry.register_section("consents", label=gettext_lazy("Consents"), export=export_consents, order=3)
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
    registry.register_processing(
        "consents",
        title=gettext_lazy("Consents"),
        purpose=gettext_lazy(
            "Proving the consents given to the public directory listing, the newsletters and being shown as a "
            "contact person, and their withdrawal."
        ),
        legal_basis=gettext_lazy("Legal obligation (proof of consent)"),
        data=[gettext_lazy("purpose"), gettext_lazy("wording agreed to"), gettext_lazy("dates")],
        retention=gettext_lazy("As long as the account exists."),
        order=1,
    )
    registry.register_processing(
        "export_log",
        title=gettext_lazy("Log of personal data exports"),
        purpose=gettext_lazy("Knowing which administrator downloaded which personal data, and when."),
        legal_basis=gettext_lazy("Legitimate interest (security of personal data)"),
        data=[gettext_lazy("administrator's name and e-mail"), gettext_lazy("file downloaded"), gettext_lazy("date")],
        retention_setting="export_log",
        order=90,
    )
    registry.register_purge(
        "export_log", label=gettext_lazy("Log of personal data exports"), retention_setting="export_log",
        purge=purge_export_log,
    )  # fmt: skip
