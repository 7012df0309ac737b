import pytest

from portal.members import services as member_services
from portal.members.models import PersonRole
from portal.privacy import services as privacy_services
from portal.privacy.models import Purpose
from tests.cms.newsletters.smtp import Recorder, SmtpServer
from tests.factories import PersonFactory, UserFactory


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1, which the portal's e-mail settings point at during the test."""
    server = SmtpServer(Recorder()).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server.handler
    server.stop()


def consenting_member(**person_fields):
    person = PersonFactory(**person_fields)
    privacy_services.consent_give(person=person, purpose=Purpose.NEWSLETTER, by=person.user)
    return person


@pytest.fixture
def members(db):
    """Three members who agreed to receive newsletters, and one who did not."""
    agreed = [consenting_member(user=UserFactory(email=f"membre{n}@example.org")) for n in range(3)]
    PersonFactory(user=UserFactory(email="sans-consentement@example.org"))
    return agreed


@pytest.fixture
def sender(db):
    """A cluster administrator (letters to every member or to the subscribers are theirs), with the
    role's group, as an invitation makes one."""
    user = UserFactory(email="organisatrice@example.org")
    member_services.person_create(user=user, role=PersonRole.ADMINISTRATOR)
    return user
