from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import HONEYPOT_FIELD, add_honeypot
from portal.members.models import Organisation, Person, Zone

from . import followers
from .models import (
    SCORE_CHOICES,
    Category,
    Direction,
    ExchangeSession,
    ResourceSheet,
    SessionTable,
    Synergy,
    SynergyStatus,
)
from .services import SESSION_FIELDS, SHEET_FIELDS


class SessionForm(forms.ModelForm):
    """A session planned or changed from the organiser's screens; the view narrows the clubs. A new one
    goes on the public agenda unless the organiser says not yet (its page then offers the button)."""

    on_agenda = forms.BooleanField(
        label=_("Put it on the public agenda"),
        help_text=_("Firms then register there as organisations, with or without an account."),
        required=False,
        initial=True,
    )

    class Meta:
        model = ExchangeSession
        fields = list(SESSION_FIELDS)
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk or not followers.can_publish():
            del self.fields["on_agenda"]


class ResourceSheetForm(forms.ModelForm):
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas: “pallets, wood, reuse”."))

    class Meta:
        model = ResourceSheet
        fields = list(SHEET_FIELDS)
        widgets = {
            "direction": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 5}),
            "available_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "available_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, organisation_field: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("tags", ", ".join(sorted(self.instance.tags.names())))
        if organisation_field:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Organisation"), queryset=Organisation.objects.order_by("name")
            )
            self.order_fields(["organisation"])

    def clean_tags(self):
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()][:20]

    def service_arguments(self) -> dict:
        data = {key: value for key, value in self.cleaned_data.items() if key != "organisation"}
        return data


class SheetFilterForm(forms.Form):
    sens = forms.ChoiceField(choices=[("", _("Offers and needs")), *Direction.choices], required=False)
    categorie = forms.ChoiceField(choices=[("", _("All categories")), *Category.choices], required=False)
    zone = forms.ModelChoiceField(queryset=Zone.objects.order_by("name"), required=False, empty_label=_("All zones"))
    q = forms.CharField(required=False, max_length=100)
    mes_fiches = forms.BooleanField(required=False)


class RegisterFirmsForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=_("Firms to register"), queryset=Organisation.objects.order_by("name")
    )


class MoveForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Firm"), queryset=Organisation.objects.none())
    table = forms.ModelChoiceField(label=_("To table"), queryset=SessionTable.objects.none())

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            exchange_registrations__session=session
        ).order_by("name")
        self.fields["table"].queryset = session.tables.order_by("number")


class TableStaffForm(forms.Form):
    facilitator = forms.ModelChoiceField(label=_("Facilitator"), queryset=Person.objects.none(), required=False)
    secretary = forms.ModelChoiceField(label=_("Secretary"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(user__is_active=True).select_related("user").order_by("user__last_name")
        self.fields["facilitator"].queryset = people
        self.fields["secretary"].queryset = people


class AnswerForm(forms.Form):
    """One toggle from a secretary's screen (JSON or form-encoded)."""

    sheet = forms.IntegerField(min_value=1)
    organisation = forms.IntegerField(min_value=1)
    interested = forms.BooleanField(required=False)


class SynergyForm(forms.ModelForm):
    """The follow-up of a potential synergy by the organisers of its club."""

    class Meta:
        model = Synergy
        fields = [
            "status", "abandon_reason", "next_step", "next_step_on", "implemented_on",
            "tonnes_per_year", "euros_per_year", "jobs",
        ]  # fmt: skip
        widgets = {
            "next_step_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "implemented_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "implemented_on": _("Today when left empty for a synergy done."),
            "abandon_reason": _("Required when the synergy is abandoned."),
            "next_step": _("For example: call the buyer, visit the site, send a quote."),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == SynergyStatus.ABANDONED and not (cleaned.get("abandon_reason") or "").strip():
            self.add_error("abandon_reason", _("Say why the synergy is abandoned."))
        if cleaned.get("status") == SynergyStatus.IMPLEMENTED and not cleaned.get("implemented_on"):
            cleaned["implemented_on"] = self.instance.implemented_on = timezone.localdate()
        return cleaned


class SynergyNoteForm(forms.Form):
    written_on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    text = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class SynergyFilterForm(forms.Form):
    statut = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Every status")), *SynergyStatus.choices]
    )


class SatisfactionForm(forms.Form):
    logistics = forms.TypedChoiceField(
        label=_("Logistics (room, breakfast, timing)"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    method = forms.TypedChoiceField(
        label=_("Exchange method (tables, rounds, YES/NO cards)"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    atmosphere = forms.TypedChoiceField(
        label=_("Atmosphere"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SatisfactionPaperForm(SatisfactionForm):
    """A questionnaire answered on paper, typed in by an organiser: the firm among those registered."""

    organisation = forms.ModelChoiceField(label=_("Firm"), queryset=Organisation.objects.none())

    field_order = ["organisation", "logistics", "method", "atmosphere", "comment"]

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            exchange_registrations__session=session
        ).order_by("name")


class FirmSheetForm(ResourceSheetForm):
    """A sheet filed through a firm's link (no account) or typed in from paper by an organiser: the
    firm is known, its status is open; the public form carries the robots' trap."""

    def __init__(self, *args, honeypot: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["status"]
        if honeypot:
            add_honeypot(self)

    def service_arguments(self) -> dict:
        return {key: value for key, value in super().service_arguments().items() if key != HONEYPOT_FIELD}


class LinkSendForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("Leave empty to use the firm's contact e-mail.")
    )


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Contact person"), max_length=150)
    email = forms.EmailField(label=_("Their e-mail"))
    agree = forms.BooleanField(
        label=_("We agree that this contact appears in the workbooks of the firms of this session."), required=True
    )
