"""The message tokenizer against the vectors that tests/js/tokens.test.mjs also reads, so the room
page rendered by the server and the messages rendered live by tokens.js cut a body the same way."""

import json
from pathlib import Path

import pytest
from django.utils.html import escape

from workgroups.templatetags.workgroups_tags import message_tokens, render_message_body

VECTORS = json.loads((Path(__file__).parents[1] / "data" / "tokenizer_vectors.json").read_text("utf-8"))["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_message_tokens_match_the_shared_vectors(vector):
    tokens = list(message_tokens(vector["body"], vector["handles"]))

    assert tokens == vector["tokens"]
    assert "".join(token["text"] for token in tokens) == vector["body"]


def token_html(token):
    if "link" in token:
        attributes = f'href="{escape(token["link"])}" rel="nofollow noopener" target="_blank"'
        return f"<a {attributes}>{escape(token['text'])}</a>"
    if "mention" in token:
        css = "mention mention-me" if token["me"] else "mention"
        return f'<span class="{css}" data-handle="{token["mention"]}">{escape(token["text"])}</span>'
    return escape(token["text"])


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_the_html_is_the_tokens_with_every_text_escaped(vector):
    html = render_message_body(vector["body"], vector["handles"])

    assert html == "".join(token_html(token) for token in vector["tokens"])
    assert "<script" not in html
