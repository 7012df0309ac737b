"""Two-factor authentication (#16): anyone sets it up from the profile (an authenticator app, then
recovery codes); signing in then asks for a code; it is required of the administrators and of whoever
can export personal data when PORTAL_REQUIRE_TWO_FACTOR is on (production), and of nobody when off."""

import io
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from portal.members import permissions
from portal.members.models import Role
from portal.members.scopes import CLUSTER_ID, ScopeKind
from portal.members.services import account_email_ensure, role_grant
from tests.factories import PASSWORD, AxisFactory, ClubFactory, PersonFactory, UserFactory
from tests.portal.test_settings import PROD_ENV, run_settings

pytestmark = pytest.mark.django_db

SETUP = reverse("mfa_activate_totp")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Failure counters and the used-code markers live in the default cache."""
    cache.clear()
    yield
    cache.clear()


def totp(secret: str, shift: int = 0) -> str:
    """The code an authenticator app shows now (allauth's own HOTP helper, 30-second steps)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + shift))


def sign_in(client, user, password=PASSWORD, follow=False):
    return client.post(reverse("members:login"), {"login": user.email, "password": password}, follow=follow)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def open_setup(client, password=PASSWORD):
    """The setup page; like every change to an account's security, it first asks for the password again."""
    page = client.get(SETUP, follow=True)
    reauthenticate = reverse("account_reauthenticate")
    assert page.redirect_chain[-1][0].startswith(reauthenticate)
    assert "Confirmez que c'est bien vous" in page.content.decode()
    page = client.post(reauthenticate, {"password": password, "next": SETUP}, follow=True)
    assert page.redirect_chain[-1][0] == SETUP and page.status_code == 200
    return page


def set_up_two_factor(client, user) -> tuple[str, list[str]]:
    """Signs in, sets up the authenticator app from the profile as a person does; returns the secret
    and the recovery codes shown. The address is recorded as for every account in production."""
    account_email_ensure(user=user)
    assert sign_in(client, user).status_code == 302
    profile = client.get(reverse("members:profile")).content.decode()
    assert reverse("members:two_factor") in profile and "Activer la double authentification" in profile
    page = open_setup(client)
    html = page.content.decode()
    secret = page.context["form"].secret
    assert secret in html and 'role="img"' in html and "<svg" in html  # the QR code, inline, named
    wrong = client.post(SETUP, {"code": "000000" if totp(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and "Code incorrect" in wrong.content.decode()
    done = client.post(SETUP, {"code": totp(secret)}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    codes = done.context["unused_codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    client.post(reverse("members:logout"))
    return secret, codes


def test_a_member_sets_up_two_factor_then_signs_in_with_a_code(client):
    user = PersonFactory(user__email="lea.fontaine@example.org").user
    secret, _codes = set_up_two_factor(client, user)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    first_step = sign_in(client, user)
    assert first_step.status_code == 302 and first_step["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)  # the password alone opens nothing
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Deuxième étape" in page and "code de secours" in page
    wrong = client.post(reverse("mfa_authenticate"), {"code": "12345"})
    assert wrong.status_code == 200 and not signed_in(client)

    response = client.post(reverse("mfa_authenticate"), {"code": totp(secret)})
    assert response.status_code == 302 and response["Location"] == reverse("members:profile")
    assert signed_in(client)


def test_a_recovery_code_signs_in_once(client):
    user = PersonFactory(user__email="lea.fontaine@example.org").user
    _secret, codes = set_up_two_factor(client, user)

    sign_in(client, user)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302 and signed_in(client)
    client.post(reverse("members:logout"))

    sign_in(client, user)
    again = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert again.status_code == 200 and not signed_in(client)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[1]}).status_code == 302


def test_the_second_step_is_throttled_like_the_password(client):
    user = PersonFactory(user__email="lea.fontaine@example.org").user
    secret, _codes = set_up_two_factor(client, user)
    sign_in(client, user)
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": "00000000"})
    refused = client.post(reverse("mfa_authenticate"), {"code": totp(secret)})
    assert "Trop de tentatives échouées" in refused.content.decode() and not signed_in(client)


def test_the_sign_in_of_the_admin_asks_for_the_code_too(client, administrator):
    secret, _codes = set_up_two_factor(client, administrator)
    response = client.post(
        reverse("members:login"), {"login": administrator.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response["Location"] == reverse("mfa_authenticate") and not signed_in(client)
    assert client.get("/admin/")["Location"].startswith(reverse("members:login"))
    response = client.post(reverse("mfa_authenticate"), {"code": totp(secret)})
    assert response["Location"] == "/admin/" and client.get("/admin/").status_code == 200


@override_settings(PORTAL_REQUIRE_TWO_FACTOR=True)
def test_an_administrator_without_two_factor_is_sent_to_its_setup_everywhere(client, administrator):
    client.force_login(administrator)
    for url in (reverse("members:profile"), "/admin/", reverse("workgroups:index")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == SETUP, url
    # The setup itself (after the password asked again), and signing out, stay open.
    assert "Clé à saisir" in open_setup(client).content.decode()
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.post(reverse("members:logout")).status_code == 302 and not signed_in(client)


@override_settings(PORTAL_REQUIRE_TWO_FACTOR=True)
def test_an_administrator_signing_in_sets_it_up_then_goes_on(client, administrator):
    response = sign_in(client, administrator, follow=True)
    assert response.redirect_chain[1][0] == SETUP  # after the profile the sign-in leads to
    assert "donnent accès à des données personnelles" in response.content.decode()
    secret = open_setup(client).context["form"].secret
    client.post(SETUP, {"code": totp(secret)})
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("members:profile")).status_code == 200


@override_settings(PORTAL_REQUIRE_TWO_FACTOR=False)
def test_with_the_setting_off_nobody_is_required(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("members:profile")).status_code == 200
    assert client.get("/admin/").status_code == 200


@override_settings(PORTAL_REQUIRE_TWO_FACTOR=True)
def test_a_plain_member_is_never_required(client):
    member = PersonFactory().user
    client.force_login(member)
    assert client.get(reverse("members:profile")).status_code == 200
    assert permissions.must_use_two_factor(member) is False


def test_who_must_use_two_factor(settings):
    granter = UserFactory(is_superuser=True)

    def holder(role, kind, scope_id):
        person = PersonFactory()
        role_grant(person=person, role=role, scope_kind=kind, scope_id=scope_id, by=granter)
        person.user.refresh_from_db()
        return person.user

    required = [
        holder(Role.ADMINISTRATOR, ScopeKind.CLUSTER, CLUSTER_ID),
        holder(Role.COORDINATOR, ScopeKind.AXIS, AxisFactory().pk),
        holder(Role.ANIMATOR, ScopeKind.CLUB, ClubFactory().pk),
        holder(Role.EXCHANGE_ORGANISER, ScopeKind.CLUB, ClubFactory().pk),
        UserFactory(is_superuser=True),
    ]
    not_required = [PersonFactory().user, UserFactory()]
    settings.PORTAL_REQUIRE_TWO_FACTOR = True
    assert [permissions.must_use_two_factor(user) for user in required] == [True] * len(required)
    assert [permissions.must_use_two_factor(user) for user in not_required] == [False, False]
    settings.PORTAL_REQUIRE_TWO_FACTOR = False
    assert not any(permissions.must_use_two_factor(user) for user in required)


@override_settings(PORTAL_REQUIRE_TWO_FACTOR=True)
def test_a_required_person_who_turns_it_off_is_sent_to_set_it_up_again(client, administrator):
    sign_in(client, administrator)
    client.post(SETUP, {"code": totp(open_setup(client).context["form"].secret)})
    turned_off = client.post(reverse("mfa_deactivate_totp"), follow=True)
    assert turned_off.redirect_chain[-1][0] == reverse("mfa_index")  # where it is set up again
    assert not Authenticator.objects.filter(user=administrator).exists()
    assert client.get(reverse("members:profile"))["Location"] == SETUP
    # The owner is told by e-mail, with where the change came from.
    assert [message.to for message in mail.outbox] == [[administrator.email]]
    assert "Ce changement vient d'être fait" in mail.outbox[0].body and "127.0.0.1" in mail.outbox[0].body


def test_the_team_turns_it_off_for_a_person_who_lost_phone_and_codes(client):
    user = PersonFactory(user__email="lea.fontaine@example.org").user
    set_up_two_factor(client, user)
    output = io.StringIO()
    call_command("two_factor_off", "Lea.Fontaine@example.org", stdout=output)
    assert "off" in output.getvalue()
    assert not Authenticator.objects.filter(user=user).exists()
    assert sign_in(client, user).status_code == 302 and signed_in(client)


@pytest.mark.parametrize(
    ("module", "env", "required"),
    [
        ("portal.settings.prod", PROD_ENV, True),
        ("portal.settings.dev", {}, False),
    ],
)
def test_production_requires_two_factor_and_the_demo_does_not(module, env, required):
    code = "import django; django.setup(); from django.conf import settings; print(settings.PORTAL_REQUIRE_TWO_FACTOR)"
    result = run_settings(module, code=code, **{"PORTAL_REQUIRE_TWO_FACTOR": "", **env})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(required)


def test_the_person_downloads_their_sign_in_methods_and_deleting_the_account_erases_them(client):
    from allauth.account.models import EmailAddress

    from portal.privacy import services as privacy_services

    person = PersonFactory(user__email="lea.fontaine@example.org")
    user = person.user
    set_up_two_factor(client, user)
    sections = {section["name"]: section["rows"] for section in privacy_services.data_sections(person)}
    items = [row["Élément"] for row in sections["sign_in"]]
    assert items == ["Adresse de connexion", "Application d'authentification", "Codes de secours"]
    assert "10 non utilisés" in [row["Détail"] for row in sections["sign_in"]]

    client.force_login(user)
    client.post(reverse("privacy:account_delete"), {"password": PASSWORD, "confirm": "on"})
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()


def test_an_account_made_in_the_admin_sets_it_up_after_a_password_reset(client):
    """Such an account has no recorded address; the reset copies it unverified, which must not block."""
    import re

    user = PersonFactory(user__email="gestion@example.org").user
    client.post(reverse("members:password_reset"), {"email": user.email})
    link = re.search(r"https?://[^/]+(/compte/mot-de-passe/cle/\S+)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"password1": "Une-phrase-2026", "password2": "Une-phrase-2026"})
    assert sign_in(client, user, "Une-phrase-2026").status_code == 302
    secret = open_setup(client, "Une-phrase-2026").context["form"].secret
    done = client.post(SETUP, {"code": totp(secret)})
    assert done.status_code == 302 and Authenticator.objects.filter(user=user).exists()
