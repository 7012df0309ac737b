"""What the clubs hold about a person (board seats, prospect contacts recorded, needs-survey answers
signed), for the privacy app (portal/privacy/registry.py), with their retention purges."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.members.models import Organisation, Person
from portal.privacy import registry

from .models import (
    Club,
    ClubBoardMember,
    JoinRequest,
    JoinRequestStatus,
    ProspectContact,
    ProspectFile,
    ProspectingObjection,
    SurveyResponse,
)


def export_board_seats(person: Person) -> list[dict]:
    return [
        {_("Club"): seat.club.name, _("Position"): seat.get_position_display(), _("Since"): seat.since}
        for seat in ClubBoardMember.objects.filter(person=person).select_related("club")
    ]


def erase_board_seats(person: Person) -> None:
    # A board lists people by name: a former member leaves it (the club's history keeps its stages).
    ClubBoardMember.objects.filter(person=person).delete()


def export_accompanied_clubs(person: Person) -> list[dict]:
    """The clubs this person accompanies on their path to autonomy."""
    return [
        {_("Club"): club.name, _("Stage"): club.get_stage_display(), _("Autonomy planned on"): club.autonomy_planned_on}
        for club in Club.objects.filter(accompanied_by=person).order_by("name")
    ]


def erase_accompanied_clubs(person: Person) -> None:
    # The club goes on without a named companion (another animator takes it on).
    Club.objects.filter(accompanied_by=person).update(accompanied_by=None)


def export_prospect_contacts(person: Person) -> list[dict]:
    """Contacts with prospect firms this person logged (as an animator), and the firms they follow."""
    rows = [
        {
            _("Organisation"): contact.organisation.name,
            _("Kind"): contact.get_kind_display(),
            _("Contact status"): contact.get_status_display(),
            _("Outcome"): contact.get_outcome_display(),
            _("Date"): contact.contacted_on,
            _("Note"): contact.note,
        }
        for contact in ProspectContact.objects.filter(by=person.user).select_related("organisation")
    ]
    rows += [
        {
            _("Organisation"): prospect_file.organisation.name,
            _("Followed by"): str(person),
            _("Next action"): prospect_file.get_next_action_display(),
            _("Due on"): prospect_file.next_action_due,
        }
        for prospect_file in ProspectFile.objects.filter(assigned_to=person.user).select_related("organisation")
    ]
    return rows


def erase_prospect_contacts(person: Person) -> None:
    # The log is the firm's file: its lines stay, signed by the erased account's pseudonym. The firms
    # the person followed go back to nobody (another animator takes them on).
    ProspectFile.objects.filter(assigned_to=person.user).update(assigned_to=None)


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
    # Notes on calls and visits may name the people met; three years without news and they go, and
    # with them a follow-up nobody touched since (its next action long past).
    ProspectFile.objects.filter(updated_at__lt=cutoff, next_action_due__lt=cutoff.date()).update(
        next_action="", next_action_due=None, assigned_to=None
    )
    # A firm's latest contact is the last of its log to pass the cutoff: when it goes, all its contacts
    # do, and its file's pointer, emptied, says "never contacted" (ProspectFile.latest_contact).
    return ProspectContact.objects.filter(contacted_on__lt=cutoff.date()).delete()[0]


def purge_survey_respondent_names(cutoff) -> int:
    # The answers stay (they are the firm's and feed the aggregated results); the name typed goes.
    return (
        SurveyResponse.objects.filter(survey__closes_on__lt=cutoff.date())
        .exclude(respondent_name="")
        .update(respondent_name="")
    )


def purge_join_requests(cutoff) -> int:
    # An answered request names the person who asked and their colleagues: it goes with the prospects'
    # contacts (an accepted firm lives on as an organisation, its people as invited accounts).
    answered = JoinRequest.objects.exclude(status=JoinRequestStatus.PENDING).filter(decided_at__lt=cutoff)
    return answered.delete()[0]


def export_address(email: str) -> list[dict]:
    """A prospect firm's professional address: the firms whose contact address it is, its objection."""
    rows = [
        {_("Organisation"): firm.name, _("Contact e-mail"): firm.email}
        for firm in Organisation.objects.filter(email__iexact=email)
    ]
    rows += [
        {_("Objection to prospecting"): objection.get_source_display(), _("Date"): objection.created_at}
        for objection in ProspectingObjection.objects.filter(email__iexact=email)
    ]
    return rows


def erase_address(email: str) -> None:
    # The firm's file stays (its public details are the firm's); the address leaves it. The objection
    # is kept: erasing an address must not make it reachable again (RGPD art. 17 and 21).
    Organisation.objects.filter(email__iexact=email).update(email="")


def register() -> None:
    """Called from ClubsConfig.ready()."""
    registry.register_section(
        "club_boards", label=gettext_lazy("Seats on club boards"), export=export_board_seats,
        erase=erase_board_seats, order=4,
    )  # fmt: skip
    registry.register_section(
        "accompanied_clubs", label=gettext_lazy("Clubs I accompany to autonomy"), export=export_accompanied_clubs,
        erase=erase_accompanied_clubs, order=4,
    )  # fmt: skip
    registry.register_section(
        "survey_answers", label=gettext_lazy("My answers to the clubs' needs surveys"),
        export=export_survey_answers, erase=erase_survey_answers, order=6,
    )  # fmt: skip
    registry.register_section(
        "prospect_contacts", label=gettext_lazy("Contacts with prospect firms I recorded"),
        export=export_prospect_contacts, erase=erase_prospect_contacts, order=5,
    )  # fmt: skip
    registry.register_processing(
        "prospects",
        title=gettext_lazy("Prospect firms of the business parks"),
        purpose=gettext_lazy(
            "Inviting the firms of each zone to join: the firm's public details (name, SIRET, address, sector, "
            "headcount), who follows it and its next action, and the dated log of the contacts with it (invited, "
            "called, visited: who, when, how, what came of it and what was said)."
        ),
        legal_basis=gettext_lazy("Legitimate interest of the cluster (business-to-business prospecting)"),
        data=[
            gettext_lazy("firm's details"),
            gettext_lazy("dates, kinds, outcomes and notes of the contacts"),
            gettext_lazy("organiser who recorded them"),
            gettext_lazy("animator who follows the firm and the next action planned"),
        ],  # fmt: skip
        retention_setting="prospect_contacts",
        order=6,
    )
    registry.register_purge(
        "prospect_contacts", label=gettext_lazy("Contacts with prospect firms"),
        retention_setting="prospect_contacts", purge=purge_prospect_contacts,
    )  # fmt: skip
    registry.register_address_section(
        "prospects", label=gettext_lazy("Prospect firms"), export=export_address, erase=erase_address, order=5
    )
    registry.register_processing(
        "prospecting_objections",
        title=gettext_lazy("Objections to prospecting"),
        purpose=gettext_lazy(
            "Honouring the objection of a firm or an address to the cluster's prospecting: it is made by the "
            "one-click link of any letter to prospects (no account needed) or by telling the cluster, and from "
            "then on no letter, campaign invitation, reminder or survey link is written to it."
        ),
        legal_basis=gettext_lazy("Legal obligation (right to object, RGPD art. 21)"),
        data=[gettext_lazy("e-mail address or firm"), gettext_lazy("date and how the objection was made")],
        retention=gettext_lazy("as long as the objection must hold"),
        order=6,
    )
    registry.register_processing(
        "join_requests",
        title=gettext_lazy("Requests to join a club made on the site"),
        purpose=gettext_lazy(
            "Answering a firm that asks to join the club of its business park: the firm's details, the name, "
            "e-mail, phone and job title of the person who asks, the colleagues' e-mail addresses to invite and "
            "the message; the animator's answer and, if refused, its reason."
        ),
        legal_basis=gettext_lazy("Steps taken at the request of the firm before its membership"),
        data=[
            gettext_lazy("firm's details"),
            gettext_lazy("name, e-mail, phone and job title of the person who asks"),
            gettext_lazy("colleagues' e-mail addresses"),
        ],  # fmt: skip
        retention_setting="prospect_contacts",
        order=6,
    )
    registry.register_purge(
        "join_requests", label=gettext_lazy("Answered requests to join a club"),
        retention_setting="prospect_contacts", purge=purge_join_requests,
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
