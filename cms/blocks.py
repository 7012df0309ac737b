"""The StreamField blocks of the public site, all in one place.

`BodyBlock` is the body of every page type; each block renders through its own template in
cms/templates/cms/blocks/, so pages stay accessible (alt texts, headings, <figure>, <details>).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class RichTextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "cms/blocks/rich_text.html"


class ImageWithCaptionBlock(blocks.StructBlock):
    # ImageBlock asks for an alternative text unless the editor marks the image as decorative.
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)
    credit = blocks.CharBlock(label=_("Credit"), required=False, max_length=120)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "cms/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    author = blocks.CharBlock(label=_("Author"), required=False, max_length=120)
    role = blocks.CharBlock(
        label=_("Role or organisation"), required=False, max_length=160, help_text=_("For example: SCOP Bois d'Arvière")
    )

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False)
    button_label = blocks.CharBlock(label=_("Button label"), max_length=60)
    page = blocks.PageChooserBlock(label=_("Page of the site"), required=False)
    url = blocks.URLBlock(label=_("Or an external address"), required=False)

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = ValidationError(_("Choose either a page of the site or an external address."))
            raise StructBlockValidationError(block_errors={"page": message})
        return value

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "cms/blocks/call_to_action.html"


# Figures the site computes itself, so that they are never typed in (and never out of date).
LIVE_FIGURES = [
    ("members_total", _("Member organisations")),
    ("members_sse", _("Social-economy members")),
    ("members_classic", _("Classic firms")),
    ("zones", _("Business parks")),
    ("axes", _("Thematic axes")),
    ("workgroups", _("Workgroups and commissions")),
    ("best_practices", _("Published best practices")),
]


class KeyFigureBlock(blocks.StructBlock):
    source = blocks.ChoiceBlock(
        label=_("Figure computed by the site"),
        choices=LIVE_FIGURES,
        required=False,
        help_text=_("Leave empty to type the value yourself."),
    )
    value = blocks.CharBlock(label=_("Value"), required=False, max_length=20)
    label = blocks.CharBlock(label=_("Label"), max_length=80)

    def clean(self, value):
        value = super().clean(value)
        if not value.get("source") and not value.get("value"):
            message = ValidationError(_("Choose a figure computed by the site or type a value."))
            raise StructBlockValidationError(block_errors={"value": message})
        return value

    class Meta:
        icon = "order"
        label = _("Key figure")


class KeyFigureRowBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120)
    figures = blocks.ListBlock(KeyFigureBlock(), label=_("Figures"), min_num=1, max_num=6)

    def get_context(self, value, parent_context=None):
        from .selectors import key_figures

        context = super().get_context(value, parent_context=parent_context)
        live = key_figures() if any(figure["source"] for figure in value["figures"]) else {}
        context["figures"] = [
            {"value": live.get(figure["source"], "") if figure["source"] else figure["value"], "label": figure["label"]}
            for figure in value["figures"]
        ]
        return context

    class Meta:
        icon = "table"
        label = _("Row of key figures")
        template = "cms/blocks/key_figures.html"


class EmbedWithTitleBlock(blocks.StructBlock):
    embed = EmbedBlock(
        label=_("Address of the video or content"), help_text=_("For example a PeerTube or YouTube link.")
    )
    title = blocks.CharBlock(
        label=_("Title"), max_length=160, help_text=_("Describes the content for people using a screen reader.")
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    def get_context(self, value, parent_context=None):
        # The provider is named and its HTML held back until the visitor agrees to load it (CNIL).
        from cms.selectors import embed_for_consent

        context = super().get_context(value, parent_context)
        context["consent"] = embed_for_consent(value["embed"]) if value.get("embed") else None
        return context

    class Meta:
        icon = "media"
        label = _("Embedded content")
        template = "cms/blocks/embed.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(
        label=_("Link text"), required=False, max_length=160, help_text=_("The document's title when left empty.")
    )

    class Meta:
        icon = "doc-full"
        label = _("Document link")
        template = "cms/blocks/document_link.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=250)
    answer = RichTextBlock(label=_("Answer"))

    class Meta:
        icon = "help"
        label = _("Question")


class FaqBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120)
    questions = blocks.ListBlock(QuestionBlock(), label=_("Questions"), min_num=1)

    class Meta:
        icon = "help"
        label = _("Frequently asked questions")
        template = "cms/blocks/faq.html"


class BodyBlock(blocks.StreamBlock):
    text = RichTextBlock()
    image = ImageWithCaptionBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    key_figures = KeyFigureRowBlock()
    embed = EmbedWithTitleBlock()
    document = DocumentLinkBlock()
    faq = FaqBlock()

    class Meta:
        template = "cms/blocks/body.html"
