"""The demo site's pages (all fictional): safe to run again, it refreshes the pages it finds by slug."""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone

from portal.members.models import Person

from . import services
from .models import (
    AxisPage,
    ClubPage,
    ContactFormField,
    ContactPage,
    EventIndexPage,
    EventKind,
    EventPage,
    EventRegistration,
    HomePage,
    NewsIndexPage,
    NewsPage,
    RegistrationStatus,
    StandardPage,
)
from .selectors import token_hash

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

# slug, title, kind, days from today, start, end, place, capacity, axis number or None, summary
EVENTS = [
    ("petit-dejeuner-tanneries", "Petit-déjeuner des entreprises du parc des Tanneries", EventKind.BREAKFAST, 7,
     (8, 0), (9, 30), "Maison des coopératives, salle 2", 30, None,
     "Trois membres présentent leur activité, puis échanges libres autour d'un café du Val."),
    ("atelier-cantine-circuit-court", "Atelier : approvisionner sa cantine en circuit court", EventKind.WORKSHOP, 14,
     (14, 0), (17, 0), "Cuisine centrale d'Arvière", 12, 2,
     "Méthode, calendrier des saisons et commandes groupées, avec les cuisiniers qui l'ont fait."),
    ("after-work-croix-blanche", "After-work du club de la Croix-Blanche", EventKind.AFTER_WORK, 21,
     (18, 0), (20, 30), "Brasserie coopérative La Croix-Blanche", 60, None,
     "Le rendez-vous convivial des entreprises de la zone, ouvert aux nouveaux venus."),
    ("session-echanges-materiel", "Session d'échanges : matériel et locaux à partager", EventKind.EXCHANGE_SESSION,
     28, (9, 30), (12, 0), "Tiers-lieu du Moulin", 20, None,
     "Chacun vient avec ce qu'il peut prêter ou ce qu'il cherche : véhicules, salles, outils, compétences."),
]  # fmt: skip
PAST_EVENT = (
    "assises-du-pole", "Assises du pôle", EventKind.ASSISES, -30, (9, 0), (17, 0),
    "Salle des fêtes d'Arvière", 120, None,
    "La journée annuelle du pôle : bilan des axes, ateliers et vote des priorités de l'année.",
)  # fmt: skip
PAST_VISITORS = [
    ("Nadia Berthier", "Communauté de communes du Val d'Arvière", "n.berthier@cc-val-arviere.example"),
    ("Julien Ferrand", "Université d'Arvière", "julien.ferrand@univ-arviere.example"),
    ("Sophie Lamarre", "", "sophie.lamarre@courriel.example"),
]

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

CONTACT_FIELDS = [
    ("Nom et prénom", "singleline", True, "", ""),
    ("Organisation", "singleline", False, "", ""),
    ("Adresse e-mail", "email", True, "", "Pour vous répondre."),
    ("Objet", "dropdown", True, "Adhérer au pôle\nProposer un événement\nRejoindre un groupe de travail\nAutre", ""),
    ("Message", "multiline", True, "", ""),
]


def _text(html: str) -> list[dict]:
    return [{"type": "text", "value": html}]


def _upsert(parent, model, slug: str, lookup: dict | None = None, **fields):
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


def _at(days: int, hour_minute: tuple[int, int]) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(*hour_minute)))


def _event(parent, spec, axes_by_number) -> EventPage:
    slug, title, kind, days, start, end, place, capacity, axis_number, summary = spec
    return _upsert(
        parent,
        EventPage,
        slug,
        title=title,
        kind=kind,
        start=_at(days, start),
        end=_at(days, end),
        place=place,
        address="Val d'Arvière",
        capacity=capacity,
        axis=axes_by_number.get(axis_number),
        summary=summary,
        body=_text(f"<p>{summary}</p>" + ("<p>Inscription gratuite, ouverte à tous.</p>" if days >= 0 else "")),
    )


def _participation(event: EventPage) -> None:
    """The past event fed the participatory plan, and the organisers recorded who came (all but one)."""
    from workgroups.plans.models import ActionPlan

    plan = ActionPlan.objects.filter(slug="plan-economique-participatif").first()
    if plan is not None and event.action_plan_id != plan.pk:
        EventPage.objects.filter(pk=event.pk).update(action_plan=plan)
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).order_by("pk")
    if not confirmed.filter(attended__isnull=False).exists():
        absent = confirmed.last()
        confirmed.update(attended=True)
        if absent is not None:
            EventRegistration.objects.filter(pk=absent.pk).update(attended=False)


def _past_registrations(event: EventPage) -> None:
    """Who came to the past event: some members and a few visitors (created once)."""
    if event.registrations.exists():
        return
    people = Person.objects.select_related("user", "organisation").order_by("pk")[:9]
    rows = [(p.full_name, p.organisation.name if p.organisation else "", p.user.email, p) for p in people]
    rows += [(name, organisation, email, None) for name, organisation, email in PAST_VISITORS]
    for index, (name, organisation, email, person) in enumerate(rows):
        EventRegistration.objects.create(
            event=event,
            person=person,
            name=name,
            organisation_name=organisation,
            email=email.lower(),
            status=RegistrationStatus.CANCELLED if index == 2 else RegistrationStatus.CONFIRMED,
            cancel_token_hash=token_hash(secrets.token_urlsafe(32)),
        )


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
            axis_pages[axis.number] = _upsert(
                home, AxisPage, axis.slug, lookup={"axis": axis}, title=axis.title, axis=axis,
                introduction=axis.summary, objectives=_text(html) if html else [],
            )  # fmt: skip

        for club in clubs:
            _upsert(
                home, ClubPage, club.slug, lookup={"club": club}, title=club.name, club=club,
                introduction=club.description,
                common_issues=_text(CLUB_ISSUES), how_to_join=CLUB_JOIN,
                contact_email=f"{club.slug}@pole-val-arviere.example",
            )  # fmt: skip

        news_index = _upsert(
            home, NewsIndexPage, "actualites", title="Actualités",
            intro="<p>La vie du pôle, de ses axes et de ses clubs.</p>",
        )  # fmt: skip
        agenda = _upsert(
            home, EventIndexPage, "agenda", title="Agenda",
            intro="<p>Petits-déjeuners, ateliers, sessions d'échanges : ouverts aux membres et aux visiteurs.</p>",
        )  # fmt: skip
        axis_sections = {}
        for number in AXES_WITH_SECTIONS:
            if number in axis_pages:
                axis_page = axis_pages[number]
                axis_sections[number] = {
                    "news": _upsert(axis_page, NewsIndexPage, "actualites", title=f"Actualités — {axis_page.title}"),
                    "events": _upsert(axis_page, EventIndexPage, "agenda", title=f"Agenda — {axis_page.title}"),
                }

        for slug, title, days_ago, summary, axis_number, under_axis, tags, body in NEWS:
            parent = axis_sections[axis_number]["news"] if under_axis and axis_number in axis_sections else news_index
            _upsert(
                parent, NewsPage, slug, title=title, date=timezone.localdate() - datetime.timedelta(days=days_ago),
                summary=summary, axis=axes_by_number.get(axis_number), tags=tags, body=_text(body),
            )  # fmt: skip

        for spec in EVENTS:
            axis_number = spec[8]
            parent = axis_sections[axis_number]["events"] if axis_number in axis_sections else agenda
            _event(parent, spec, axes_by_number)
        past = _event(agenda, PAST_EVENT, axes_by_number)
        _past_registrations(past)
        _participation(past)

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
        _upsert(home, StandardPage, "a-propos", title="À propos", intro="Qui nous sommes et comment nous agissons.",
                body=about_body)  # fmt: skip
        _upsert(home, StandardPage, "mentions-legales", title="Mentions légales", body=LEGAL_BODY)

    services.publishing_setup()
    return home
