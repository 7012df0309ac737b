from django import forms
from django.utils.translation import gettext_lazy as _

from portal.members.models import MessageNotifications

from .models import MESSAGE_MAX_LENGTH, MembershipPolicy, WorkgroupRole


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


# --- The coordination screens ----------------------------------------------------------------------


class WorkgroupForm(forms.Form):
    """A workgroup's name, description and membership policy; a new one also says whose it is."""

    owner = forms.ChoiceField(label=_("Axis or club"))
    name = forms.CharField(label=_("Name"), max_length=150)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    membership_policy = forms.ChoiceField(label=_("Who may join"), choices=MembershipPolicy.choices)

    def __init__(self, *args, axes=None, clubs=None, **kwargs):
        """`axes` and `clubs`: what a new workgroup may belong to (the user's). Editing: neither."""
        super().__init__(*args, **kwargs)
        if axes is None and clubs is None:
            del self.fields["owner"]
            return
        axis_choices = [(f"axis:{axis.pk}", str(axis)) for axis in axes or ()]
        club_choices = [(f"club:{club.pk}", club.name) for club in clubs or ()]
        groups = [(_("Thematic axes"), axis_choices), (_("Clubs (commissions)"), club_choices)]
        self.fields["owner"].choices = [group for group in groups if group[1]]
        self._owners = {f"axis:{axis.pk}": ("axis", axis) for axis in axes or ()}
        self._owners |= {f"club:{club.pk}": ("club", club) for club in clubs or ()}

    def chosen_owner(self) -> dict:
        """{"axis": …, "club": …} for the service, from the chosen owner."""
        kind, obj = self._owners[self.cleaned_data["owner"]]
        return {"axis": obj if kind == "axis" else None, "club": obj if kind == "club" else None}

    def service_arguments(self) -> dict:
        return {field: self.cleaned_data[field] for field in ("name", "description", "membership_policy")}


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role in the workgroup"), choices=WorkgroupRole.choices)


class AddMemberForm(forms.Form):
    """Someone of the cluster, named by e-mail address or @handle, added with a role."""

    who = forms.CharField(
        label=_("E-mail address or @handle"),
        max_length=254,
        help_text=_("The person must already have an account on the portal."),
    )
    role = forms.ChoiceField(label=_("Role in the workgroup"), choices=WorkgroupRole.choices)

    def clean_who(self):
        from .selectors import person_by_email_or_handle

        person = person_by_email_or_handle(self.cleaned_data["who"])
        if person is None:
            raise forms.ValidationError(_("Nobody on the portal has this e-mail address or handle."))
        return person


# --- Notification choices --------------------------------------------------------------------------


class NotificationsForm(forms.Form):
    """The general choice, the daily digest, then one choice per workgroup ("" follows the general one)."""

    message_notifications = forms.ChoiceField(
        label=_("In my workgroups, tell me of"),
        choices=MessageNotifications.choices,
        widget=forms.RadioSelect,
        help_text=_("Mentions of your name are e-mailed at once; the rest waits for the daily digest."),
    )
    receives_daily_digest = forms.BooleanField(
        label=_("Daily digest by e-mail"),
        required=False,
        help_text=_("One e-mail a day at most, with what your choices let through since the last one."),
    )

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = list(memberships)
        choices = [("", _("As my general choice")), *MessageNotifications.choices]
        for membership in self.memberships:
            self.fields[self.field_name(membership)] = forms.ChoiceField(
                label=membership.workgroup.name, choices=choices, required=False, initial=membership.notifications
            )

    @staticmethod
    def field_name(membership) -> str:
        return f"workgroup_{membership.pk}"

    def workgroup_fields(self):
        return [self[self.field_name(membership)] for membership in self.memberships]

    def per_workgroup(self) -> dict[int, str]:
        return {membership.pk: self.cleaned_data[self.field_name(membership)] for membership in self.memberships}
