from django import forms
from django.utils.translation import gettext_lazy as _

from portal.members.models import MessageNotifications
from portal.uploads import ATTACHMENT_HELP, validate_attachment

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

    owner = forms.ChoiceField(label=_("Axis, club or participatory process"))
    name = forms.CharField(label=_("Name"), max_length=150)
    theme = forms.CharField(
        label=_("Theme"),
        max_length=150,
        required=False,
        help_text=_("For a workshop of a participatory process: its theme (crafts, health…)."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    membership_policy = forms.ChoiceField(label=_("Who may join"), choices=MembershipPolicy.choices)

    def __init__(self, *args, axes=None, clubs=None, processes=None, **kwargs):
        """`axes`, `clubs`, `processes`: what a new workgroup may belong to (the user's). Editing: none."""
        super().__init__(*args, **kwargs)
        if axes is None and clubs is None and processes is None:
            del self.fields["owner"]
            return
        axis_choices = [(f"axis:{axis.pk}", str(axis)) for axis in axes or ()]
        club_choices = [(f"club:{club.pk}", club.name) for club in clubs or ()]
        process_choices = [(f"process:{process.pk}", process.title) for process in processes or ()]
        groups = [
            (_("Thematic axes"), axis_choices),
            (_("Clubs (commissions)"), club_choices),
            (_("Participatory processes (themed workshops)"), process_choices),
        ]
        self.fields["owner"].choices = [group for group in groups if group[1]]
        if not process_choices:
            self.fields["owner"].label = _("Axis or club")
        self._owners = {f"axis:{axis.pk}": ("axis", axis) for axis in axes or ()}
        self._owners |= {f"club:{club.pk}": ("club", club) for club in clubs or ()}
        self._owners |= {f"process:{process.pk}": ("process", process) for process in processes or ()}

    def chosen_owner(self) -> dict:
        """{"axis": …, "club": …, "process": …} for the service, from the chosen owner."""
        kind, obj = self._owners[self.cleaned_data["owner"]]
        return {kind: obj} | {other: None for other in ("axis", "club", "process") if other != kind}

    def service_arguments(self) -> dict:
        return {field: self.cleaned_data[field] for field in ("name", "theme", "description", "membership_policy")}


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


# --- Meetings, decisions, tasks, files ----------------------------------------------------------------


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(
        label=_("Place"), max_length=255, required=False, help_text=_("An address, a room, or a video link.")
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One item per line."),
    )


class _OwnIds:
    """The meeting page shows several forms with fields of the same name: each form's ids are its own."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class MinutesForm(_OwnIds, forms.Form):
    id_prefix = "minutes"
    text = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Who came, what was said and decided. Leave an empty line between paragraphs."),
    )


class DecisionForm(_OwnIds, forms.Form):
    id_prefix = "decision"
    text = forms.CharField(label=_("Decision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class TaskForm(_OwnIds, forms.Form):
    id_prefix = "task"
    title = forms.CharField(label=_("Task"), max_length=255)
    owner = forms.TypedChoiceField(label=_("Who does it"), coerce=int)
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, members=(), **kwargs):
        """`members`: the workgroup's active memberships, whom a task may go to."""
        super().__init__(*args, **kwargs)
        self._people = {membership.person_id: membership.person for membership in members}
        self.fields["owner"].choices = [("", "—")] + [
            (membership.person_id, str(membership.person)) for membership in members
        ]

    def clean_owner(self):
        return self._people[self.cleaned_data["owner"]]


class SharedFileForm(_OwnIds, forms.Form):
    id_prefix = "file"
    title = forms.CharField(
        label=_("Title of the document"),
        max_length=255,
        required=False,
        help_text=_("Leave empty to use the file name."),
    )
    file = forms.FileField(label=_("File"), validators=[validate_attachment], help_text=ATTACHMENT_HELP)


class ProcessTableForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the table"), max_length=200, required=False, help_text=_("Leave empty to use the file name.")
    )
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_("The first row names the columns; at most 500 rows and 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
