"""Forms of the clubs' pages: stage changes, mergers, imports, prospects, surveys."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import add_honeypot
from portal.members.models import Zone

from .models import (
    ActionKind,
    CampaignKind,
    CampaignResult,
    Club,
    ClubStage,
    CommonProblem,
    ContactKind,
    ContactOutcome,
    ContactStatus,
    Importance,
    ImportMode,
    JoinRequest,
)

# An extract of the business register for a few communes, all its columns kept: about 300 bytes a line.
MAX_IMPORT_BYTES = 30 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("New stage"), choices=ClubStage.choices)
    changed_on = forms.DateField(label=_("Reached on"), initial=timezone.localdate, widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    unfinished_ok = forms.BooleanField(
        label=_("Move anyway, even if the checklist of the current stage is not done"), required=False
    )


class MergeForm(forms.Form):
    absorbed = forms.ModelChoiceField(
        label=_("Club that joins this one"),
        queryset=Club.objects.none(),
        help_text=_("Its members, commissions, board, history, surveys and plans move here; its page redirects here."),
    )
    merged_on = forms.DateField(label=_("Date of the merger"), initial=timezone.localdate, widget=DateInput())
    confirm = forms.BooleanField(label=_("I understand that the other club will no longer exist on its own."))

    def __init__(self, *args, into: Club, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["absorbed"].queryset = Club.objects.filter(merged_into__isnull=True).exclude(pk=into.pk)


class FirmImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX) or business register extract"),
        help_text=_(
            "Columns: name, SIRET, address, postcode, commune, sector (NAF code), headcount, and optionally "
            "the kind (association, cooperative…). CSV saved by Excel works as is (semicolons, accents). "
            "An extract of the SIRENE establishments file is recognised by its columns."
        ),
    )
    mode = forms.ChoiceField(
        label=_("If some lines have errors"), choices=ImportMode.choices, initial=ImportMode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )  # fmt: skip

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 30 MB: split it into several files."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class ProspectContactForm(forms.Form):
    status = forms.ChoiceField(label=_("Contact status"), choices=ContactStatus.choices)
    contacted_on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ProspectLogForm(forms.Form):
    """Log what was done and said, and in the same form plan what comes next."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices, initial=ContactKind.CALL)
    status = forms.ChoiceField(label=_("Contact status"), choices=ContactStatus.choices, initial=ContactStatus.CALLED)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *ContactOutcome.choices], required=False)
    contacted_on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DateInput())
    note = forms.CharField(
        label=_("What was said"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    email = forms.EmailField(
        label=_("E-mail address given"),
        required=False,
        help_text=_("The firm's professional address, if it gave one: the club's invitations go there."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    next_action = forms.ChoiceField(
        label=_("Next action"), choices=[("", _("Nothing planned")), *ActionKind.choices], required=False
    )
    next_action_due = forms.DateField(label=_("Due on"), required=False, widget=DateInput())


class ProspectPlanForm(forms.Form):
    """Who follows the firm and its next action."""

    assigned_to = forms.ModelChoiceField(
        label=_("Followed by"), queryset=None, required=False, empty_label=_("Nobody yet")
    )
    next_action = forms.ChoiceField(
        label=_("Next action"), choices=[("", _("Nothing planned")), *ActionKind.choices], required=False
    )
    next_action_due = forms.DateField(label=_("Due on"), required=False, widget=DateInput())

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assigned_to"]
        field.queryset = assignees
        field.label_from_instance = lambda user: user.get_full_name() or user.get_username()


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    club = forms.ModelChoiceField(
        label=_("Club"),
        queryset=Club.objects.filter(merged_into__isnull=True),
        required=False,
        empty_label=_("The whole cluster"),
        help_text=_("A club's survey goes to the firms of its zone; the cluster's to the firms of every zone."),
    )
    introduction = forms.CharField(label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    closes_on = forms.DateField(label=_("Closes on"), widget=DateInput())

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        if closes_on < timezone.localdate():
            raise forms.ValidationError(_("The closing date is already past."))
        return closes_on


IMPORTANCE_CHOICES = [("", _("Not a problem for us")), *[(str(v), label) for v, label in Importance.choices]]


class SurveyAnswerForm(forms.Form):
    """The public questionnaire: for each common problem, how much it matters, and a comment."""

    respondent_name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=150)
    free_text = forms.CharField(
        label=_("Other needs or remarks"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for problem in CommonProblem:
            self.fields[f"importance_{problem.value}"] = forms.TypedChoiceField(
                label=problem.label, choices=IMPORTANCE_CHOICES, required=False, coerce=int, empty_value=None
            )
            self.fields[f"comment_{problem.value}"] = forms.CharField(
                label=_("Comment on “%(problem)s” (optional)") % {"problem": problem.label},
                required=False,
                max_length=500,
            )

    def problem_rows(self):
        return [
            (problem, self[f"importance_{problem.value}"], self[f"comment_{problem.value}"])
            for problem in CommonProblem
        ]

    def answers(self) -> list[dict]:
        rows = []
        for problem in CommonProblem:
            importance = self.cleaned_data.get(f"importance_{problem.value}")
            comment = self.cleaned_data.get(f"comment_{problem.value}", "").strip()
            if importance:
                rows.append({"problem": problem.value, "importance": importance, "comment": comment})
        return rows


class AutonomyForm(forms.Form):
    """The club's path to autonomy: who accompanies it, when it should run itself, and the date each
    milestone of the checklist was done (empty: not yet)."""

    accompanied_by = forms.ModelChoiceField(label=_("Accompanying person"), queryset=None, required=False)
    autonomy_planned_on = forms.DateField(label=_("Autonomy planned on"), required=False, widget=DateInput())

    def __init__(self, *args, club, people, **kwargs):
        from .models import Milestone

        initial = {"accompanied_by": club.accompanied_by_id, "autonomy_planned_on": club.autonomy_planned_on}
        initial |= {f"m_{row.milestone}": row.done_on for row in club.milestones.all()}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["accompanied_by"].queryset = people
        for milestone in Milestone:
            self.fields[f"m_{milestone.value}"] = forms.DateField(
                label=milestone.label, required=False, widget=DateInput()
            )

    def milestone_field(self, value: str):
        return self[f"m_{value}"]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        milestones = {name[2:]: value for name, value in data.items() if name.startswith("m_")}
        return {
            "accompanied_by": data["accompanied_by"],
            "autonomy_planned_on": data["autonomy_planned_on"],
            "milestones": milestones,
        }


def _person_name(user) -> str:
    return user.get_full_name() or user.get_username()


class CampaignForm(forms.Form):
    """A campaign: which club, which zone's prospects (by their latest status), who contacts them."""

    title = forms.CharField(label=_("Title"), max_length=150)
    club = forms.ModelChoiceField(label=_("Club"), queryset=Club.objects.none(), empty_label=None)
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=CampaignKind.choices, initial=CampaignKind.PHONING)
    audience = forms.ChoiceField(
        label=_("Which firms"),
        choices=[
            ("prospects", _("The zone's prospects")),
            ("members", _("The zone's members")),
            ("participants", _("The participants of a past event of the club")),
        ],
        initial="prospects",
        required=False,
    )
    past_event = forms.TypedChoiceField(
        label=_("Past event"), required=False, coerce=int, empty_value=None,
        help_text=_("For its participants: the firms registered (the ones that came, once the attendance is taken)."),
    )  # fmt: skip
    status = forms.ChoiceField(
        label=_("Which prospects"),
        required=False,
        choices=[("", _("Every prospect of the zone")), ("none", _("Never contacted")), *ContactStatus.choices[:3]],
        help_text=_("By the latest contact logged with each firm."),
    )
    assignees = forms.ModelMultipleChoiceField(
        label=_("Contacted by"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The firms are shared in turn among the animators ticked."),
    )
    goal = forms.CharField(label=_("Goal"), required=False, max_length=300)

    def __init__(self, *args, clubs, zones, assignees, past_events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["past_event"].choices = [("", _("Choose…")), *past_events]
        self.fields["club"].queryset = clubs
        self.fields["zone"].queryset = zones
        self.fields["assignees"].queryset = assignees
        self.fields["assignees"].label_from_instance = _person_name

    def clean_audience(self):
        return self.cleaned_data["audience"] or "prospects"


class CampaignResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=CampaignResult.choices[1:])
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class CampaignInvitationForm(forms.Form):
    """What the campaign invites to (grouped: events, Bourse sessions, surveys) and its reminders."""

    invitation = forms.ChoiceField(label=_("Invite the firms to"))
    reminder_days = forms.CharField(
        label=_("Reminders, days after the sending"),
        max_length=40,
        required=False,
        help_text=_("For example 7, 14: a reminder a week after the invitation, another a week later."),
    )
    reminder_max = forms.IntegerField(label=_("Reminders at most"), min_value=0, max_value=5, initial=2)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitation"].choices = [("", _("Choose…"))] + [
            (label, options) for _kind, label, options in groups if options
        ]

    def clean_reminder_days(self) -> list[int]:
        parts = [part.strip() for part in self.cleaned_data["reminder_days"].replace(";", ",").split(",")]
        days = [part for part in parts if part]
        if not all(day.isdigit() for day in days):
            raise forms.ValidationError(_("Write numbers of days separated by commas, for example 7, 14."))
        return [int(day) for day in days]

    def service_arguments(self) -> dict:
        kind, _sep, pk = self.cleaned_data["invitation"].partition(":")
        return {
            "invite_kind": kind,
            "invite_id": int(pk) if pk.isdigit() else 0,
            "reminder_days": self.cleaned_data["reminder_days"],
            "reminder_max": self.cleaned_data["reminder_max"],
        }


class JoinRequestForm(forms.ModelForm):
    """A firm asks to join the club of its business park (the public form, with its trap for robots)."""

    class Meta:
        model = JoinRequest
        fields = [
            "zone", "name", "siret", "kind", "naf_code", "headcount_band", "address", "postcode", "commune", "phone",
            "first_name", "last_name", "email", "job_title", "colleagues", "message",
        ]  # fmt: skip
        labels = {"zone": _("Business park")}
        widgets = {"colleagues": forms.Textarea(attrs={"rows": 3}), "message": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones
        self.fields["zone"].empty_label = None
        self.fields["email"].help_text = _(
            "We answer here; you will get your invitation to the portal at this address."
        )
        add_honeypot(self)


class JoinRefusalForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the firm)"), max_length=500)
