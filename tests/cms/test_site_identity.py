"""The cluster's identity, edited in the admin (Settings → Site identity), on every page, feed and e-mail."""

import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses the portal's own feed in a test
from email.utils import parseaddr

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils.translation import gettext
from icalendar import Calendar
from openpyxl import load_workbook
from wagtail.models import Site

from cms.models import ContactPage, SiteIdentity, StandardPage
from portal.members import services as member_services
from tests.cms.pages import add_event, add_page
from tests.factories import AxisFactory, OrganisationFactory


def _edit_url():
    return f"/admin/settings/cms/siteidentity/{Site.objects.get(is_default_site=True).pk}/"


def _form(**fields):
    """The settings form as an administrator leaves it: every field empty, the choices at their default."""
    editable = [
        field
        for field in SiteIdentity._meta.get_fields()
        if getattr(field, "editable", False) and field.name not in ("id", "site")
    ]
    blank = {field.name: field.default if field.choices and field.has_default() else "" for field in editable}
    return blank | fields


def test_a_site_without_identity_shows_the_generic_name_and_writes_no_row(client, home):
    body = client.get("/").content.decode()
    generic = gettext("PTCE portal")
    assert f'<span class="brand-name">{generic}</span>' in body and f"· {generic}</title>" in body
    assert "<style>:root" not in body  # the default colours
    assert not SiteIdentity.objects.exists()


def test_an_administrator_renames_the_site_and_every_page_and_the_feed_follow(
    client, home, administrator, agenda, mailoutbox, django_capture_on_commit_callbacks
):
    """#17: the name and the logo set in the admin show on the home page, in an e-mail and in the RSS feed."""
    logo = _png("logo-val", (240, 80))
    client.force_login(administrator)
    assert client.get(_edit_url()).status_code == 200
    response = client.post(
        _edit_url(),
        _form(name="Pôle du Val d'Arvière", short_name="Val d'Arvière", primary_colour="#5a2d0c", logo=logo.pk),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # The admin names the cluster too: every page's browser tab and the dashboard's welcome.
    dashboard = client.get("/admin/").content.decode()
    assert "- Pôle du Val d&#x27;Arvière</title>" in dashboard and "Wagtail</title>" not in dashboard
    assert re.search(r"<h1[^>]*>\s*Pôle du Val d&#x27;Arvière\s*</h1>", dashboard)
    client.logout()

    body = client.get("/").content.decode()
    assert "Pôle du Val d&#x27;Arvière</span>" in body and "· Pôle du Val d&#x27;Arvière</title>" in body
    # Read out where it shows (a phone), the name where that shows: each width's home link has a name.
    assert '<span class="brand-short">Val d&#x27;Arvière</span>' in body
    header = body.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert 'class="brand-logo"' in header and "logo-val" in header
    # An e-mail: the sender's name and the signature.
    event = add_event(agenda, title="Petit-déjeuner du pôle")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(event.url, {"name": "Léa Fontaine", "email": "lea@example.org"})
    [mail] = mailoutbox
    assert mail.from_email.startswith("Pôle du Val d'Arvière <") and "L'équipe de Pôle du Val d'Arvière" in mail.body
    # The colours come in a stylesheet of their own (no inline style under the Content-Security-Policy).
    theme = re.search(r'href="(/theme\.css\?v=\w+)"', body).group(1)
    assert "--accent-dark:#5a2d0c;" in client.get(theme).content.decode()
    channel = ET.fromstring(client.get("/flux/actualites.rss").content).find("channel")  # noqa: S314 - our own feed
    assert "Pôle du Val d'Arvière" in channel.findtext("title")


def test_a_bad_colour_is_refused_in_french_and_changes_nothing(client, home, administrator):
    client.force_login(administrator)
    response = client.post(_edit_url(), _form(name="Pôle", primary_colour="red; } body { display:none"))
    assert response.status_code == 200
    assert not SiteIdentity.objects.filter(name="Pôle").exists()


def test_the_footer_links_the_legal_notice_the_privacy_policy_and_the_contact_page(client, home):
    legal = add_page(home, StandardPage, title="Mentions légales")
    contact = add_page(home, ContactPage, title="Nous écrire")
    body = client.get("/").content.decode()
    footer = body.split('<footer class="site-footer">', 1)[1]
    assert f'href="{contact.url}"' in footer, footer[:1500]
    assert f'href="{reverse("privacy:policy")}"' in footer
    assert f'href="{legal.url}"' not in body  # not chosen yet

    SiteIdentity.objects.create(
        site=Site.objects.get(is_default_site=True),
        legal_notice_page=legal,
        postal_address="2 rue des Forges\n71000 Val",
        contact_email="contact@val.example",
    )
    body = client.get("/").content.decode()
    assert f'href="{legal.url}"' in body
    assert "2 rue des Forges<br>71000 Val" in body and 'href="mailto:contact@val.example"' in body


def test_pages_shown_in_menus_join_the_main_menu(client, home):
    about = add_page(home, StandardPage, title="Qui sommes-nous", show_in_menus=True)
    hidden = add_page(home, StandardPage, title="Page discrète")
    body = client.get("/").content.decode()
    menu = (
        body.split('aria-label="Menu principal"', 1)[-1].split("</nav>", 1)[0]
        if 'aria-label="Menu principal"' in body
        else body.split("</nav>", 1)[0]
    )
    assert f'href="{about.url}">Qui sommes-nous</a>' in menu
    assert hidden.url not in menu


@override_settings(PRIVACY_CONTROLLER="Association du Pôle, 2 rue des Forges")
def test_the_privacy_policy_names_the_controller_of_the_settings_else_of_the_server(client, home):
    url = reverse("privacy:policy")
    assert "Association du Pôle, 2 rue des Forges" in client.get(url).content.decode()
    SiteIdentity.objects.create(site=Site.objects.get(is_default_site=True), privacy_controller="SCIC Val d'Arvière")
    body = client.get(url).content.decode()
    assert "SCIC Val d&#x27;Arvière" in body and "Association du Pôle, 2 rue des Forges" not in body


def test_the_phone_header_has_a_menu_button_and_a_search_button(client, home):
    body = client.get("/").content.decode()
    assert 'aria-controls="site-menu"' in body and 'aria-expanded="false"' in body
    assert 'class="header-button search-toggle"' in body
    assert '<script type="module" src="/static/js/site-header.js"></script>' in body or "site-header" in body
    assert settings.STATIC_URL


def test_only_administrators_edit_the_identity(client, home, member):
    client.force_login(member)
    assert client.get(_edit_url()).status_code == 302  # to the admin's refusal or its login
    client.post(_edit_url(), _form(name="Pris d'assaut"))
    assert not SiteIdentity.objects.exists()


def _png(name, size):
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#0d4254").save(buffer, "PNG")
    return get_image_model().objects.create(title=name, file=ImageFile(buffer, name=f"{name}.png"))


def test_the_logo_and_the_favicon_show_on_every_page(client, home):
    SiteIdentity.objects.create(
        site=Site.objects.get(is_default_site=True),
        name="Pôle",
        logo=_png("logo", (240, 80)),
        favicon=_png("icone", (64, 64)),
    )
    body = client.get("/").content.decode()
    header = body.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert 'class="brand-logo"' in header and 'alt=""' in header  # the name beside it is what is read out
    assert '<link rel="icon" href="' in body and 'type="image/png"' in body


def test_every_page_states_its_accessibility_compliance_and_links_the_statement(client, home, administrator):
    """RGAA: the foot of every page says how compliant the site is, "non conforme" until staff say
    otherwise, and leads to the statement, which gives its date and who to write to."""
    footer = client.get("/").content.decode().split('<footer class="site-footer">', 1)[1]
    assert "Accessibilité : non conforme" in footer

    statement = add_page(home, StandardPage, title="Déclaration d'accessibilité")
    client.force_login(administrator)
    response = client.post(
        _edit_url(),
        _form(
            accessibility_page=statement.pk,
            accessibility_status="partial",
            accessibility_statement_date="2026-11-30",
            contact_email="contact@val.example",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()

    footer = client.get("/").content.decode().split('<footer class="site-footer">', 1)[1]
    assert f'<a href="{statement.url}">Accessibilité : partiellement conforme</a>' in footer
    body = client.get(statement.url).content.decode()
    facts = body.split('class="card accessibility-facts"', 1)[1].split("</aside>", 1)[0]
    assert "Partiellement conforme" in facts and '<time datetime="2026-11-30">30 novembre 2026</time>' in facts
    assert 'href="mailto:contact@val.example"' in facts
    # Other pages do not carry the statement's facts.
    assert "accessibility-facts" not in client.get("/").content.decode()


def test_an_unknown_compliance_level_is_refused_and_changes_nothing(client, home, administrator):
    client.force_login(administrator)
    response = client.post(_edit_url(), _form(name="Pôle", accessibility_status="parfait"))
    assert response.status_code == 200
    assert not SiteIdentity.objects.filter(name="Pôle").exists()


def test_every_e_mail_feed_and_export_names_the_cluster(
    client, home, agenda, administrator, mailoutbox, django_capture_on_commit_callbacks
):
    """The apps that may not ask cms (members, the accounts, the exports) name the cluster too."""
    SiteIdentity.objects.create(site=Site.objects.get(is_default_site=True), name="Pôle du Val d'Arvière")
    with django_capture_on_commit_callbacks(execute=True):
        member_services.invitation_create(
            email="nadia@example.org",
            organisation=OrganisationFactory(),
            by=administrator,
            base_url="http://testserver",
        )
    client.post(reverse("members:password_reset"), {"email": administrator.email})
    invitation, new_password = mailoutbox
    assert invitation.subject.endswith("sur Pôle du Val d'Arvière") and "sur Pôle du Val d'Arvière," in invitation.body
    assert new_password.subject == "Votre nouveau mot de passe sur Pôle du Val d'Arvière"
    assert "votre compte sur Pôle du Val d'Arvière." in new_password.body
    for mail in mailoutbox:
        assert mail.from_email == f"Pôle du Val d'Arvière <{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}>"
    # The authenticator app's entry, set up from the QR code.
    assert "issuer=P%C3%B4le%20du%20Val%20d%27Arvi%C3%A8re" in get_mfa_adapter().build_totp_url(administrator, "A" * 32)

    axis = AxisFactory(title="Mobilité", slug="mobilite")
    channel = ET.fromstring(client.get("/flux/axes/mobilite/actualites.rss").content).find("channel")  # noqa: S314
    assert channel.findtext("title") == "Actualités de l'axe Mobilité · Pôle du Val d'Arvière"
    calendar = Calendar.from_ical(client.get("/flux/agenda.ics").content)
    assert calendar["x-wr-calname"].endswith(" · Pôle du Val d'Arvière")
    assert "Pôle du Val d'Arvière" in calendar["prodid"]

    event = add_event(agenda, title="Petit-déjeuner du pôle", axis=axis)
    client.force_login(administrator)
    sheet = client.get(event.url + event.reverse_subpage("attendance", args=["xlsx"]))
    assert load_workbook(io.BytesIO(sheet.content)).properties.creator == "Pôle du Val d'Arvière"
