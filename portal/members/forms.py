from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django import forms
from django.contrib.auth import password_validation
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .models import Organisation, PersonRole
from .validators import normalise_naf, normalise_siret


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form (throttled, then the second factor), asking for the e-mail address.

    A username without "@" is accepted too (accounts made in the admin): the form has `novalidate`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("E-mail address")
        self.fields["login"].widget = forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"})
        self.fields["password"].help_text = ""  # the page has its own "Forgotten password?" link
        self.fields["password"].widget.attrs.pop("placeholder", None)


class ActivateTOTPForm(AllauthActivateTOTPForm):
    """allauth's setup form, keeping the key of the session's setup page: allauth draws a new one on every
    GET, so a second tab, a reload or any request the browser makes in the background (a favicon sent
    to the setup page) would change the key under the QR code already scanned. The key stays in the
    session (never in the database) until the setup succeeds, which removes it."""

    def __init__(self, *args, **kwargs):
        from allauth.core import context
        from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

        kept = context.request.session.get(SECRET_SESSION_KEY)
        super().__init__(*args, **kwargs)
        if kept and not self.is_bound:
            self.secret = context.request.session[SECRET_SESSION_KEY] = kept


class OrganisationIdentifiersMixin:
    """People type SIRETs with spaces ("732 829 320 00074") and NAF codes as "6201z": normalise first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        siret = self.fields["siret"]
        siret.max_length = 20
        siret.widget.attrs["maxlength"] = "20"
        siret.validators = [v for v in siret.validators if not isinstance(v, MaxLengthValidator)]

    def clean_siret(self):
        return normalise_siret(self.cleaned_data.get("siret", ""))

    def clean_naf_code(self):
        return normalise_naf(self.cleaned_data.get("naf_code", ""))


class OrganisationForm(OrganisationIdentifiersMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name", "kind", "siret", "naf_code", "headcount_band", "address", "postcode", "commune",
            "zone", "website", "email", "phone", "description", "in_public_directory", "latitude", "longitude",
        ]  # fmt: skip
        # The point comes from the company register (members/register-lookup.js) or the address base.
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "latitude": forms.HiddenInput,
            "longitude": forms.HiddenInput,
        }


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to invite"))
    role = forms.ChoiceField(label=_("Role in the cluster"), choices=PersonRole.choices, initial=PersonRole.MEMBER)

    def __init__(self, *args, can_grant_roles: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_grant_roles:
            del self.fields["role"]


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            from django.contrib.auth import get_user_model

            probe = get_user_model()(
                username=self.email,
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
