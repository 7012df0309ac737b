"""Issue #18's objection to prospecting, on the screens of the three people who meet it (#23).

Claire, the Tanneries club's animator, sends her campaign's invitations (real e-mails, to a real SMTP
server on loopback). The Atelier Durand, on a phone and without an account, follows the objection link
of its invitation, objects and reads a French confirmation; following the link again only says that it
is done, and records nothing more. Claire then finds the objection on the firm's prospect file, and a
new campaign on the zone leaves the firm out of its e-mails, saying so on its card. The administrator
finds the objection in the admin's list, on a desktop (1280×800) and a tablet (768×1024). Every screen
at 390×844 and 1280×800 (tests/e2e/sizes.py: no sideways scroll, the main action reachable, axe-core
finds nothing serious or critical), with a screenshot of each in test-artifacts/e2e/objection-*.png."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cms.newsletters.models import Unsubscription
from portal.clubs import services as club_services
from portal.clubs.models import ProspectingObjection, Survey
from portal.members import services as member_services
from portal.members.models import PersonRole, Role
from portal.members.scopes import ScopeKind
from tests.e2e.conftest import signed_in_context
from tests.e2e.sizes import DESKTOP, PHONE, both_sizes, check_screen
from tests.factories import ClubFactory, OrganisationFactory, PersonFactory, UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TABLET = {"width": 768, "height": 1024}
DURAND = "contact@durand.example"
MARTIN = "bonjour@martin.example"


@pytest.fixture
def tanneries():
    """The club of the Tanneries park, Claire its animator, two prospects with a contact address, the
    club's needs survey open for a month, and Claire's campaign inviting the zone's prospects to it."""
    administrator = member_services.person_create(
        user=UserFactory(first_name="Agnès", last_name="Roussel"), role=PersonRole.ADMINISTRATOR
    ).user
    zone = ZoneFactory(name="Parc des Tanneries", slug="tanneries")
    club = ClubFactory(zone=zone, name="Club des Tanneries")
    claire = PersonFactory(
        role=PersonRole.MEMBER, user__first_name="Claire", user__last_name="Morel", organisation=OrganisationFactory()
    )
    member_services.role_grant(
        person=claire, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk, by=administrator
    )
    OrganisationFactory(zone=zone, name="Atelier Durand", email=DURAND, phone="04 78 12 34 56")
    OrganisationFactory(zone=zone, name="Boulangerie Martin", email=MARTIN, phone="04 78 65 43 21")
    survey = Survey.objects.create(
        title="Vos besoins 2026", club=club, closes_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    campaign = club_services.campaign_create(
        club=club, zone=zone, title="Rentrée des Tanneries", kind="mailing", by=claire.user, assignees=[claire.user]
    )
    club_services.campaign_set_invitation(
        campaign=campaign, by=claire.user, invite_kind="survey", invite_id=survey.pk, reminder_days=[7], reminder_max=1
    )
    return {"administrator": administrator, "claire": claire, "campaign": campaign}


def objection_link(message) -> str:
    """The path of the objection link an invitation e-mail offers in its text."""
    url = next(word for word in message.get_content().split() if "/desinscription/" in word)
    return "/" + url.split("/", 3)[3]


def test_a_firm_objects_from_its_invitation_and_nobody_e_mails_it_any_more(
    smtp_sink, tanneries, browser, browser_context_args, live_portal, screenshot
):
    # smtp_sink first: the server under test reads the SMTP address when it starts.
    claire = tanneries["claire"]
    desktop = signed_in_context(browser, browser_context_args, live_portal, claire, viewport=DESKTOP).new_page()
    desktop.goto(f"/clubs/campagnes/{tanneries['campaign'].pk}/")
    desktop.get_by_role("button", name="Envoyer les invitations").click()
    expect(desktop.get_by_text("Invitations qui partent par e-mail dans quelques minutes : 2.")).to_be_visible()
    smtp_sink.wait_for(2)
    assert sorted(smtp_sink.recipients()) == [MARTIN, DURAND]
    link = objection_link(next(message for rcpt, message in smtp_sink.messages if rcpt == [DURAND]))

    # The firm, on a phone, follows the link at the foot of its invitation: one question, one button.
    firm = browser.new_context(**{**browser_context_args, "viewport": PHONE}).new_page()
    firm.goto(link)
    expect(firm.get_by_role("heading", level=1)).to_have_text("Opposition à la prospection")
    expect(firm.get_by_text(f"plus aucune lettre, invitation ni relance ne sera envoyée à {DURAND}")).to_be_visible()
    assert not ProspectingObjection.objects.exists()  # looking records nothing
    object_button = firm.get_by_role("button", name="Je m'oppose à la prospection")
    both_sizes(firm, "objection-link", screenshot, action=object_button)
    object_button.click()
    expect(firm.get_by_role("heading", level=1)).to_have_text("Opposition enregistrée")
    recorded = f"Votre opposition est enregistrée : {DURAND} ne recevra plus aucune lettre, invitation ni relance"
    expect(firm.get_by_text(recorded + " du pôle et de ses clubs, dès maintenant.")).to_be_visible()
    both_sizes(firm, "objection-recorded", screenshot)
    objection = ProspectingObjection.objects.get()
    assert (objection.email, objection.source) == (DURAND, "link")
    day = timezone.localtime(objection.created_at).strftime("%d/%m/%Y")

    # Following the link again says it is done, since when, and offers nothing more to press.
    firm.goto(link)
    done = f"Votre opposition est enregistrée depuis le {day} : {DURAND} ne reçoit plus aucune lettre"
    expect(firm.get_by_text(done)).to_be_visible()
    expect(firm.get_by_role("button", name="Je m'oppose à la prospection")).to_have_count(0)
    both_sizes(firm, "objection-link-again", screenshot)
    assert ProspectingObjection.objects.count() == 1 and Unsubscription.objects.count() == 1
    firm.context.close()

    # Claire, on her phone: the firm's prospect file says it objected, and since when.
    phone = signed_in_context(browser, browser_context_args, live_portal, claire, viewport=PHONE).new_page()
    phone.goto(f"/clubs/campagnes/{tanneries['campaign'].pk}/")
    phone.get_by_role("link", name="Atelier Durand").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Atelier Durand")
    emails = phone.get_by_role("region", name="E-mails de prospection")
    expect(emails).to_contain_text(f"Cette entreprise s'est opposée à la prospection le {day}")
    expect(emails.get_by_role("button")).to_have_count(0)  # nothing left to record
    both_sizes(phone, "objection-prospect-file", screenshot, action=emails)

    # A new campaign on the zone takes the firm in (to call) but e-mails it nothing.
    desktop.goto("/clubs/campagnes/")
    desktop.locator("#id_title").fill("Relance de décembre")
    desktop.locator("#id_kind").select_option("mailing")
    desktop.get_by_role("button", name="Lancer la campagne").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Relance de décembre")
    invitation = desktop.get_by_role("region", name="Invitation par e-mail")
    invitation.get_by_label("Inviter les entreprises à").select_option(label="Vos besoins 2026")
    invitation.get_by_role("button", name="Enregistrer").click()
    expect(desktop.get_by_text("L'invitation et ses relances sont enregistrées.")).to_be_visible()
    desktop.get_by_role("button", name="Envoyer les invitations").click()
    expect(desktop.get_by_text("Invitations qui partent par e-mail dans quelques minutes : 1.")).to_be_visible()
    smtp_sink.wait_for(3)
    assert smtp_sink.recipients()[2:] == [MARTIN]
    expect(invitation).to_contain_text("Opposées à la prospection, sans e-mail : 1")
    card = desktop.locator(".call-card", has_text="Atelier Durand")
    expect(card).to_contain_text("Opposée à la prospection : ni invitation ni relance par e-mail")
    both_sizes(desktop, "objection-campaign", screenshot, action=card)
    # Sending again finds nobody left, and says why the firm is not among them.
    desktop.get_by_role("button", name="Envoyer les invitations").click()
    expect(desktop.get_by_text("les autres n'ont pas d'adresse, se sont opposées à la prospection")).to_be_visible()
    assert smtp_sink.count == 3

    # The administrator's list of objections, on a desktop and a tablet (and a phone).
    admin = signed_in_context(
        browser, browser_context_args, live_portal, tanneries["administrator"], viewport=DESKTOP
    ).new_page()
    admin.goto("/admin/prospecting-objections/")
    expect(admin.get_by_role("heading", level=1)).to_contain_text(re.compile("oppositions à la prospection", re.I))
    row = admin.get_by_role("row").filter(has_text=DURAND)
    expect(row).to_contain_text("Lien en un clic d'un e-mail")
    both_sizes(admin, "objection-admin", screenshot, action=row, admin=True)
    admin.set_viewport_size(TABLET)
    check_screen(admin, "objection-admin-tablet", screenshot, action=row, admin=True)
