from django import forms
from django.utils.translation import gettext_lazy as _

from portal.clubs.models import CommonProblem
from workgroups.models import Workgroup

from .models import ActionStatus, CommonIssue, IssueStatus


class ActionProgressForm(forms.Form):
    """One line of the coordinator's update table: the action's status and its indicator's value."""

    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    current_value = forms.DecimalField(label=_("Current value"), required=False, min_value=0, max_digits=12,
                                       decimal_places=2, localize=True)  # fmt: skip


class IssueForm(forms.ModelForm):
    class Meta:
        model = CommonIssue
        fields = ["status", "workgroup", "decisions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workgroup"].queryset = Workgroup.objects.filter(is_archived=False).order_by("name")
        self.fields["status"].choices = IssueStatus.choices


class IssueFromSurveyForm(forms.Form):
    survey = forms.ModelChoiceField(label=_("Survey"), queryset=None)
    problem = forms.ChoiceField(label=_("Problem"), choices=CommonProblem.choices)
    title = forms.CharField(label=_("Title (optional)"), required=False, max_length=200)

    def __init__(self, *args, surveys, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = surveys
