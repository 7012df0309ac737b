from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.clubs.models import CommonProblem
from portal.members.models import Organisation
from workgroups.models import Workgroup

from .models import Action, ActionPlan, ActionStatus, CommonIssue, IssueStatus, PlanScope


class ActionProgressForm(forms.Form):
    """One line of the coordinator's update table: the action's status and its indicator's value."""

    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    current_value = forms.DecimalField(label=_("Current value"), required=False, min_value=0, max_digits=12,
                                       decimal_places=2, localize=True)  # fmt: skip


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ActionUpdateForm(forms.Form):
    """One dated update of an action, from the plan's page (a phone on the field will do)."""

    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    value = forms.DecimalField(label=_("Indicator's value"), required=False, min_value=0, max_digits=12,
                               decimal_places=2, localize=True)  # fmt: skip
    measured_on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=300)

    def __init__(self, *args, action=None, **kwargs):
        if action is not None:
            kwargs.setdefault("prefix", f"p{action.pk}")
            kwargs.setdefault("initial", {"status": action.status, "value": action.current_value,
                                          "measured_on": timezone.localdate()})  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["value"].widget.attrs["inputmode"] = "decimal"


class PlanForm(forms.ModelForm):
    """A plan's title, summary, period and publicity; a new one also says whose it is."""

    owner = forms.ChoiceField(label=_("Plan of"))

    class Meta:
        model = ActionPlan
        fields = ["title", "summary", "period_start", "period_end", "is_public"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "period_start": DateInput(),
            "period_end": DateInput(),
        }

    def __init__(self, *args, axes=None, clubs=None, process=False, **kwargs):
        """`axes`, `clubs`, `process`: what a new plan may belong to (the user's). Editing: none."""
        super().__init__(*args, **kwargs)
        if axes is None and clubs is None and not process:
            del self.fields["owner"]
            return
        self._owners = {f"axis:{axis.pk}": {"axis": axis} for axis in axes or ()}
        self._owners |= {f"club:{club.pk}": {"club": club} for club in clubs or ()}
        groups = [
            (PlanScope.AXIS.label, [(f"axis:{axis.pk}", str(axis)) for axis in axes or ()]),
            (PlanScope.CLUB.label, [(f"club:{club.pk}", club.name) for club in clubs or ()]),
        ]
        choices = [group for group in groups if group[1]]
        if process:
            self._owners["process"] = {}
            choices.append(("process", PlanScope.PROCESS.label))
        self.fields["owner"].choices = choices
        self.order_fields(["owner"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end of the period cannot come before its start."))
        return cleaned

    def chosen_owner(self) -> dict:
        return self._owners[self.cleaned_data["owner"]]

    def service_arguments(self) -> dict:
        return {field: self.cleaned_data[field] for field in self.Meta.fields}


class ActionForm(forms.ModelForm):
    """An action of a plan: what, who pilots it with whom, when, for how much, and its indicator."""

    class Meta:
        model = Action
        fields = ["title", "description", "pilot", "partners", "starts_on", "ends_on", "budget", "indicator",
                  "target_value", "current_value", "status", "position"]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "partners": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.order_by("name")
        self.fields["pilot"].queryset = organisations
        self.fields["partners"].queryset = organisations
        self.fields["partners"].help_text = _("Hold Ctrl (or Cmd) to choose several.")
        self.fields["position"].required = False
        for name in ("budget", "target_value", "current_value"):
            self.fields[name].localize = True
            self.fields[name].widget.is_localized = True

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("An action cannot end before it starts."))
        return cleaned

    def _post_clean(self):
        # The plan is set by the service: skip the model's validation here (the service runs it).
        pass

    def service_arguments(self) -> dict:
        data = {field: self.cleaned_data[field] for field in self.Meta.fields}
        if data["position"] is None:
            data["position"] = 0
        return data


class IssueForm(forms.ModelForm):
    class Meta:
        model = CommonIssue
        fields = ["status", "workgroup", "decisions"]

    def __init__(self, *args, workgroups=None, **kwargs):
        """`workgroups`: those the user may hand the issue to (hers, and the one handling it)."""
        super().__init__(*args, **kwargs)
        queryset = workgroups if workgroups is not None else Workgroup.objects.all()
        self.fields["workgroup"].queryset = queryset.filter(is_archived=False).order_by("name")
        self.fields["status"].choices = IssueStatus.choices


class IssueFromSurveyForm(forms.Form):
    survey = forms.ModelChoiceField(label=_("Survey"), queryset=None)
    problem = forms.ChoiceField(label=_("Problem"), choices=CommonProblem.choices)
    title = forms.CharField(label=_("Title (optional)"), required=False, max_length=200)

    def __init__(self, *args, surveys, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = surveys


class PlanFromRoomForm(forms.Form):
    """The draft's title (the room's name by default); its actions are the room's decisions."""

    title = forms.CharField(label=_("Title of the draft plan"), max_length=200, required=False)
