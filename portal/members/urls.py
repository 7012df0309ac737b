from allauth.account import views as account_views
from allauth.mfa.base import views as mfa_views
from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "members"

# Signing in, out and the password pages are django-allauth's (throttled; see account_urls.py for the
# names allauth itself reverses, on the same paths). These names stay for the portal's templates, the
# bookmarks and the e-mails already sent.
urlpatterns = [
    path("connexion/", account_views.login, name="login"),
    path("deconnexion/", account_views.logout, name="logout"),
    path("mot-de-passe/oubli/", account_views.password_reset, name="password_reset"),
    path("mot-de-passe/oubli/envoye/", account_views.password_reset_done, name="password_reset_done"),
    # Reset links sent before the move to allauth carry Django's own token: they keep working until
    # they expire (PASSWORD_RESET_TIMEOUT, three days); new e-mails link to allauth's page.
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.legacy_password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(template_name="members/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("mot-de-passe/changer/", account_views.password_change, name="password_change"),
    path("double-authentification/", mfa_views.index, name="two_factor"),
    path("profil/", views.profile, name="profile"),
    path("agenda/", views.calendar_address, name="calendar_address"),
    path("organisations/<slug:slug>/modifier/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<slug:slug>/inviter/", views.organisation_invite, name="organisation_invite"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("registre-des-entreprises/", views.register_lookup, name="register_lookup"),
]
