"""The members directory's and this app's own part of the registry: profile, memberships, consents."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.members.models import ClubBoardMember, Invitation, Person, ProspectContact, SurveyResponse

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


def export_board_seats(person: Person) -> list[dict]:
    return [
        {_("Club"): seat.club.name, _("Position"): seat.get_position_display(), _("Since"): seat.since}
        for seat in ClubBoardMember.objects.filter(person=person).select_related("club")
    ]


def erase_board_seats(person: Person) -> None:
    # A board lists people by name: a former member leaves it (the club's history keeps its stages).
    ClubBoardMember.objects.filter(person=person).delete()


def export_prospect_contacts(person: Person) -> list[dict]:
    """Contacts with prospect firms this person recorded (as an organiser)."""
    return [
        {
            _("Organisation"): contact.organisation.name,
            _("Contact status"): contact.get_status_display(),
            _("Date"): contact.contacted_on,
            _("Note"): contact.note,
        }
        for contact in ProspectContact.objects.filter(by=person.user).select_related("organisation")
    ]


def _own_survey_responses(person: Person):
    """The needs-survey answers the person signed: the survey link is the firm's and the name is
    typed freely, so an answer is theirs when it came from their organisation under their name."""
    name = person.user.get_full_name().strip()
    if not person.organisation_id or not name:
        return SurveyResponse.objects.none()
    return SurveyResponse.objects.filter(
        invitation__organisation_id=person.organisation_id, respondent_name__iexact=name
    ).select_related("survey", "invitation__organisation")


def export_survey_answers(person: Person) -> list[dict]:
    rows = []
    for response in _own_survey_responses(person).prefetch_related("answers"):
        problems = "; ".join(
            " — ".join(filter(None, [answer.get_problem_display(), answer.get_importance_display(), answer.comment]))
            for answer in response.answers.all()
        )
        rows.append({
            _("Survey"): response.survey.title,
            _("Organisation"): response.invitation.organisation.name,
            _("Name given"): response.respondent_name,
            _("Needs"): problems,
            _("Other needs or remarks"): response.free_text,
            _("Submitted"): response.submitted_at,
        })  # fmt: skip
    return rows


def erase_survey_answers(person: Person) -> None:
    # The answers are the firm's and feed the aggregated results: they stay; the name typed goes.
    _own_survey_responses(person).update(respondent_name="")


def purge_prospect_contacts(cutoff) -> int:
    # Notes on calls and visits may name the people met; three years without news and they go.
    return ProspectContact.objects.filter(contacted_on__lt=cutoff.date()).delete()[0]


def purge_survey_respondent_names(cutoff) -> int:
    # The answers stay (they are the firm's and feed the aggregated results); the name typed goes.
    return (
        SurveyResponse.objects.filter(survey__closes_on__lt=cutoff.date())
        .exclude(respondent_name="")
        .update(respondent_name="")
    )


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
    registry.register_section(
        "club_boards", label=gettext_lazy("Seats on club boards"), export=export_board_seats,
        erase=erase_board_seats, order=4,
    )  # fmt: skip
    registry.register_section(
        "survey_answers", label=gettext_lazy("My answers to the clubs' needs surveys"),
        export=export_survey_answers, erase=erase_survey_answers, order=6,
    )  # fmt: skip
    registry.register_section(
        "prospect_contacts", label=gettext_lazy("Contacts with prospect firms I recorded"),
        export=export_prospect_contacts, order=5,
    )  # fmt: skip
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
        "prospects",
        title=gettext_lazy("Prospect firms of the business parks"),
        purpose=gettext_lazy(
            "Inviting the firms of each zone to join: the firm's public details (name, SIRET, address, sector, "
            "headcount) and the history of the contacts with it (invited, called, visited)."
        ),
        legal_basis=gettext_lazy("Legitimate interest of the cluster (business-to-business prospecting)"),
        data=[
            gettext_lazy("firm's details"),
            gettext_lazy("dates and notes of the contacts"),
            gettext_lazy("organiser who recorded them"),
        ],  # fmt: skip
        retention_setting="prospect_contacts",
        order=6,
    )
    registry.register_purge(
        "prospect_contacts", label=gettext_lazy("Contacts with prospect firms"),
        retention_setting="prospect_contacts", purge=purge_prospect_contacts,
    )  # fmt: skip
    registry.register_processing(
        "needs_surveys",
        title=gettext_lazy("Needs surveys of the clubs"),
        purpose=gettext_lazy(
            "Collecting the common problems of the firms of a zone through one link per firm, ranked into "
            "common issues; the name of the person who answered, if given, lets the organiser call back."
        ),
        legal_basis=gettext_lazy("Legitimate interest of the cluster"),
        data=[gettext_lazy("name of the person who answered (optional)"), gettext_lazy("answers and remarks")],
        retention_setting="survey_respondent_names",
        order=7,
    )
    registry.register_purge(
        "survey_respondent_names", label=gettext_lazy("Names of the people who answered the needs surveys"),
        retention_setting="survey_respondent_names", purge=purge_survey_respondent_names,
    )  # fmt: skip
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
