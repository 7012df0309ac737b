"""Forms of the public site: registering to an event."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import HoneypotField
from portal.members.validators import normalise_siret, validate_siret


class EventRegistrationForm(forms.Form):
    website = HoneypotField()
    name = forms.CharField(label=_("First and last name"), max_length=150)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    siret = forms.CharField(
        label=_("SIRET"), max_length=20, required=False, help_text=_("Optional: 14 digits, on the Kbis.")
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("The confirmation and the link to cancel are sent to this address."),
    )

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["siret"].widget.attrs["inputmode"] = "numeric"
        if member is not None and member.organisation_id:
            del self.fields["siret"]  # a member registers for their own organisation
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["organisation_name"].widget.attrs["autocomplete"] = "organization"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        if member is not None:
            # A signed-in member registers as themselves: their account's name and e-mail.
            self.fields["email"].disabled = True
            self.fields["name"].disabled = True
            self.initial.setdefault("name", member.full_name)
            self.initial.setdefault("email", member.user.email)
            if member.organisation_id:
                self.initial.setdefault("organisation_name", member.organisation.name)

    def clean_siret(self):
        value = normalise_siret(self.cleaned_data["siret"])
        if value:
            validate_siret(value)
        return value


class OccurrenceCancelForm(forms.Form):
    """Cancelling one date: its registrations move to another date of the series, or are cancelled."""

    move_to = forms.ModelChoiceField(
        label=_("Move the registrations to"),
        queryset=None,
        required=False,
        empty_label=_("Nowhere: cancel them"),
        help_text=_("Each registrant is told by e-mail."),
    )

    def __init__(self, *args, event, other_dates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["move_to"].queryset = other_dates
        self.fields["move_to"].label_from_instance = lambda event: event.title
        # Offered first: the next date after the cancelled one (else the last before it).
        self.initial.setdefault(
            "move_to", other_dates.filter(start__gt=event.start).first() or other_dates.order_by("-start").first()
        )


class OccurrenceMoveForm(forms.Form):
    start = forms.DateTimeField(
        label=_("New start"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    end = forms.DateTimeField(
        label=_("New end"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] <= cleaned["start"]:
            self.add_error("end", _("The end must be after the start."))
        return cleaned


SCORE_CHOICES = [(str(score), str(score)) for score in range(1, 6)]


class FeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("Overall, how satisfied are you? (1: not at all, 5: very)"), choices=SCORE_CHOICES, coerce=int,
        widget=forms.RadioSelect,
    )  # fmt: skip
    usefulness = forms.TypedChoiceField(
        label=_("How useful was it for your organisation? (1: not at all, 5: very)"), choices=SCORE_CHOICES,
        coerce=int, widget=forms.RadioSelect,
    )  # fmt: skip
    would_return = forms.TypedChoiceField(
        label=_("Would you come again?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class FirmRegistrationForm(forms.Form):
    """A firm registers for a Bourse d'échanges from the agenda, with or without an account."""

    website = HoneypotField()
    name = forms.CharField(label=_("Firm"), max_length=200)
    siret = forms.CharField(
        label=_("SIRET"), max_length=20, required=False, help_text=_("Optional: 14 digits, on the Kbis.")
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=150)
    contact_email = forms.EmailField(
        label=_("Their e-mail"), help_text=_("The link to file your firm's offers and needs is sent to this address.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "organization"
        self.fields["siret"].widget.attrs["inputmode"] = "numeric"
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"

    def clean_siret(self):
        value = normalise_siret(self.cleaned_data["siret"])
        if value:
            validate_siret(value)
        return value
