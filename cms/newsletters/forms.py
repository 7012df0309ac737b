from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import HoneypotField


class SignupForm(forms.Form):
    website = HoneypotField()
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    name = forms.CharField(label=_("Your name (optional)"), max_length=150, required=False)
    agree = forms.BooleanField(
        label=_(
            "I agree to receive the public newsletters of the cluster by e-mail. I can unsubscribe at any time "
            "with the link in each newsletter."
        )
    )
