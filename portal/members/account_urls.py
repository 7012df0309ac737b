"""django-allauth's pages under /compte/, in French, by the names allauth reverses (account_*, mfa_*).

Included without a namespace next to portal/members/urls.py, which keeps the names the portal's
templates and the links already sent by e-mail use (members:login, members:password_reset…) on the
same views. Self sign-up, e-mail management and security keys are left out on purpose. Single sign-on
(OpenID Connect) is under oidc/<provider id>/, as allauth names it. Its own error, cancel and sign-up pages
are never reached (portal.members.adapters.SocialAccountAdapter says what went wrong on the sign-in page,
and signs up without a form): allauth reverses their names, which lead to the sign-in page.
"""

from allauth.account import views as account_views
from allauth.mfa.base import views as mfa_views
from allauth.mfa.recovery_codes import views as recovery_code_views
from allauth.mfa.totp import views as totp_views
from django.urls import path, re_path
from django.views.generic import RedirectView

from . import views

TWO_FACTOR = "double-authentification/"

urlpatterns = [
    path("connexion/", account_views.login, name="account_login"),
    path("deconnexion/", account_views.logout, name="account_logout"),
    path("compte-inactif/", account_views.account_inactive, name="account_inactive"),
    path("confirmer-mot-de-passe/", account_views.reauthenticate, name="account_reauthenticate"),
    path("mot-de-passe/changer/", account_views.password_change, name="account_change_password"),
    path("mot-de-passe/choisir/", account_views.password_set, name="account_set_password"),
    path("mot-de-passe/oubli/", account_views.password_reset, name="account_reset_password"),
    path("mot-de-passe/oubli/envoye/", account_views.password_reset_done, name="account_reset_password_done"),
    path(
        "mot-de-passe/cle/termine/",
        account_views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    re_path(
        r"^mot-de-passe/cle/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        account_views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path("oidc/<str:provider_id>/login/", views.sso_login, name="openid_connect_login"),
    path("oidc/<str:provider_id>/login/callback/", views.sso_callback, name="openid_connect_callback"),
    *(
        path(f"connexion-externe/{route}/", RedirectView.as_view(pattern_name="members:login"), name=name)
        for route, name in [
            ("annulee", "socialaccount_login_cancelled"),
            ("erreur", "socialaccount_login_error"),
            ("inscription", "socialaccount_signup"),
        ]
    ),
    path(TWO_FACTOR, mfa_views.index, name="mfa_index"),
    path(f"{TWO_FACTOR}verification/", mfa_views.authenticate, name="mfa_authenticate"),
    path(f"{TWO_FACTOR}confirmer/", mfa_views.reauthenticate, name="mfa_reauthenticate"),
    path(f"{TWO_FACTOR}application/activer/", totp_views.activate_totp, name="mfa_activate_totp"),
    path(f"{TWO_FACTOR}application/desactiver/", totp_views.deactivate_totp, name="mfa_deactivate_totp"),
    path(f"{TWO_FACTOR}codes-de-secours/", recovery_code_views.view_recovery_codes, name="mfa_view_recovery_codes"),
    path(
        f"{TWO_FACTOR}codes-de-secours/nouveaux/",
        recovery_code_views.generate_recovery_codes,
        name="mfa_generate_recovery_codes",
    ),
    path(
        f"{TWO_FACTOR}codes-de-secours/telecharger/",
        recovery_code_views.download_recovery_codes,
        name="mfa_download_recovery_codes",
    ),
]
