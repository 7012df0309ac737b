"""The demo site's pages (all fictional): safe to run again, it refreshes the pages it finds by slug."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from wagtail import hooks

from . import services
from .models import (
    AxisPage,
    ClubPage,
    ContactFormField,
    ContactPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
)

HOME_INTRO = (
    "<p>Le <b>Pôle territorial de coopération économique du Val d'Arvière</b> réunit des coopératives, "
    "des associations, des mutuelles, des entreprises classiques, les collectivités et l'université du territoire. "
    "Ensemble, nous travaillons par axe thématique et au sein des clubs d'entreprises des parcs d'activités.</p>"
)

# Axis number → objectives (rich text) of its page.
AXIS_OBJECTIVES = {
    1: ["Accompagner chaque année dix projets d'activités d'utilité sociale, de l'idée au premier emploi.",
        "Ouvrir les achats des entreprises du Val aux structures de l'ESS.",
        "Faire connaître les statuts coopératifs aux cédants d'entreprises."],
    2: ["Porter à 40 % la part de produits du Val dans la restauration collective d'ici 2028.",
        "Réduire de moitié le gaspillage dans les cantines partenaires.",
        "Mutualiser la logistique du dernier kilomètre entre producteurs."],
    3: ["Rénover 150 logements par an avec un groupement d'artisans du territoire.",
        "Créer une société coopérative d'énergie citoyenne.",
        "Former les jeunes du chantier d'insertion aux métiers de la rénovation."],
    4: ["Créer un groupement d'employeurs de l'aide à domicile.",
        "Proposer un plan de formation commun aux structures du soin.",
        "Rendre les temps partiels choisis plutôt que subis."],
    5: ["Un plan de mobilité inter-entreprises pour les trois parcs d'activités.",
        "Un service de covoiturage solidaire pour l'accès à l'emploi.",
        "Des ateliers de réparation de vélos sur les parcs."],
}  # fmt: skip

# Axis numbers whose pages get their own news index and events calendar in the demo.
AXES_WITH_SECTIONS = (2, 5)

CLUB_ISSUES = (
    "<ul><li>La collecte mutualisée des déchets (cartons, palettes, déchets dangereux).</li>"
    "<li>La mobilité des salariés et le stationnement.</li>"
    "<li>La sécurité du parc et l'éclairage des voies.</li>"
    "<li>Les services partagés : restauration, garde d'enfants, conciergerie.</li></ul>"
)
CLUB_JOIN = (
    "<p>Toute entreprise ou structure installée sur le parc peut adhérer au club. La cotisation annuelle dépend "
    "de l'effectif (de 50 à 400 €). Écrivez-nous : nous vous invitons à la prochaine rencontre.</p>"
)

# slug, title, days ago, summary, axis number or None, under the axis's own index, tags, body
NEWS = [
    ("six-nouveaux-membres", "Le pôle accueille six nouveaux membres", 3,
     "Une recyclerie, deux artisans du bâtiment, une crèche associative, une mutuelle et une PME de logistique "
     "rejoignent le pôle.", None, False, ["vie du pôle", "adhésion"],
     "<p>Le conseil d'administration a validé six nouvelles adhésions. Elles portent le pôle à plus de soixante "
     "organisations membres, dont une majorité relève de l'économie sociale et solidaire.</p>"),
    ("cantines-produits-locaux", "Cantines : 30 % de produits du Val à la rentrée", 9,
     "Le groupe de travail « Restauration collective locale » a signé avec quatre cantines et deux restaurants "
     "d'entreprise.", 2, True, ["alimentation", "circuits courts"],
     "<p>Légumes, fromages et pain du Val seront servis chaque semaine. Une plateforme commune regroupe les "
     "commandes et la recyclerie prête sa chambre froide.</p>"),
    ("conserverie-solidaire", "La conserverie solidaire ouvre ses portes", 20,
     "Les invendus des producteurs deviennent soupes et confitures, préparées par les salariés en insertion.",
     2, True, ["alimentation", "anti-gaspillage", "insertion"],
     "<p>Installée dans les anciens ateliers du parc des Tanneries, la conserverie transforme chaque semaine "
     "près d'une tonne de fruits et légumes.</p>"),
    ("plan-mobilite-parcs", "Un plan de mobilité commun pour les trois parcs", 27,
     "Dix-huit entreprises s'engagent sur le covoiturage, les horaires décalés et une navette aux heures de "
     "pointe.", 5, True, ["mobilité"],
     "<p>L'enquête menée auprès de 900 salariés a montré que 70 % viennent seuls en voiture. Le plan vise à "
     "diviser ce chiffre par deux en trois ans.</p>"),
    ("groupement-artisans-renovation", "Rénovation : un groupement d'artisans se constitue", 41,
     "Huit artisans et le chantier d'insertion répondront ensemble aux projets de rénovation des particuliers.",
     3, False, ["habitat", "coopération"],
     "<p>Le groupement propose un interlocuteur unique, un diagnostic partagé et des chantiers coordonnés.</p>"),
]  # fmt: skip

ABOUT_BODY = [
    {"type": "text", "value": (
        "<p>Le pôle est né en 2019 de la rencontre entre les coopératives du Val, le club d'entreprises des "
        "Tanneries et la communauté de communes. Il est organisé en association : chaque membre a une voix.</p>"
        "<h2>Notre façon de travailler</h2><p>Les membres se retrouvent par axe thématique, dans des groupes "
        "de travail ouverts, et dans les clubs d'entreprises de chaque parc d'activités.</p>")},
    {"type": "key_figures", "value": {"title": "Le pôle aujourd'hui", "figures": [
        {"source": "members_total", "value": "", "label": "organisations membres"},
        {"source": "members_sse", "value": "", "label": "structures de l'ESS"},
        {"source": "workgroups", "value": "", "label": "groupes de travail et commissions"},
        {"source": "", "value": "2019", "label": "année de création"},
    ]}},
    {"type": "quote", "value": {
        "text": "Ce que nous ne pouvions pas faire seuls, nous le faisons maintenant à douze.",
        "author": "Claire Vasseur", "role": "gérante d'une SCOP du bâtiment"}},
    {"type": "faq", "value": {"title": "Questions fréquentes", "questions": [
        {"question": "Qui peut adhérer ?", "answer": (
            "<p>Toute organisation du territoire : entreprise, association, coopérative, collectivité.</p>")},
        {"question": "Combien coûte l'adhésion ?", "answer": (
            "<p>De 50 à 800 € par an selon l'effectif ; gratuite pour les associations sans salarié.</p>")},
    ]}},
]  # fmt: skip

LEGAL_BODY = [
    {"type": "text", "value": (
        "<h2>Éditeur</h2><p>Association Pôle de coopération du Val d'Arvière (fictive), 12 rue des Tanneurs, "
        "00000 Arvière. Directrice de la publication : la présidente de l'association.</p>"
        "<h2>Hébergement</h2><p>Serveur de démonstration, sans hébergeur réel.</p>"
        "<h2>Données personnelles</h2><p>Les inscriptions aux événements et les messages du formulaire de "
        "contact servent uniquement à l'organisation des activités du pôle. Vous pouvez demander leur "
        "suppression en écrivant via la page Contact.</p>")},
]  # fmt: skip

ACCESSIBILITY_BODY = [
    {"type": "text", "value": (
        "<p>L'association du Pôle de coopération du Val d'Arvière (fictive) s'engage à rendre son portail "
        "accessible conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005.</p>"
        "<h2>Résultats des tests</h2><p>Chaque écran est vérifié à chaque version avec axe-core sur téléphone, "
        "tablette et ordinateur ; aucun audit complet selon le RGAA n'a encore été mené.</p>"
        "<h2>Voies de recours</h2><p>Si vous signalez un défaut d'accessibilité sans obtenir de réponse, vous "
        "pouvez écrire au Défenseur des droits.</p>")},
]  # fmt: skip


def _footer_pages_chosen(home, *, legal, statement) -> None:
    """The demo's footer links its legal notice and its accessibility statement (not compliant: no RGAA audit
    was made, as the statement says); a choice staff made stays."""
    from wagtail.models import Site

    from .models import SiteIdentity

    site = Site.objects.filter(root_page=home).first() or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    identity, _ = SiteIdentity.objects.get_or_create(site=site)
    if identity.accessibility_page_id is None:
        identity.accessibility_page = statement
        identity.accessibility_statement_date = datetime.date(2026, 12, 1)
    identity.legal_notice_page = identity.legal_notice_page or legal
    identity.save()


CONTACT_FIELDS = [
    ("Nom et prénom", "singleline", True, "", ""),
    ("Organisation", "singleline", False, "", ""),
    ("Adresse e-mail", "email", True, "", "Pour vous répondre."),
    ("Objet", "dropdown", True, "Adhérer au pôle\nProposer un événement\nRejoindre un groupe de travail\nAutre", ""),
    ("Message", "multiline", True, "", ""),
]


def text_body(html: str) -> list[dict]:
    return [{"type": "text", "value": html}]


def upsert_page(parent, model, slug: str, lookup: dict | None = None, **fields):
    """The child of `parent` found by slug (or by `lookup`), created or refreshed, then published."""
    tags = fields.pop("tags", None)
    page = model.objects.child_of(parent).filter(**(lookup or {"slug": slug})).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    if tags is not None:
        page.tags.set(tags)
    page.save_revision().publish()
    return page


def load_pages(*, axes, clubs) -> HomePage:
    """The site's tree: axis and club pages, news, events, standard and contact pages; then publishing rights."""
    clubs = list(clubs.values()) if isinstance(clubs, dict) else list(clubs)
    axes_by_number = {axis.number: axis for axis in axes}
    with transaction.atomic():
        home = HomePage.objects.first()
        home.title = "Pôle de coopération du Val d'Arvière"
        home.intro = HOME_INTRO
        home.save_revision().publish()
        home.refresh_from_db()

        axis_pages = {}
        for axis in sorted(axes, key=lambda a: a.number):
            objectives = AXIS_OBJECTIVES.get(axis.number)
            html = "<ul>" + "".join(f"<li>{item}</li>" for item in objectives) + "</ul>" if objectives else ""
            axis_pages[axis.number] = upsert_page(
                home, AxisPage, axis.slug, lookup={"axis": axis}, title=axis.title, axis=axis,
                introduction=axis.summary, objectives=text_body(html) if html else [],
            )  # fmt: skip

        club_pages = [
            upsert_page(
                home,
                ClubPage,
                club.slug,
                lookup={"club": club},
                title=club.name,
                club=club,
                introduction=club.description,
                common_issues=text_body(CLUB_ISSUES),
                how_to_join=CLUB_JOIN,
                contact_email=f"{club.slug}@pole-val-arviere.example",
            )  # fmt: skip
            for club in clubs
        ]
        if club_pages:  # the first club's animator writes its news under its page
            club_news = upsert_page(
                club_pages[0], NewsIndexPage, "actualites", title=f"Actualités — {club_pages[0].title}"
            )
            upsert_page(
                club_news, NewsPage, "benne-cartons-partagee", title="Une benne à cartons partagée",
                date=timezone.localdate() - datetime.timedelta(days=4),
                summary="Les entreprises du parc partagent désormais une benne à cartons, vidée chaque mardi.",
                body=text_body("<p>Inscrivez votre entreprise auprès de l'animatrice du club.</p>"),
            )  # fmt: skip

        news_index = upsert_page(
            home, NewsIndexPage, "actualites", title="Actualités",
            intro="<p>La vie du pôle, de ses axes et de ses clubs.</p>",
        )  # fmt: skip
        axis_news = {}
        for number in AXES_WITH_SECTIONS:
            if number in axis_pages:
                axis_page = axis_pages[number]
                axis_news[number] = upsert_page(
                    axis_page, NewsIndexPage, "actualites", title=f"Actualités — {axis_page.title}"
                )

        for slug, title, days_ago, summary, axis_number, under_axis, tags, body in NEWS:
            parent = axis_news[axis_number] if under_axis and axis_number in axis_news else news_index
            upsert_page(
                parent, NewsPage, slug, title=title, date=timezone.localdate() - datetime.timedelta(days=days_ago),
                summary=summary, axis=axes_by_number.get(axis_number), tags=tags, body=text_body(body),
            )  # fmt: skip

        # The apps built on the site add their pages here (the events: cms/events/demo.py).
        for load in hooks.get_hooks("cms_demo_pages"):
            load(home=home, axis_pages=axis_pages, axes_by_number=axes_by_number)

        contact = ContactPage.objects.child_of(home).filter(slug="contact").first()
        if contact is None:
            contact = ContactPage(
                slug="contact",
                title="Contact",
                intro="<p>Une question, une envie d'adhérer ou de proposer un événement ? Écrivez-nous.</p>",
                thank_you_text="<p>Merci ! Votre message a bien été reçu : nous vous répondons sous trois jours.</p>",
                to_address="contact@pole-val-arviere.example",
                subject="Nouveau message depuis le site du pôle",
            )
            contact.form_fields = [
                ContactFormField(sort_order=index, label=label, field_type=kind, required=required,
                                 choices=choices, help_text=help_text)
                for index, (label, kind, required, choices, help_text) in enumerate(CONTACT_FIELDS)
            ]  # fmt: skip
            home.add_child(instance=contact)
            contact.save_revision().publish()

        about_body = ABOUT_BODY + [
            {"type": "call_to_action", "value": {
                "title": "Rejoindre le pôle", "text": "Présentez-nous votre structure : nous vous rappelons.",
                "button_label": "Nous écrire", "page": contact.pk, "url": ""}},
        ]  # fmt: skip
        upsert_page(home, StandardPage, "a-propos", title="À propos", intro="Qui nous sommes et comment nous agissons.",
                body=about_body)  # fmt: skip
        legal = upsert_page(home, StandardPage, "mentions-legales", title="Mentions légales", body=LEGAL_BODY)
        statement = upsert_page(
            home, StandardPage, "accessibilite", title="Déclaration d'accessibilité", body=ACCESSIBILITY_BODY
        )
        _footer_pages_chosen(home, legal=legal, statement=statement)

    services.publishing_setup()
    return home


def step(demo: dict, say) -> None:
    from portal.members.models import Person, Role

    from .services import survey_results_page_publish

    load_pages(axes=demo["axes"], clubs=demo["clubs"])
    say(gettext("  public site published: axis and club pages, news, events, about and contact"))
    survey = demo.get("survey")
    organiser = None
    if survey is not None:  # one of the survey's club's animators publishes its results
        organiser = (
            Person.objects.filter(
                role_assignments__role=Role.ANIMATOR,
                role_assignments__scope_kind="club",
                role_assignments__scope_id=survey.club_id,
            )
            .select_related("user")
            .order_by("pk")
            .first()
        )
    if organiser is not None:
        survey_results_page_publish(survey=demo["survey"], by=organiser.user)
        say(gettext("  the needs survey's results published as a page of the site"))
