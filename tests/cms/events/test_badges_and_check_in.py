"""A large event: its programme of sessions on its page, the name badges of every registrant as a PDF
(opened back: the names and codes are there), and attendance at the door by a badge's code or by
ticking the tablet list."""

import datetime
import io

import pytest
from pypdf import PdfReader

from cms.events import services
from cms.events.models import EventRegistration, EventSession, RegistrationStatus
from portal.members import services as member_services
from portal.members.models import PersonRole
from tests.cms.pages import add_event
from tests.factories import UserFactory


@pytest.fixture
def organiser(db):
    user = UserFactory(email="organisatrice@example.org")
    member_services.person_create(user=user, role=PersonRole.ADMINISTRATOR)
    return user


@pytest.fixture
def assises(agenda):
    event = add_event(agenda, kind="assises", title="Assises du pôle", capacity=30)
    for index, (name, organisation) in enumerate(
        [("Camille Lefèvre", "SCOP Bois d'Arvière"), ("Jérôme Ngata", "Mairie de Saint-Vit"), ("Zoé Martin", "")]
        + [(f"Participant {n:02d}", "Entreprise") for n in range(10)]
    ):
        services.registration_create(event=event, name=name, organisation_name=organisation,
                                     email=f"p{index}@example.org")  # fmt: skip
    return event


def test_the_programme_shows_each_session_with_its_room_and_speakers(assises, client):
    EventSession.objects.create(
        event=assises,
        starts_at=datetime.time(9),
        ends_at=datetime.time(10, 30),
        title="Restitution du diagnostic",
        room="Amphi A",
        speakers="Léa Roux, Marc Dubois",
    )
    EventSession.objects.create(
        event=assises, starts_at=datetime.time(11), title="Ateliers thématiques", room="Salle 2"
    )
    html = client.get(assises.url).content.decode()
    assert "Restitution du diagnostic" in html and "Amphi A" in html and "Léa Roux, Marc Dubois" in html
    assert html.index("Restitution du diagnostic") < html.index("Ateliers thématiques")


def test_every_confirmed_registrant_has_a_badge_with_a_unique_code(assises):
    codes = list(EventRegistration.objects.filter(event=assises).values_list("badge_code", flat=True))
    assert len(set(codes)) == len(codes) == 13
    assert all(len(code) == 8 and code.isalnum() for code in codes)


def test_the_badges_pdf_opens_back_with_every_name_and_code(assises, organiser, client):
    client.force_login(organiser)
    response = client.get(assises.url + assises.reverse_subpage("badges"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2  # thirteen badges, ten to a page
    text = "\n".join(page.extract_text() for page in reader.pages)
    for registration in EventRegistration.objects.filter(event=assises):
        assert registration.name in text
        assert registration.badge_code in text
    assert "SCOP Bois d'Arvière" in text


def test_a_badge_code_records_its_holder_as_present(assises, organiser, client):
    camille = EventRegistration.objects.get(event=assises, name="Camille Lefèvre")
    client.force_login(organiser)
    url = assises.url + assises.reverse_subpage("check_in")
    # Typed by hand, in lower case and with a space, it is still read right.
    code = camille.badge_code.lower()
    response = client.post(url, {"code": f" {code[:4]} {code[4:]} "}, follow=True)
    camille.refresh_from_db()
    assert camille.attended is True
    assert "Camille Lefèvre" in response.content.decode()

    response = client.post(url, {"code": "ZZZZ9999"}, follow=True)
    assert "ZZZZ9999" in response.content.decode()  # the message names the unknown code
    assert EventRegistration.objects.filter(event=assises, attended=True).count() == 1


def test_a_badge_of_the_waiting_list_is_refused(agenda, organiser):
    event = add_event(agenda, capacity=1)
    services.registration_create(event=event, name="Première", email="a@example.org")
    waiting = services.registration_create(event=event, name="Deuxième", email="b@example.org")
    assert waiting.status == RegistrationStatus.WAITING
    with pytest.raises(Exception) as caught:
        services.attendance_check_in(event=event, code=waiting.badge_code, by=organiser)
    assert getattr(caught.value, "code", None) == "waiting"


def test_the_tablet_list_ticks_and_unticks_a_registrant(assises, organiser, client):
    zoe = EventRegistration.objects.get(event=assises, name="Zoé Martin")
    client.force_login(organiser)
    url = assises.url + assises.reverse_subpage("check_in")
    page = client.get(url).content.decode()
    assert "Zoé Martin" in page and "0 présent sur 13" in page
    client.post(url, {"registration": zoe.pk, "present": "1"})
    zoe.refresh_from_db()
    assert zoe.attended is True
    assert "1 présent sur 13" in client.get(url).content.decode()
    client.post(url, {"registration": zoe.pk, "present": "0"})
    zoe.refresh_from_db()
    assert zoe.attended is False


def test_names_in_other_scripts_print_on_the_badges(agenda, organiser, client):
    """Cyrillic, Greek and Vietnamese names come back from the PDF as typed (DejaVu Sans is embedded)."""
    event = add_event(agenda, kind="assises", title="Assises internationales", capacity=10)
    names = ["Алина Петрова", "Ελένη Παπαδοπούλου", "Nguyễn Thị Lan"]
    for index, name in enumerate(names):
        services.registration_create(event=event, name=name, organisation_name="Кооператив «Север»",
                                     email=f"intl{index}@example.org")  # fmt: skip
    client.force_login(organiser)
    response = client.get(event.url + event.reverse_subpage("badges"))
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    for name in names:
        assert name in text
    assert "Кооператив «Север»" in text
    fonts = {str(font["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("DejaVuSans" in font for font in fonts)
