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
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This password is not right."))
        return password
