"""Demo newsletters: one sent in the archive (with its deliveries), one draft with automatic sections,
and a few public subscribers. Safe to run again. Nothing is mailed: the sent issue's deliveries are
recorded as they would have been."""

import datetime

from django.db import transaction
from django.utils import timezone

from . import audiences, rendering
from .models import Audience, Delivery, DeliveryStatus, Newsletter, NewsletterStatus, Subscriber

SENT_BODY = [
    {"type": "text", "value": (
        "<h2>Trois tournées de livraison mutualisées</h2><p>Depuis septembre, six producteurs du Val d'Arvière "
        "partagent leurs tournées vers les cantines et les épiceries solidaires : <b>−30 % de kilomètres</b> et "
        "des livraisons deux fois par semaine.</p>"
    )},
    {"type": "quote", "value": {"text": "Seuls, nous n'aurions jamais pu livrer les collèges.",
                                "author": "Maraîchère de la coopérative", "role": "Axe Alimentation durable"}},
    {"type": "call_to_action", "value": {"title": "Assises du pôle", "text": "Le 12 décembre, à la Maison des "
                                         "coopératives : bilan de l'année et feuille de route 2027.",
                                         "button_label": "Voir l'agenda", "page": None,
                                         "url": "http://127.0.0.1:8000/"}},
]  # fmt: skip

DRAFT_BODY = [
    {"type": "text", "value": "<p>Voici ce qui s'est passé ce mois-ci dans le pôle et ce qui arrive.</p>"},
    {"type": "automatic", "value": {"source": "news", "title": "", "days": 60, "axis": "", "club": "", "limit": 5}},
    {"type": "automatic", "value": {"source": "events", "title": "", "days": 60, "axis": "", "club": "",
                                    "limit": 5}},
    {"type": "automatic", "value": {"source": "best_practices", "title": "", "days": 365, "axis": "", "club": "",
                                    "limit": 3}},
]  # fmt: skip


def load_newsletters() -> list[Newsletter]:
    now = timezone.now()
    with transaction.atomic():
        for n, email in enumerate(["lecteur.curieux@demo.ptce.test", "elu.local@demo.ptce.test",
                                   "journaliste@demo.ptce.test"]):  # fmt: skip
            Subscriber.objects.get_or_create(email=email, defaults={"confirmed_at": now - datetime.timedelta(days=n)})
        Subscriber.objects.get_or_create(email="pas.encore.confirme@demo.ptce.test")

        sent, created = Newsletter.objects.get_or_create(
            slug="lettre-du-pole-octobre-2026",
            defaults={"title": "La lettre du pôle — octobre 2026", "audience": Audience.MEMBERS,
                      "intro": "Bonjour à toutes et à tous, voici les nouvelles de l'automne.", "body": SENT_BODY},
        )  # fmt: skip
        if created or sent.status != NewsletterStatus.SENT:
            sent.content_html, sent.content_text = rendering.render_content(sent)
            sent_at = now - datetime.timedelta(days=20)
            Delivery.objects.bulk_create(
                [Delivery(newsletter=sent, email=email, name=name, status=DeliveryStatus.SENT, attempts=1,
                          sent_at=sent_at) for email, name in audiences.recipients(sent)],
                ignore_conflicts=True,
            )  # fmt: skip
            sent.status, sent.sending_started_at, sent.sent_at = NewsletterStatus.SENT, sent_at, sent_at
            sent.save()

        draft, _created = Newsletter.objects.get_or_create(
            slug="lettre-du-pole-decembre-2026",
            defaults={"title": "La lettre du pôle — décembre 2026", "audience": Audience.MEMBERS,
                      "intro": "Bonjour à toutes et à tous,", "body": DRAFT_BODY},
        )  # fmt: skip
    return [sent, draft]


def step(demo: dict, say) -> None:
    load_newsletters()
