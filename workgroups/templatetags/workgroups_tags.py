"""Message bodies as HTML: escaped first, then links and @mentions. tokens.js does the same, token for token.

Bodies are stored raw; everything a person typed goes through escape(). Only the <a> and <span>
elements built here are markup, and their attributes are escaped by format_html. Keep the two
regular expressions in step with MESSAGE_TOKENS in static/workgroups/tokens.js: the test vectors in
tests/data/tokenizer_vectors.json hold both to the same tokens.
"""

import re
from collections.abc import Iterable, Iterator, Mapping

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from ..services import MENTION_PATTERN

register = template.Library()

URL_PATTERN = r"(?<![\w@/.-])(?:https?://|www\.)[^\s<>\"]+"
# The URL comes first: "https://example.org/@name" is one link, not a link and a mention.
MESSAGE_TOKENS = re.compile(rf"(?P<url>{URL_PATTERN})|{MENTION_PATTERN.pattern}", re.IGNORECASE)
URL_PREFIX = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?'\"»”’)]"
CLOSERS = {")": "(", "]": "["}


def split_url(candidate: str) -> tuple[str, str]:
    """The URL without the punctuation that ends the sentence around it, and that punctuation."""
    url = candidate
    while url and url[-1] in TRAILING_PUNCTUATION:
        last = url[-1]
        # "(voir https://fr.wikipedia.org/wiki/Coopérative_(France))": keep a closer that has its opener.
        if last in CLOSERS and url.count(CLOSERS[last]) >= url.count(last):
            break
        url = url[:-1]
    return url, candidate[len(url) :]


def _link(href: str, url: str) -> SafeString:
    return format_html('<a href="{}" rel="nofollow noopener" target="_blank">{}</a>', href, url)


def message_tokens(body: str, mentions: Mapping[str, bool]) -> Iterator[dict]:
    """The body as {"text"}, {"link", "text"} (link: the href) and {"mention", "text", "me"} tokens.

    `mentions` maps the members' handles (lower case) to True for the reader's own. Consecutive
    text is one token and no token is empty, as in tokens.js.
    """
    pending = ""
    position = 0
    for match in MESSAGE_TOKENS.finditer(body):
        pending += body[position : match.start()]
        position = match.end()
        if match.group("url"):
            url, rest = split_url(match.group("url"))
            if URL_PREFIX.sub("", url):
                if pending:
                    yield {"text": pending}
                href = url if url.lower().startswith(("http://", "https://")) else f"https://{url}"
                yield {"link": href, "text": url}
                pending = rest
            else:
                pending += url + rest
            continue
        handle = match.group(2).lower()
        if handle in mentions:
            if pending:
                yield {"text": pending}
            yield {"mention": handle, "text": match.group(0), "me": bool(mentions[handle])}
            pending = ""
        else:
            pending += match.group(0)
    pending += body[position:]
    if pending:
        yield {"text": pending}


def render_message_body(body: str, mentions: Mapping[str, bool] | Iterable[str] | None = None) -> SafeString:
    """`mentions` maps the members' handles (lower case) to True for the reader's own handle."""
    if not isinstance(mentions, Mapping):
        mentions = dict.fromkeys(mentions or (), False)
    parts = []
    for token in message_tokens(body, mentions):
        if "link" in token:
            parts.append(_link(token["link"], token["text"]))
        elif "mention" in token:
            css = "mention mention-me" if token["me"] else "mention"
            span = '<span class="{}" data-handle="{}">{}</span>'
            parts.append(format_html(span, css, token["mention"], token["text"]))
        else:
            parts.append(escape(token["text"]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped or built by format_html


@register.filter
def message_body(body, mentions=None):
    """{{ message.body|message_body:mentions }}: escaped text with links and highlighted @handles."""
    return render_message_body(str(body or ""), mentions)
