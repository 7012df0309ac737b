from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.privacy_policy, name="policy"),
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees/consentement/", views.consent_change, name="consent"),
    path("mes-donnees/telecharger/", views.download, name="download"),
    path("mes-donnees/supprimer-mon-compte/", views.account_delete, name="account_delete"),
    path("export/<int:person_id>/", views.admin_download, name="admin_download"),
]
