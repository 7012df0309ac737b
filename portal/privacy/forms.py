from allauth.account.adapter import get_adapter as get_account_adapter
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Purpose


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=Purpose.choices)
    action = forms.ChoiceField(choices=[("give", "give"), ("withdraw", "withdraw")])


class AccountDeleteForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput, strip=False)
    confirm = forms.BooleanField(
        label=_("I understand that my account and my personal data will be erased, and that this cannot be undone.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        # Checked like a sign-in (allauth): the failures count toward the same lockout of the account
        # and of the address, so this form cannot be used to guess a password either.
        password = self.cleaned_data["password"]
        if not get_account_adapter().reauthenticate(self.user, password):
            raise forms.ValidationError(_("This password is not right."))
        return password
