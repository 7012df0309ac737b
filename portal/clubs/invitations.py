"""What a campaign may invite its firms to, told by the apps that own those things.

The clubs do not import the agenda or the Bourse d'échanges (they come later in the layering): each
app registers here, from its AppConfig.ready, how to list the things of its kind a club may invite to
and how to read one (its title, where the firm acts, until when). The needs surveys are the clubs' own.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Invitable:
    """One thing a campaign invites to, as the campaign's screens, e-mails and link need it."""

    title: str
    ends_at: datetime.datetime | None  # no link, no reminder after it
    when: str = ""  # the date as the e-mail says it, if it has one


@dataclass(frozen=True)
class Kind:
    # (club) -> [(id, label)]: the things of this kind the club's campaigns may invite to now
    choices: Callable
    # (id) -> Invitable | None
    read: Callable
    # (id, organisation, request) -> the URL where this firm acts (it may create what it needs, such as
    # the firm's survey invitation)
    url_for: Callable
    acted_label: str = ""


_KINDS: dict[str, Kind] = {}


def register(kind: str, *, choices: Callable, read: Callable, url_for: Callable, acted_label: str) -> None:
    _KINDS[kind] = Kind(choices=choices, read=read, url_for=url_for, acted_label=acted_label)


def kind(name: str) -> Kind | None:
    return _KINDS.get(name)


def choices_for(club) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Grouped choices for a form: [(kind, kind label, [("kind:id", label), …]), …]."""
    from .models import InvitationKind

    groups = []
    for value, label in InvitationKind.choices:
        registered = _KINDS.get(value)
        if registered is not None:
            groups.append((value, str(label), [(f"{value}:{pk}", text) for pk, text in registered.choices(club)]))
    return groups


def read(campaign) -> Invitable | None:
    registered = _KINDS.get(campaign.invite_kind)
    if registered is None or campaign.invite_id is None:
        return None
    return registered.read(campaign.invite_id)


# --- The clubs' own kind: a needs survey -------------------------------------------------------------


def _survey_choices(club) -> list[tuple[int, str]]:
    from django.db.models import Q
    from django.utils import timezone

    from .models import Survey

    today = timezone.localdate()
    surveys = Survey.objects.filter(Q(club=club) | Q(club__isnull=True), opened_on__lte=today, closes_on__gte=today)
    return [(survey.pk, survey.title) for survey in surveys.order_by("closes_on", "pk")]


def _survey_read(pk: int) -> Invitable | None:
    from django.utils import formats, timezone
    from django.utils.translation import gettext as _

    from .models import Survey

    survey = Survey.objects.filter(pk=pk).first()
    if survey is None:
        return None
    closes = datetime.datetime.combine(survey.closes_on + datetime.timedelta(days=1), datetime.time())
    when = _("Open until %(date)s.") % {"date": formats.date_format(survey.closes_on, "DATE_FORMAT")}
    return Invitable(title=survey.title, ends_at=timezone.make_aware(closes), when=when)


def _survey_url(pk: int, organisation) -> str:
    """The firm's own questionnaire (its survey invitation made if it had none)."""
    from django.urls import reverse

    from . import services
    from .links import new_nonce
    from .models import SurveyInvitation

    invitation, _created = SurveyInvitation.objects.get_or_create(
        survey_id=pk, organisation=organisation, defaults={"nonce": new_nonce()}
    )
    return reverse("club:survey_answer", args=[services.invitation_token(invitation)])


def register_surveys() -> None:
    from django.utils.translation import gettext_lazy as _

    from .models import InvitationKind

    register(InvitationKind.SURVEY, choices=_survey_choices, read=_survey_read, url_for=_survey_url,
             acted_label=_("Have answered"))  # fmt: skip
