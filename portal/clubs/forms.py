"""Forms of the clubs' pages: stage changes, mergers, imports, prospects, surveys."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    ActionKind,
    Club,
    ClubStage,
    CommonProblem,
    ContactKind,
    ContactOutcome,
    ContactStatus,
    Importance,
    ImportMode,
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
