import re

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.members.models import Organisation, Person
from portal.privacy.models import Purpose
from portal.privacy.selectors import people_with_consent
from portal.uploads import ATTACHMENT_HELP, ATTACHMENT_MAX_SIZE, paragraphs_to_rich_text, validate_attachment  # noqa: F401 - ATTACHMENT_MAX_SIZE imported from here by tests
from workgroups.models import Axis

from .indexing import plain_text
from .models import BestPractice, CostRange, Visibility

FIGURE_LINE = re.compile(r"^\s*(\S+(?:\s?%)?)\s+(.+)$")


class BestPracticeForm(forms.Form):
    """The member form: plain text for the description (rich formatting comes with the admin editor)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or three sentences shown in lists and search results."),
    )
    axis = forms.ModelChoiceField(label=_("Thematic axis"), queryset=Axis.objects.order_by("number"))
    problem = forms.CharField(label=_("Problem addressed"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(
        label=_("What was done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Leave an empty line between paragraphs."),
    )
    results = forms.CharField(label=_("Results"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    figures = forms.CharField(
        label=_("Key figures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, the figure first: “-35 % of waste sent to landfill”."),
    )
    cost_range = forms.ChoiceField(label=_("Cost"), choices=[("", "—"), *CostRange.choices], required=False)
    replicability = forms.CharField(
        label=_("Replicability notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Other organisations involved"), queryset=Organisation.objects.order_by("name"), required=False
    )
    contact = forms.ModelChoiceField(
        label=_("Contact person"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Only the people of the organisation who agreed to be shown as a contact person are listed."),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas: “waste, circular economy”.")
    )
    visibility = forms.ChoiceField(label=_("Who can read it once published"), choices=Visibility.choices)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # Only people who agreed to be shown as a contact person may be chosen.
        self.fields["contact"].queryset = (
            people_with_consent(Purpose.CONTACT).filter(organisation=organisation).select_related("user")
        )
        self.fields["partners"].queryset = Organisation.objects.exclude(pk=organisation.pk).order_by("name")

    @staticmethod
    def initial_for(record: BestPractice) -> dict:
        return {
            "title": record.title,
            "summary": record.summary,
            "axis": record.axis_id,
            "problem": record.problem,
            "body": plain_text(record.body).strip(),
            "results": record.results,
            "figures": "\n".join(f"{figure.value} {figure.label}" for figure in record.figures.all()),
            "cost_range": record.cost_range,
            "replicability": record.replicability,
            "partners": list(record.partners.all()),
            "contact": record.contact_id,
            "tags": ", ".join(sorted(record.tags.names())),
            "visibility": record.visibility,
        }

    def clean_figures(self):
        figures = []
        for line in self.cleaned_data["figures"].splitlines():
            if not line.strip():
                continue
            match = FIGURE_LINE.match(line)
            if not match:
                raise forms.ValidationError(_("Write each figure as the number then what it measures."))
            figures.append((match.group(1), match.group(2).strip()))
        return figures

    def clean_tags(self):
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["body"] = paragraphs_to_rich_text(data["body"])
        return data


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("What should be changed"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AdoptionForm(forms.Form):
    comment = forms.CharField(
        label=_("How it went (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DiscussionPromotionForm(forms.Form):
    """Messages of a workgroup discussion chosen to start a best-practice draft."""

    title = forms.CharField(label=_("Title of the best practice"), max_length=200)
    axis = forms.ModelChoiceField(
        label=_("Thematic axis"),
        queryset=Axis.objects.order_by("number"),
        required=False,
        empty_label=_("The workgroup's axis"),
    )
    messages = forms.TypedMultipleChoiceField(
        label=_("Messages to quote"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one message of the discussion."),
            "invalid_choice": _("One of the chosen messages is not in this discussion any more: choose again."),
        },
    )

    def __init__(self, *args, history=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["messages"].choices = [(message.sequence, message.sequence) for message in history]


# --- Attachments --------------------------------------------------------------------------------


class AttachmentForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the document"),
        max_length=255,
        required=False,
        help_text=_("Leave empty to use the file name."),
    )
    file = forms.FileField(
        label=_("File"),
        validators=[validate_attachment],
        help_text=ATTACHMENT_HELP,
    )
