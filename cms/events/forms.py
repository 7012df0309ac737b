"""Forms of the public site: registering to an event."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import HoneypotField
from portal.members.validators import normalise_siret, validate_siret


class EventRegistrationForm(forms.Form):
    website = HoneypotField()
    name = forms.CharField(label=_("First and last name"), max_length=150)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("The confirmation and the link to cancel are sent to this address."),
    )

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
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
