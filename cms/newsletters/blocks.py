"""The newsletter's body: the public site's blocks (cms/blocks.py) plus automatic sections."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from cms.blocks import BodyBlock


def source_choices():
    from . import sources

    return [(source.key, source.label) for source in sources.all_sources()]


def axis_choices():
    from workgroups.models import Axis

    return [("", _("All axes"))] + [(str(axis.pk), str(axis)) for axis in Axis.objects.order_by("number")]


def club_choices():
    from portal.clubs.models import Club

    return [("", _("All clubs"))] + [(str(club.pk), club.name) for club in Club.objects.order_by("name")]


class AutomaticSectionBlock(blocks.StructBlock):
    """A list the site fills in when the newsletter is sent: latest news, coming events, new records…"""

    source = blocks.ChoiceBlock(label=_("Content"), choices=source_choices)
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120,
                             help_text=_("Leave empty for the content's usual title."))  # fmt: skip
    days = blocks.IntegerBlock(
        label=_("Period (days)"), default=30, min_value=1, max_value=365,
        help_text=_("The last days for news and records, the next days for events."),
    )  # fmt: skip
    axis = blocks.ChoiceBlock(label=_("Thematic axis"), choices=axis_choices, required=False)
    club = blocks.ChoiceBlock(label=_("Club"), choices=club_choices, required=False)
    limit = blocks.IntegerBlock(label=_("At most"), default=5, min_value=1, max_value=20)

    class Meta:
        icon = "list-ul"
        label = _("Automatic section")
        template = "newsletters/blocks/automatic_section.html"


class NewsletterBodyBlock(BodyBlock):
    automatic = AutomaticSectionBlock()
