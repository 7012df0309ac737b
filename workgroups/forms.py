from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MESSAGE_MAX_LENGTH


class MessageForm(forms.Form):
    """The room's composer when JavaScript is off; the length rule itself lives in services.clean_body."""

    body = forms.CharField(
        label=_("Your message"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MESSAGE_MAX_LENGTH}),
    )

    def clean_body(self):
        # Browsers submit line breaks as CRLF: count them as one character, as the websocket client does.
        return self.cleaned_data["body"].replace("\r\n", "\n")
