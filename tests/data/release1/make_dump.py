"""Adds a few hundred rows of every kind to a first-release database (after its `load_demo`).

Runs with the FIRST release's code (commit e6cdf28), never with this one: see README.md beside it.

    cd <a checkout of e6cdf28> && DATABASE_URL=… .venv/bin/python manage.py shell \
        --settings=portal.settings.dev -c "exec(open('<this file>').read())"

Seeded (random.Random(23)), so two runs give the same rows. People are made through the old
services (person_create puts them in their role's group, the axes' coordination groups follow
Axis.coordinators); everything else through the old models directly: nothing here sends mail or
needs a worker.
"""

import datetime
import random

from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from cms import services as cms_services
from cms.models import (
    EventIndexPage,
    EventPage,
    EventRegistration,
    HomePage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
)
from cms.newsletters.models import Delivery, Newsletter, Subscriber, Unsubscription
from knowledge.exchange.models import (
    ExchangeObjective,
    ExchangeSession,
    FirmWorkbook,
    Interest,
    Registration,
    ResourceSheet,
    SatisfactionResponse,
    SessionTable,
    Synergy,
    WorkbookExport,
)
from knowledge.models import Adoption, BestPractice, BestPracticeRevision, KeyFigure
from portal.members import services as member_services
from portal.members.demo import fictional_siret
from portal.members.models import (
    Club,
    ClubBoardMember,
    ClubStageChange,
    FirmImport,
    GrowthTarget,
    Invitation,
    Membership,
    Organisation,
    Person,
    ProspectContact,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
    Zone,
)
from portal.privacy.models import Consent, ExportAccess
from workgroups.models import (
    Action,
    ActionPlan,
    Axis,
    CommonIssue,
    Mention,
    Message,
    Workgroup,
    WorkgroupMembership,
)

R = random.Random(23)
NOW = timezone.now().replace(microsecond=0)
TODAY = NOW.date()
TAG = "gen"  # every generated slug and e-mail carries it


def pick(seq, k=None):
    return R.choice(seq) if k is None else R.sample(seq, k)


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


@transaction.atomic
def generate():
    # --- Zones, clubs, organisations, memberships --------------------------------------------
    zones = list(Zone.objects.all()) + [
        Zone.objects.create(
            name=f"Zone {TAG} {n}", slug=f"zone-{TAG}-{n}", commune=f"Commune {n}", firms_established=100 + n
        )
        for n in range(12)
    ]
    clubs = list(Club.objects.all())
    for n in range(16):
        clubs.append(
            Club.objects.create(
                zone=pick(zones),
                name=f"Club {TAG} {n}",
                slug=f"club-{TAG}-{n}",
                stage=pick(["emergence", "needs_collected", "common_actions", "autonomous"]),
                founded=day(-400 - n),
            )
        )
    clubs[-1].merged_into, clubs[-1].merged_on = clubs[-2], day(-10)
    clubs[-1].save()
    for club in clubs[-16:]:
        club.other_zones.set(pick(zones, 2))
    kinds = ["cooperative", "association", "mutual", "esus_company", "integration_enterprise", "classic_firm"]
    organisations = list(Organisation.objects.all()) + Organisation.objects.bulk_create(
        Organisation(
            name=f"Organisation {TAG} {n}",
            slug=f"organisation-{TAG}-{n}",
            kind=pick(kinds),
            siret=fictional_siret(700_000 + n) if n % 3 else "",
            naf_code="62.01Z",
            zone=pick(zones),
            commune="Arvière",
            in_public_directory=n % 4 != 0,
            email=f"contact{n}@{TAG}.example.org",
        )
        for n in range(300)
    )
    generated_orgs = organisations[-300:]
    memberships = []
    for n, org in enumerate(generated_orgs):
        memberships.append(
            Membership(organisation=org, club=None, status=pick(["active", "pending"]), fee_paid=n % 2 == 0)
        )
        club = pick(clubs[-16:])
        memberships.append(Membership(organisation=org, club=club, status="active"))
        if n % 5 == 0:
            memberships.append(
                Membership(organisation=org, club=club, status="left", started_on=day(-300), ended_on=day(-30))
            )
    Membership.objects.bulk_create(memberships)

    # --- People with each old role, Django groups and permissions -------------------------------
    admin_user = User.objects.filter(person__role="administrator").order_by("pk").first()
    people = []
    roles = ["administrator"] * 6 + ["coordinator"] * 24 + ["organiser"] * 20 + ["member"] * 170
    for n, role in enumerate(roles):
        user = User.objects.create_user(
            username=f"person{n}@{TAG}.example.org",
            email=f"person{n}@{TAG}.example.org",
            password=None,
            first_name=f"Prénom{n}",
            last_name=f"Nom{n}",
            is_active=n % 23 != 7,  # a few accounts switched off
            is_staff=role in ("administrator", "coordinator", "organiser") or n % 31 == 0,
        )
        organisation = None if (role == "member" and n % 17 == 0) else pick(generated_orgs)
        people.append(
            member_services.person_create(user=user, organisation=organisation, role=role, job_title="Gérant")
        )
    for n in range(4):  # accounts without a person: a superuser and plain staff
        User.objects.create_user(
            username=f"account{n}@{TAG}.example.org",
            email=f"account{n}@{TAG}.example.org",
            password=None,
            is_superuser=n == 0,
            is_staff=n < 3,
        )
    custom = Group.objects.create(name=f"Rédaction {TAG}")
    custom.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["wagtailadmin", "wagtailimages", "wagtaildocs"])
    )
    readers = Group.objects.create(name=f"Lecteurs annuaire {TAG}")
    readers.permissions.set(Permission.objects.filter(content_type__app_label="members", codename__startswith="view_"))
    for person in people[::7]:
        person.user.groups.add(custom)
    for person in people[3::11]:
        person.user.groups.add(readers)
    for person in people[5::13]:
        person.user.user_permissions.add(*Permission.objects.filter(codename__in=["change_organisation", "view_club"]))

    # --- Axes, workgroups, messages ---------------------------------------------------------
    axes = list(Axis.objects.all())
    first_number = max(a.number for a in axes) + 1
    axes += [
        Axis.objects.create(
            number=first_number + n, title=f"Axe {TAG} {n}", slug=f"axe-{TAG}-{n}", summary="Axe généré"
        )
        for n in range(6)
    ]
    coordinators = [p for p in people if p.role == "coordinator"]
    for n, person in enumerate(coordinators[:-4]):  # the last four coordinate no axis
        pick(axes).coordinators.add(person)
        if n % 3 == 0:
            pick(axes).coordinators.add(person)
    # The first release let an administrator list anyone among an axis's coordinators.
    for person in [p for p in people if p.role == "member"][:3] + [p for p in people if p.role == "organiser"][:2]:
        pick(axes).coordinators.add(person)
    workgroups = list(Workgroup.objects.all())
    for n in range(30):
        axis, club = (pick(axes), None) if n % 3 else (None, pick(clubs))
        workgroups.append(
            Workgroup.objects.create(
                axis=axis,
                club=club,
                name=f"Groupe {TAG} {n}",
                slug=f"groupe-{TAG}-{n}",
                membership_policy=pick(["open", "approval"]),
                is_archived=n == 29,
            )
        )
    wg_members = {}
    rows = []
    for wg in workgroups[-30:]:
        members = pick(people, 12)
        wg_members[wg.pk] = members
        for m, person in enumerate(members):
            rows.append(
                WorkgroupMembership(
                    workgroup=wg,
                    person=person,
                    role="facilitator" if m == 0 else ("coordinator" if m == 1 else "member"),
                    status="pending" if m == 11 else "active",
                )
            )
    WorkgroupMembership.objects.bulk_create(rows)
    messages = []
    for wg in workgroups[-30:]:
        for seq in range(1, 26):
            messages.append(
                Message(
                    workgroup=wg,
                    sequence=seq,
                    author=pick(wg_members[wg.pk][:11]),
                    body=f"Message {seq} du groupe {wg.name}",
                    client_id=f"{TAG}-{wg.pk}-{seq}",
                    edited_at=NOW if seq % 9 == 0 else None,
                    removed_at=NOW if seq % 13 == 0 else None,
                    change=seq,
                )
            )
        wg.last_sequence = wg.last_change = 25
        wg.save(update_fields=["last_sequence", "last_change"])
    messages = Message.objects.bulk_create(messages)
    Mention.objects.bulk_create(
        Mention(message=msg, person=pick(wg_members[msg.workgroup_id])) for msg in messages[::5]
    )
    Message.objects.filter(pk__in=[m.pk for m in messages[1::10]]).update(reply_to=messages[0])

    # --- Action plans, actions, common issues -------------------------------------------------
    plans = []
    for n in range(20):
        scope = ["axis", "club", "process"][n % 3]
        plans.append(
            ActionPlan.objects.create(
                title=f"Plan {TAG} {n}",
                slug=f"plan-{TAG}-{n}",
                scope=scope,
                axis=pick(axes) if scope == "axis" else None,
                club=pick(clubs) if scope == "club" else None,
                period_start=day(-100),
                period_end=day(300),
                is_public=n % 2 == 0,
            )
        )
    Action.objects.bulk_create(
        Action(
            plan=plan,
            position=i,
            title=f"Action {i} de {plan.title}",
            pilot=pick(generated_orgs),
            starts_on=day(i),
            ends_on=day(i + 60),
            status=pick(["planned", "in_progress", "done", "on_hold", "dropped"]),
            indicator="entreprises",
            target_value=10,
            current_value=i,
        )
        for plan in plans
        for i in range(6)
    )
    surveys = []
    for n in range(10):
        surveys.append(
            Survey.objects.create(
                title=f"Enquête {TAG} {n}",
                club=pick(clubs),
                opened_on=day(-60),
                closes_on=day(30 - 10 * n),
                results_public=n % 2 == 0,
                created_by=admin_user,
            )
        )
    CommonIssue.objects.bulk_create(
        CommonIssue(
            title=f"Problème {TAG} {n}",
            problem=pick(["signage", "waste", "catering", "mailbox"]),
            club=pick(clubs),
            workgroup=pick(workgroups[-30:]) if n % 2 else None,
            survey=pick(surveys) if n % 3 == 0 else None,
            status=pick(["open", "in_progress", "resolved", "dropped"]),
            updated_by=admin_user,
        )
        for n in range(25)
    )

    # --- Clubs' life: stages, boards, targets, prospects, imports, surveys ---------------------
    ClubStageChange.objects.bulk_create(
        ClubStageChange(club=club, stage=club.stage, club_name=club.name, by=admin_user, note="Généré")
        for club in clubs[-16:]
        for _ in range(3)
    )
    ClubBoardMember.objects.bulk_create(
        ClubBoardMember(club=club, person=person, position=position)
        for club in clubs[-16:]
        for person, position in zip(pick(people, 3), ["president", "treasurer", "secretary"], strict=True)
    )
    GrowthTarget.objects.bulk_create(
        GrowthTarget(zone=zone, year=year, target_members=40 + n)
        for n, zone in enumerate(zones[-12:])
        for year in (2026, 2027)
    )
    ProspectContact.objects.bulk_create(
        ProspectContact(
            organisation=pick(generated_orgs),
            status=pick(["invited", "called", "visited", "joined"]),
            contacted_on=day(-n),
            note=f"Contact {n}",
            by=admin_user,
        )
        for n in range(250)
    )
    FirmImport.objects.bulk_create(
        FirmImport(
            zone=pick(zones),
            filename=f"import-{n}.xlsx",
            content=b"PK\x03\x04 not a real file",
            mode=pick(["all_or_nothing", "good_rows_only"]),
            status=pick(["done", "refused", "failed"]),
            total_rows=20,
            processed_rows=20,
            created_count=n,
            errors=[{"line": 3, "message": "SIRET invalide"}],
            created_by=admin_user,
            finished_at=NOW,
        )
        for n in range(8)
    )
    for survey in surveys:
        invited = pick(generated_orgs, 25)
        invitations = SurveyInvitation.objects.bulk_create(
            SurveyInvitation(survey=survey, organisation=org, nonce=f"{survey.pk:04d}{org.pk:06d}{TAG}", emailed_at=NOW)
            for org in invited
        )
        for invitation in invitations[:15]:
            response = SurveyResponse.objects.create(
                invitation=invitation, survey=survey, free_text="Plus de navettes.", respondent_name="Répondant"
            )
            SurveyAnswer.objects.bulk_create(
                SurveyAnswer(response=response, survey=survey, problem=problem, importance=R.randint(1, 3))
                for problem in pick(["signage", "waste", "catering", "mailbox"], 2)
            )
    Invitation.objects.bulk_create(
        Invitation(
            email=f"invite{n}@{TAG}.example.org",
            organisation=pick(generated_orgs),
            role=pick(["member", "member", "coordinator", "organiser"]),
            invited_by=admin_user,
            token_hash=f"{n:064x}",
            expires_at=NOW + datetime.timedelta(days=14 - n),
            accepted_at=NOW if n % 4 == 0 else None,
        )
        for n in range(60)
    )

    # --- Best practices ---------------------------------------------------------------------
    records = []
    for n in range(60):
        status = ["draft", "submitted", "published", "published", "archived"][n % 5]
        org = pick(generated_orgs)
        records.append(
            BestPractice.objects.create(
                title=f"Bonne pratique {TAG} {n}",
                slug=f"bonne-pratique-{TAG}-{n}",
                summary="Résumé.",
                body="<p>Corps.</p>",
                axis=pick(axes),
                organisation=org,
                status=status,
                visibility=pick(["public", "members"]),
                contact=pick(people),
                published_at=NOW if status in ("published", "archived") else None,
            )
        )
        records[-1].tags.add(f"tag-{n % 7}", "généré")
    KeyFigure.objects.bulk_create(
        KeyFigure(record=rec, value=str(i * 10), label=f"Chiffre {i}", sort_order=i)
        for rec in records
        for i in range(2)
    )
    BestPracticeRevision.objects.bulk_create(
        BestPracticeRevision(
            record=rec, number=i + 1, snapshot={"title": rec.title}, action=action, author=pick(people)
        )
        for rec in records
        for i, action in enumerate(["created", "edited", "submitted"])
    )
    Adoption.objects.bulk_create(
        Adoption(record=rec, organisation=org, declared_by=pick(people), comment="Adoptée")
        for rec in records[2::5]
        for org in pick(generated_orgs, 3)
    )

    # --- Bourse d'échanges ------------------------------------------------------------------
    sheets = []
    for n in range(240):
        sheets.append(
            ResourceSheet(
                organisation=pick(generated_orgs),
                direction=pick(["offer", "need"]),
                category=pick(["materials", "waste", "equipment", "premises", "skills", "logistics"]),
                title=f"Fiche {TAG} {n}",
                description="Palettes, cartons…",
                quantity=n,
                unit="kg",
                frequency=pick(["one_off", "recurring"]),
                zone=pick(zones),
                status=pick(["open", "in_discussion", "matched", "closed"]),
                created_by=pick(people),
            )
        )
    sheets = ResourceSheet.objects.bulk_create(sheets)
    for sheet in sheets[::4]:
        sheet.tags.add("palettes", f"cat-{sheet.category}")
    sessions = []
    for n in range(8):
        session = ExchangeSession.objects.create(
            title=f"Bourse {TAG} {n}",
            date=day(-200 + 40 * n),
            venue="Salle des fêtes",
            club=pick(clubs) if n % 2 else None,
            rounds=3,
            round_minutes=20,
            status="done" if n < 6 else "planned",
        )
        sessions.append(session)
        tables = SessionTable.objects.bulk_create(
            SessionTable(session=session, number=t + 1, facilitator=pick(people), secretary=pick(people))
            for t in range(4)
        )
        firms = pick(generated_orgs, 24)
        Registration.objects.bulk_create(
            Registration(session=session, organisation=org, table=tables[i % 4]) for i, org in enumerate(firms)
        )
        if n < 6:
            interests = Interest.objects.bulk_create(
                Interest(
                    session=session,
                    round=R.randint(1, 3),
                    sheet=sheet,
                    organisation=org,
                    interested=pick([True, False]),
                    table=pick(tables),
                    recorded_by=pick(people),
                    recorded_at=NOW,
                )
                for sheet in pick(sheets, 12)
                for org in pick(firms, 5)
            )
            for i, interest in enumerate(interests[:8]):
                if interest.organisation_id == interest.sheet.organisation_id:
                    continue
                status = pick(["idea", "in_progress", "implemented", "abandoned"])
                Synergy.objects.create(
                    offer=interest.sheet if interest.sheet.direction == "offer" else None,
                    need=interest.sheet if interest.sheet.direction == "need" else None,
                    provider_id=interest.sheet.organisation_id,
                    beneficiary_id=interest.organisation_id,
                    club=session.club,
                    session=session,
                    interest=interest,
                    status=status,
                    implemented_on=day(-i) if status == "implemented" else None,
                    tonnes_per_year=i,
                    euros_per_year=100 * i,
                    created_by=pick(people),
                )
            for person in pick(people, 10):
                SatisfactionResponse.objects.create(
                    session=session,
                    respondent=person,
                    organisation=person.organisation,
                    logistics=R.randint(1, 5),
                    method=R.randint(1, 5),
                    atmosphere=R.randint(1, 5),
                    comment="Bien",
                )
            export = WorkbookExport.objects.create(
                session=session, status="done", done_count=2, total_count=2, requested_by=pick(people), finished_at=NOW
            )
            FirmWorkbook.objects.bulk_create(
                FirmWorkbook(export=export, organisation=org, content=b"PK\x03\x04 workbook") for org in firms[:2]
            )
    ExchangeObjective.objects.bulk_create(
        [ExchangeObjective(club=club, year=2027, sessions_planned=2, synergies_planned=10) for club in clubs[-16:]]
        + [ExchangeObjective(club=None, year=2028, sessions_planned=6, synergies_planned=40)]
    )

    # --- Privacy ----------------------------------------------------------------------------
    consents = []
    for n, person in enumerate(people):
        for purpose in ["directory", "newsletter", "contact"][: 1 + n % 3]:
            consents.append(Consent(person=person, purpose=purpose, wording=f"J'accepte ({purpose})."))
    Consent.objects.bulk_create(consents)
    Consent.objects.bulk_create(
        Consent(person=person, purpose="newsletter", wording="Ancien accord.", withdrawn_at=NOW)
        for person in people[::9]
    )
    ExportAccess.objects.bulk_create(
        ExportAccess(
            user=pick(people).user, user_label="Quelqu'un", path="/export/", filename="annuaire.csv", subject="Annuaire"
        )
        for _ in range(30)
    )

    # --- Newsletters ------------------------------------------------------------------------
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"abonne{n}@{TAG}.example.org", name=f"Abonné {n}", confirmed_at=NOW if n % 5 else None)
        for n in range(220)
    )
    for n in range(16):
        audience = ["members", "axis", "club", "subscribers"][n % 4]
        letter = Newsletter.objects.create(
            title=f"Lettre {TAG} {n}",
            slug=f"lettre-{TAG}-{n}",
            audience=audience,
            axis=pick(axes) if audience == "axis" else None,
            club=pick(clubs) if audience == "club" else None,
            intro="Bonjour",
            status="sent" if n < 12 else "draft",
            sent_at=NOW if n < 12 else None,
            content_html="<p>Lettre</p>",
            content_text="Lettre",
        )
        if n < 12:
            Delivery.objects.bulk_create(
                Delivery(
                    newsletter=letter,
                    email=s.email,
                    name=s.name,
                    status=pick(["sent", "sent", "failed", "uncertain"]),
                    attempts=1,
                )
                for s in pick(subscribers, 40)
            )
    Unsubscription.objects.bulk_create(
        Unsubscription(email=s.email, audience_key=pick(["members", "subscribers", f"axis:{axes[0].pk}"]))
        for s in subscribers[:30]
    )

    # --- Wagtail: collections, images, documents, pages and revisions, group permissions --------
    root_collection = Collection.get_first_root_node()
    collections = [root_collection.add_child(name=f"Collection {TAG} {n}") for n in range(3)]
    images = Image.objects.bulk_create(
        Image(
            title=f"Image {TAG} {n}",
            file=f"original_images/{TAG}-{n}.jpg",
            width=800,
            height=600,
            collection=pick(collections + [root_collection]),
            file_size=1000 + n,
        )
        for n in range(40)
    )
    Document.objects.bulk_create(
        Document(
            title=f"Document {TAG} {n}",
            file=f"documents/{TAG}-{n}.pdf",
            collection=pick(collections + [root_collection]),
        )
        for n in range(40)
    )
    image_ct = ContentType.objects.get(app_label="wagtailimages", model="image")
    doc_ct = ContentType.objects.get(app_label="wagtaildocs", model="document")
    for collection in collections:
        for perm in Permission.objects.filter(
            content_type__in=[image_ct, doc_ct],
            codename__in=["add_image", "choose_image", "add_document", "choose_document"],
        ):
            GroupCollectionPermission.objects.create(group=custom, collection=collection, permission=perm)

    home = HomePage.objects.first()
    news_index = NewsIndexPage.objects.first()
    event_index = EventIndexPage.objects.first()
    editor = people[0].user
    for n in range(40):
        page = news_index.add_child(
            instance=NewsPage(
                title=f"Actualité {TAG} {n}",
                slug=f"actualite-{TAG}-{n}",
                date=day(-n),
                summary="Une nouvelle.",
                axis=pick(axes) if n % 2 else None,
                feature_image=pick(images) if n % 3 == 0 else None,
            )
        )
        page.tags.add("générée")
        revision = page.save_revision(user=editor, log_action=True)
        if n % 5:
            revision.publish(user=editor)
        if n % 4 == 0:
            page.title = f"{page.title} (modifiée)"
            page.save_revision(user=editor, log_action=True)
    events = []
    for n in range(25):
        start = NOW + datetime.timedelta(days=n * 7 - 90)
        page = event_index.add_child(
            instance=EventPage(
                title=f"Événement {TAG} {n}",
                slug=f"evenement-{TAG}-{n}",
                kind=pick(["breakfast", "workshop", "assises", "exchange_session", "after_work"]),
                start=start,
                end=start + datetime.timedelta(hours=2),
                place="Salle",
                capacity=30,
                registration_open=True,
                axis=pick(axes) if n % 2 else None,
                summary="Un rendez-vous.",
                action_plan=pick(plans) if n % 5 == 0 else None,
                followup_workgroup=pick(workgroups[-30:]) if n % 6 == 0 else None,
            )
        )
        page.save_revision(user=editor, log_action=True).publish(user=editor)
        events.append(page)
    registrations = []
    for n in range(300):
        event = pick(events)
        person = pick(people) if n % 3 else None
        registrations.append(
            EventRegistration(
                event=event,
                person=person,
                name=f"Participant {n}",
                organisation_name="Une entreprise",
                email=f"participant{n}@{TAG}.example.org",
                status=pick(["confirmed", "confirmed", "waiting", "cancelled"]),
                cancel_token_hash=f"{TAG}{n:060d}",
                attended=n % 4 == 0,
            )
        )
    EventRegistration.objects.bulk_create(registrations)
    for n in range(10):
        page = home.add_child(
            instance=StandardPage(title=f"Page {TAG} {n}", slug=f"page-{TAG}-{n}", intro="<p>Texte</p>")
        )
        page.save_revision(user=editor, log_action=True).publish(user=editor)
    page_ct = ContentType.objects.get_for_model(Page)
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=custom, page=news_index, permission=Permission.objects.get(content_type=page_ct, codename=codename)
        )
    GroupPagePermission.objects.create(
        group=readers, page=event_index, permission=Permission.objects.get(content_type=page_ct, codename="add_page")
    )
    Tag.objects.get_or_create(name="étiquette orpheline", slug="etiquette-orpheline")


@transaction.atomic
def generate_more():
    """What the first release's clusters also hold: moderation in progress, contact-form submissions,
    redirects, admin profiles, queued background jobs, index outbox rows and sessions."""
    from django.contrib.sessions.backends.db import SessionStore
    from django_tasks_db.models import DBTaskResult
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.users.models import UserProfile

    from cms.models import ContactPage
    from search.models import IndexOutbox

    people = list(Person.objects.filter(user__username__endswith=f"@{TAG}.example.org").select_related("user"))
    author = people[30].user  # a coordinator
    for page in NewsPage.objects.filter(slug__startswith=f"actualite-{TAG}-", has_unpublished_changes=True).order_by(
        "pk"
    )[:4]:
        workflow = page.get_workflow()
        if workflow is not None:
            workflow.start(page, author)
    contact = ContactPage.objects.first()
    submission_class = contact.get_submission_class()
    for n in range(25):
        submission_class.objects.create(page=contact, form_data={"name": f"Visiteur {n}", "message": "Bonjour"})
    for n, page in enumerate(NewsPage.objects.filter(slug__startswith=f"actualite-{TAG}-").order_by("pk")[:20]):
        Redirect.objects.create(old_path=f"/ancienne-actualite-{n}", redirect_page=page)
    for person in people[:40]:
        profile = UserProfile.get_for_user(person.user)
        profile.preferred_language = "fr"
        profile.save()
    # Jobs waiting for the worker when the cluster is upgraded (with the task paths release one used).
    waiting = [
        ("portal.members.tasks.run_firm_import", [FirmImport.objects.order_by("pk").first().pk]),
        ("portal.members.tasks.email_survey_links", [Survey.objects.order_by("pk").first().pk]),
        ("workgroups.tasks.notify_mentions", [Message.objects.order_by("pk").first().pk]),
        ("search.tasks.drain_outbox", []),
    ]
    for path, args in waiting:
        DBTaskResult.objects.create(
            task_path=path, args_kwargs={"args": args, "kwargs": {}}, backend_name="default", run_after=NOW,
            exception_class_path="", traceback="",
        )  # fmt: skip
    DBTaskResult.objects.create(
        task_path="portal.members.tasks.run_firm_import", args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default", run_after=NOW, status="SUCCESSFUL", finished_at=NOW, return_value=12,
        exception_class_path="", traceback="",
    )  # fmt: skip
    IndexOutbox.objects.bulk_create(
        IndexOutbox(action="index", doc_type="organisation", object_id=str(org.pk))
        for org in Organisation.objects.order_by("pk")[:30]
    )
    for person in people[:20]:
        session = SessionStore()
        session["_auth_user_id"] = str(person.user.pk)
        session.create()


generate()
generate_more()
# The axes' page groups follow their coordinators (cms.apps does it on each change; once more for the new pages).
cms_services.axes_coordination_sync()
print(
    "generated:",
    {m.__name__: m.objects.count() for m in (Person, Organisation, Message, Interest, Page, EventRegistration)},
)
