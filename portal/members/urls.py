from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import EmailAuthenticationForm

app_name = "members"

urlpatterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            template_name="members/login.html",
            authentication_form=EmailAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            template_name="members/password_reset_form.html",
            email_template_name="members/email/password_reset.txt",
            subject_template_name="members/email/password_reset_subject.txt",
            success_url=reverse_lazy("members:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="members/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="members/password_reset_confirm.html",
            success_url=reverse_lazy("members:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(template_name="members/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("profil/", views.profile, name="profile"),
    path("organisations/<slug:slug>/modifier/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<slug:slug>/inviter/", views.organisation_invite, name="organisation_invite"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("registre-des-entreprises/", views.register_lookup, name="register_lookup"),
]
