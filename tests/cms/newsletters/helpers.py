from django.utils.text import slugify

from cms.newsletters.models import Audience, Newsletter


def make_newsletter(title="La lettre du pôle — novembre", *, audience=Audience.MEMBERS, body=None, **fields):
    body = body if body is not None else [
        {"type": "text", "value": "<p>Les <b>circuits courts</b> avancent : trois tournées mutualisées.</p>"},
        {"type": "call_to_action", "value": {"title": "Les assises", "text": "Le 12 décembre.",
                                             "button_label": "S'inscrire", "page": None,
                                             "url": "https://example.org/assises"}},
    ]  # fmt: skip
    return Newsletter.objects.create(
        title=title, slug=fields.pop("slug", slugify(title)), audience=audience, intro="Bonjour à toutes et à tous,",
        body=body, **fields,
    )  # fmt: skip
