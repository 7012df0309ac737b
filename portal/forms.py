"""Form helpers shared by the apps' views."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def add_service_errors(form, error: ValidationError) -> None:
    """Shows a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Robots ------------------------------------------------------------------------------------

HONEYPOT_FIELD = "website"


class HoneypotField(forms.CharField):
    """A field people never see (off screen, hidden from screen readers, out of the tab order) that
    form-filling robots fill in: a value refuses the form."""

    honeypot = True
    template_name = "portal/forms/honeypot.html"

    def __init__(self):
        super().__init__(
            required=False,
            label=_("Leave this field empty"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def clean(self, value):
        value = super().clean(value)
        if value:
            raise ValidationError(_("This form could not be sent. Try again without filling hidden fields."))
        return value


def add_honeypot(form):
    """Adds the trap to a form instance (Wagtail's form pages build their class from the editor's fields)."""
    form.fields[HONEYPOT_FIELD] = HoneypotField()
    return form
