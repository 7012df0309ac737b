"""Needs surveys: an organiser opens one for a club's zone or for the whole cluster; each firm gets
a link with a signed token (no account needed), answers once, and the answers are aggregated into
a ranked list of common problems with counts and quotes (XLSX export, public results on request).
"""

import datetime
import io
import secrets
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .models import (
    Club,
    CommonProblem,
    Importance,
    Organisation,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)

TOKEN_SALT = "members.survey-invitation"  # noqa: S105 - a signing salt, not a secret
# However long a survey stays open, a link never works for more than a year.
TOKEN_MAX_AGE = datetime.timedelta(days=366)
QUOTES_PER_PROBLEM = 5
FREE_TEXT_QUOTES = 20


class SurveyLinkError(Exception):
    """Why a survey link cannot be used: "invalid" (tampered or unknown), "expired", "answered"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- Opening a survey and its links ---------------------------------------------------------------


def survey_firms(club: Club | None) -> QuerySet[Organisation]:
    """Who is asked: every firm of the club's zones (members or not), or every organisation of the cluster."""
    if club is None:
        return Organisation.objects.all()
    zones = [club.zone_id, *club.other_zones.values_list("pk", flat=True)]
    return Organisation.objects.filter(zone_id__in=zones)


def survey_open(*, title: str, club: Club | None, closes_on: datetime.date, by, introduction: str = "") -> Survey:
    if not permissions.can_organise_clubs(by):
        raise PermissionDenied(_("Only organisers and administrators open a survey."))
    if club is not None and club.is_merged:
        raise ValidationError({"club": _("This club has merged into another one: survey that one.")})
    survey = Survey(title=title.strip(), club=club, closes_on=closes_on, introduction=introduction, created_by=by)
    survey.full_clean()
    with transaction.atomic():
        survey.save()
        invitations = [
            SurveyInvitation(survey=survey, organisation_id=pk, nonce=secrets.token_hex(8))
            for pk in survey_firms(club).values_list("pk", flat=True)
        ]
        SurveyInvitation.objects.bulk_create(invitations, batch_size=1000)
    return survey


def survey_invite(*, survey: Survey, organisation: Organisation, by) -> SurveyInvitation:
    """Adds one firm (a newcomer on the zone) to an open survey; returns its existing link if it has one."""
    if not permissions.can_organise_clubs(by):
        raise PermissionDenied(_("Only organisers and administrators open a survey."))
    invitation, _created = SurveyInvitation.objects.get_or_create(
        survey=survey, organisation=organisation, defaults={"nonce": secrets.token_hex(8)}
    )
    return invitation


def survey_email_links(*, survey: Survey, by) -> int:
    """Queues an e-mail with its own link to every firm with a contact address that has neither
    answered nor been e-mailed yet; returns how many will leave. The sending is a background task."""
    if not permissions.can_organise_clubs(by):
        raise PermissionDenied(_("Only organisers and administrators open a survey."))
    if not survey.is_open:
        raise ValidationError(_("This survey is closed: its links no longer work."))
    pending = _invitations_to_email(survey)
    count = pending.count()
    if count:
        from .tasks import email_survey_links

        transaction.on_commit(lambda: email_survey_links.enqueue(survey.pk))
    return count


def _invitations_to_email(survey: Survey) -> QuerySet[SurveyInvitation]:
    return SurveyInvitation.objects.filter(survey=survey, emailed_at__isnull=True, response__isnull=True).exclude(
        organisation__email=""
    )


def survey_email_links_run(survey_id: int) -> int:
    """The task's work: one e-mail per firm, each marked as sent at once so a retry skips it."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse

    survey = Survey.objects.select_related("club").get(pk=survey_id)
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    sent = 0
    for invitation in _invitations_to_email(survey).select_related("organisation").iterator(chunk_size=200):
        link = base_url + reverse("club:survey_answer", args=[invitation_token(invitation)])
        context = {"survey": survey, "organisation": invitation.organisation, "link": link}
        send_mail(
            subject=_("%(title)s: your firm's opinion") % {"title": survey.title},
            message=render_to_string("members/email/survey_link.txt", context),
            from_email=None,
            recipient_list=[invitation.organisation.email],
        )
        SurveyInvitation.objects.filter(pk=invitation.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def invitation_token(invitation: SurveyInvitation) -> str:
    return signing.dumps([invitation.pk, invitation.nonce], salt=TOKEN_SALT, compress=True)


def invitation_from_token(token: str, *, for_update: bool = False) -> SurveyInvitation:
    """The invitation a link stands for, or SurveyLinkError: tampered, unknown, expired or already answered."""
    try:
        invitation_id, nonce = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise SurveyLinkError("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise SurveyLinkError("invalid") from None
    queryset = SurveyInvitation.objects.select_related("survey__club__zone", "organisation")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(pk=invitation_id).first() if isinstance(invitation_id, int) else None
    if invitation is None or not secrets.compare_digest(str(nonce), invitation.nonce):
        raise SurveyLinkError("invalid")
    if not invitation.survey.is_open:
        raise SurveyLinkError("expired")
    if SurveyResponse.objects.filter(invitation=invitation).exists():
        raise SurveyLinkError("answered")
    return invitation


def survey_answer(*, token: str, answers: list[dict], free_text: str = "", respondent_name: str = "") -> SurveyResponse:
    """Stores a firm's answer once: a second submission of the same link is refused, even concurrently."""
    problems = set(CommonProblem.values)
    for answer in answers:
        if answer["problem"] not in problems or answer["importance"] not in Importance.values:
            raise ValidationError(_("This answer does not match the questionnaire."))
    if not answers and not free_text.strip():
        raise ValidationError(_("Tick at least one problem or write a remark."))
    try:
        with transaction.atomic():
            invitation = invitation_from_token(token, for_update=True)
            response = SurveyResponse.objects.create(
                invitation=invitation,
                survey=invitation.survey,
                free_text=free_text.strip()[:3000],
                respondent_name=respondent_name.strip()[:150],
            )
            SurveyAnswer.objects.bulk_create(
                SurveyAnswer(
                    response=response,
                    survey=invitation.survey,
                    problem=answer["problem"],
                    importance=answer["importance"],
                    comment=answer.get("comment", "").strip()[:500],
                )
                for answer in answers
            )
    except IntegrityError:
        raise SurveyLinkError("answered") from None
    return response


def survey_update(*, survey: Survey, by) -> Survey:
    """An organiser's edit of a survey's wording, dates or publication; its club (hence its firms) stays."""
    if not permissions.can_organise_clubs(by):
        raise PermissionDenied(_("Only organisers and administrators open a survey."))
    previous_club = Survey.objects.values_list("club_id", flat=True).get(pk=survey.pk)
    if survey.club_id != previous_club:
        raise ValidationError({"club": _("The club of a survey cannot change once its links exist: open a new one.")})
    survey.full_clean()
    survey.save()
    return survey


def survey_set_public(*, survey: Survey, public: bool, by) -> Survey:
    if not permissions.can_organise_clubs(by):
        raise PermissionDenied(_("Only organisers and administrators publish results."))
    survey.results_public = public
    survey.save(update_fields=["results_public"])
    return survey


# --- Reading the results ----------------------------------------------------------------------


@dataclass
class ProblemResult:
    problem: str
    label: str
    firms: int
    urgent: int
    important: int
    minor: int
    score: int
    share: int  # % of the responding firms
    quotes: list


def surveys_for(user) -> QuerySet[Survey]:
    """The surveys an organiser manages (all of them), with their counts."""
    if not permissions.can_organise_clubs(user):
        return Survey.objects.none()
    return (
        Survey.objects.select_related("club")
        .annotate(
            invitation_count=Count("invitations", distinct=True), response_count=Count("responses", distinct=True)
        )
        .order_by("-opened_on", "-pk")
    )


def public_surveys() -> QuerySet[Survey]:
    return Survey.objects.filter(results_public=True).select_related("club")


def survey_results(survey: Survey) -> dict:
    """The ranked problems (most firms concerned first, then the most urgent) with counts and quotes.

    A fixed number of queries whatever the number of answers: one GROUP BY, one windowed query for
    the quotes, one for the free remarks, two counts.
    """
    responses = SurveyResponse.objects.filter(survey=survey).count()
    invitations = SurveyInvitation.objects.filter(survey=survey).count()
    rows = (
        SurveyAnswer.objects.filter(survey=survey)
        .values("problem")
        .annotate(
            firms=Count("pk"),
            urgent=Count("pk", filter=Q(importance=Importance.URGENT)),
            important=Count("pk", filter=Q(importance=Importance.IMPORTANT)),
            minor=Count("pk", filter=Q(importance=Importance.MINOR)),
            score=Sum("importance"),
        )
    )
    quotes: dict[str, list] = {}
    latest_comments = (
        SurveyAnswer.objects.filter(survey=survey)
        .exclude(comment="")
        .annotate(
            rank=Window(RowNumber(), partition_by=F("problem"), order_by=[F("importance").desc(), F("pk").desc()])
        )
        .filter(rank__lte=QUOTES_PER_PROBLEM)
        .values_list("problem", "comment")
    )
    for problem, comment in latest_comments:
        quotes.setdefault(problem, []).append(comment)
    labels = dict(CommonProblem.choices)
    ranking = [
        ProblemResult(
            problem=row["problem"],
            label=str(labels.get(row["problem"], row["problem"])),
            firms=row["firms"],
            urgent=row["urgent"],
            important=row["important"],
            minor=row["minor"],
            score=row["score"] or 0,
            share=round(100 * row["firms"] / responses) if responses else 0,
            quotes=quotes.get(row["problem"], []),
        )
        for row in rows
    ]
    ranking.sort(key=lambda result: (-result.firms, -result.score, result.label))
    remarks = list(
        SurveyResponse.objects.filter(survey=survey)
        .exclude(free_text="")
        .order_by("-submitted_at")
        .values_list("free_text", flat=True)[:FREE_TEXT_QUOTES]
    )
    return {
        "responses": responses,
        "invitations": invitations,
        "rate": round(100 * responses / invitations) if invitations else 0,
        "ranking": ranking,
        "remarks": remarks,
        "max_firms": max((result.firms for result in ranking), default=0),
    }


def survey_invitations(survey: Survey) -> QuerySet[SurveyInvitation]:
    return (
        SurveyInvitation.objects.filter(survey=survey)
        .select_related("organisation")
        .annotate(answered=Count("response"))
        .order_by("organisation__name")
    )


def survey_workbook(survey: Survey) -> bytes:
    """XLSX: the ranking, then one line per responding firm (for the organisers, names included)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    results = survey_results(survey)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Ranking")[:31]
    headers = [_("Rank"), _("Problem"), _("Firms concerned"), _("Urgent"), _("Important"), _("Minor"),
               _("Score"), _("% of responding firms"), _("Quotes")]  # fmt: skip
    sheet.append(headers)
    for rank, result in enumerate(results["ranking"], start=1):
        sheet.append([rank, result.label, result.firms, result.urgent, result.important, result.minor,
                      result.score, result.share, "\n".join(result.quotes)])  # fmt: skip
    answers_sheet = workbook.create_sheet(_("Responses")[:31])
    problems = list(CommonProblem)
    answers_sheet.append([_("Firm"), _("SIRET"), _("Submitted"), *[str(p.label) for p in problems],
                          _("Comments"), _("Other needs or remarks")])  # fmt: skip
    responses = (
        SurveyResponse.objects.filter(survey=survey)
        .select_related("invitation__organisation")
        .prefetch_related("answers")
        .order_by("submitted_at")
    )
    for response in responses.iterator(chunk_size=500):
        by_problem = {answer.problem: answer for answer in response.answers.all()}
        comments = "\n".join(
            f"{answer.get_problem_display()} : {answer.comment}" for answer in by_problem.values() if answer.comment
        )
        organisation = response.invitation.organisation
        answers_sheet.append([
            organisation.name, organisation.siret, timezone.localtime(response.submitted_at).replace(tzinfo=None),
            *[by_problem[p.value].importance if p.value in by_problem else None for p in problems],
            comments, response.free_text,
        ])  # fmt: skip
    for worksheet in workbook.worksheets:
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
