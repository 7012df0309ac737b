"""Turns a newsletter into e-mail HTML and plain text.

The content is rendered once (`render_content`) and frozen when sending starts; the e-mail layout is
rendered once per sending with a placeholder where each recipient's unsubscribe link goes, so that a
message costs a string replacement, not a template render.
"""

import re
from html import unescape
from html.parser import HTMLParser

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from wagtail.rich_text import expand_db_html

from cms import selectors as cms_selectors

from . import sources

UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.invalid/__TOKEN__"
_RELATIVE = re.compile(r'(\s(?:href|src)=")(/[^"/][^"]*|/)"')


def base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def absolutise(html: str) -> str:
    """E-mail clients have no base address: every link and image must be absolute."""
    return _RELATIVE.sub(lambda m: f'{m.group(1)}{base_url()}{m.group(2)}"', html)


def _automatic_items(value) -> list:
    from portal.clubs.models import Club
    from workgroups.models import Axis

    source = sources.get(value["source"])
    if source is None:
        return []
    axis = Axis.objects.filter(pk=value["axis"]).first() if value.get("axis") else None
    club = Club.objects.filter(pk=value["club"]).first() if value.get("club") else None
    return source.fetch(days=value["days"], axis=axis, club=club, limit=value["limit"])


def _blocks(newsletter) -> list[dict]:
    from cms.blocks import KeyFigureRowBlock

    rendered = []
    for block in newsletter.body:
        entry = {"type": block.block_type, "value": block.value}
        if block.block_type == "text":
            entry["html"] = mark_safe(expand_db_html(block.value.source))  # noqa: S308 - Wagtail's sanitised rich text
        elif block.block_type == "faq":
            entry["questions"] = [
                {"question": q["question"], "answer": mark_safe(expand_db_html(q["answer"].source))}  # noqa: S308
                for q in block.value["questions"]
            ]
        elif block.block_type == "key_figures":
            entry["figures"] = KeyFigureRowBlock().get_context(block.value)["figures"]
        elif block.block_type == "image":
            image = block.value["image"]
            entry["src"] = image.get_rendition("width-600").url
            entry["alt"] = getattr(image, "contextual_alt_text", "") or ""
        elif block.block_type == "automatic":
            source = sources.get(block.value["source"])
            entry["title"] = block.value.get("title") or (source.label if source else "")
            entry["items"] = _automatic_items(block.value)
        rendered.append(entry)
    return rendered


def render_content(newsletter) -> tuple[str, str]:
    """The issue's content (no layout, no personal link) as HTML and as plain text."""
    html = render_to_string("newsletters/email/content.html", {"newsletter": newsletter, "blocks": _blocks(newsletter)})
    html = absolutise(html)
    return html, html_to_text(html)


def layout(newsletter, content_html: str, content_text: str) -> tuple[str, str]:
    """The whole e-mail around the content, with UNSUBSCRIBE_PLACEHOLDER for the recipient's link."""
    context = {
        "newsletter": newsletter,
        "content": mark_safe(content_html),  # noqa: S308 - rendered by render_content from sanitised blocks
        "content_text": content_text,
        "archive_url": base_url() + newsletter.get_absolute_url(),
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        "privacy_url": base_url() + reverse("privacy:policy") + "#prospecting",
        "site_name": cms_selectors.site_identity().display_name(settings.WAGTAIL_SITE_NAME),
    }
    html = render_to_string("newsletters/email/message.html", context)
    text = render_to_string("newsletters/email/message.txt", context)
    return html, text


def preview_html(newsletter) -> str:
    content_html, content_text = render_content(newsletter)
    return layout(newsletter, content_html, content_text)[0]


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "li", "tr", "blockquote", "figure", "section", "table", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str | None] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("style", "script", "head"):
            self.skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
            if tag == "li":
                self.parts.append("- ")
        elif tag == "a":
            self.links.append(attrs.get("href"))
        elif tag == "img" and attrs.get("alt"):
            self.parts.append(f"[{attrs['alt']}]")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "head"):
            self.skip = max(self.skip - 1, 0)
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href and not href.startswith("mailto:"):
                self.parts.append(f" <{href}>")
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = unescape("".join(parser.parts))
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


_STYLE_ATTRIBUTE = re.compile(r'\sstyle="[^"]*"')


def web_html(newsletter) -> str:
    """The archived issue for the site: the frozen e-mail content without its inline styles, which
    mail clients need and the site's Content-Security-Policy refuses (the site's stylesheet dresses
    it). Attribute values in that content are escaped by the templates, so no quote hides in them."""
    return mark_safe(_STYLE_ATTRIBUTE.sub("", newsletter.content_html))  # noqa: S308 - the portal's own rendering
