from django.urls import path

from . import club_views

app_name = "club"

urlpatterns = [
    path("", club_views.club_list, name="list"),
    path("zones/<slug:zone_slug>/import/", club_views.zone_import, name="zone_import"),
    path("zones/<slug:zone_slug>/prospects/", club_views.zone_prospects, name="prospects"),
    path(
        "zones/<slug:zone_slug>/prospects/<int:organisation_id>/contact/",
        club_views.prospect_contact,
        name="prospect_contact",
    ),
    path("imports/<int:import_id>/", club_views.import_progress, name="import_progress"),
    path("croissance/", club_views.growth_dashboard, name="growth"),
    path("chiffres-cles/", club_views.growth_public, name="figures"),
    path("enquetes/", club_views.survey_list, name="surveys"),
    path("enquetes/<int:survey_id>/", club_views.survey_detail, name="survey_detail"),
    path("enquetes/<int:survey_id>/export.xlsx", club_views.survey_export, name="survey_export"),
    path("enquetes/<int:survey_id>/publication/", club_views.survey_publish, name="survey_publish"),
    path("enquetes/<int:survey_id>/envoi/", club_views.survey_email, name="survey_email"),
    path("enquetes/<int:survey_id>/resultats/", club_views.survey_public_results, name="survey_results"),
    path("repondre/<str:token>/", club_views.survey_answer, name="survey_answer"),
    path("imports/<int:import_id>/lignes-correctes/", club_views.import_good_rows, name="import_good_rows"),
    path("<slug:slug>/", club_views.club_detail, name="detail"),
    path("<slug:slug>/etape/", club_views.club_stage, name="stage"),
    path("<slug:slug>/fusion/", club_views.club_merge, name="merge"),
]
