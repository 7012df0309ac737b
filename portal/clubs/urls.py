from django.urls import path

from . import views

app_name = "club"

urlpatterns = [
    path("", views.club_list, name="list"),
    path("zones/<slug:zone_slug>/import/", views.zone_import, name="zone_import"),
    path("zones/<slug:zone_slug>/prospects/", views.zone_prospects, name="prospects"),
    path(
        "zones/<slug:zone_slug>/prospects/<int:organisation_id>/contact/",
        views.prospect_contact,
        name="prospect_contact",
    ),
    path("zones/<slug:zone_slug>/prospects/<int:organisation_id>/", views.prospect_file, name="prospect_file"),
    path("zones/<slug:zone_slug>/prospects/<int:organisation_id>/journal/", views.prospect_log, name="prospect_log"),
    path("zones/<slug:zone_slug>/prospects/<int:organisation_id>/suivi/", views.prospect_plan, name="prospect_plan"),
    path(
        "zones/<slug:zone_slug>/prospects/<int:organisation_id>/opposition/",
        views.prospect_objection,
        name="prospect_objection",
    ),
    path("appels/", views.my_calls, name="calls"),
    path("appels/fiche/", views.call_sheet, name="call_sheet"),
    path("appels/export.xlsx", views.calls_export, name="calls_export"),
    path("imports/<int:import_id>/", views.import_progress, name="import_progress"),
    path("adherer/", views.join_request_form, name="join"),
    path("adherer/registre/", views.join_register_lookup, name="join_lookup"),
    path("demandes/", views.join_requests, name="join_requests"),
    path("demandes/<int:request_id>/accepter/", views.join_request_accept, name="join_request_accept"),
    path("demandes/<int:request_id>/refuser/", views.join_request_refuse, name="join_request_refuse"),
    path("campagnes/", views.campaign_list, name="campaigns"),
    path("campagnes/<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("campagnes/<int:campaign_id>/entreprises/<int:target_id>/", views.campaign_record, name="campaign_record"),
    path("campagnes/<int:campaign_id>/invitation/", views.campaign_invitation, name="campaign_invitation"),
    path("campagnes/<int:campaign_id>/envoi/", views.campaign_send, name="campaign_send"),
    path("campagnes/<int:campaign_id>/relance/", views.campaign_remind, name="campaign_remind"),
    path("campagnes/<int:campaign_id>/lien/<str:token>/", views.campaign_link, name="campaign_link"),
    path("croissance/", views.growth_dashboard, name="growth"),
    path("chiffres-cles/", views.growth_public, name="figures"),
    path("enquetes/", views.survey_list, name="surveys"),
    path("enquetes/<int:survey_id>/", views.survey_detail, name="survey_detail"),
    path("enquetes/<int:survey_id>/export.xlsx", views.survey_export, name="survey_export"),
    path("enquetes/<int:survey_id>/publication/", views.survey_publish, name="survey_publish"),
    path("enquetes/<int:survey_id>/envoi/", views.survey_email, name="survey_email"),
    path("enquetes/<int:survey_id>/resultats/", views.survey_public_results, name="survey_results"),
    path("repondre/<str:token>/", views.survey_answer, name="survey_answer"),
    path("imports/<int:import_id>/lignes-correctes/", views.import_good_rows, name="import_good_rows"),
    path("<slug:slug>/", views.club_detail, name="detail"),
    path("<slug:slug>/etape/", views.club_stage, name="stage"),
    path("<slug:slug>/autonomie/", views.club_autonomy, name="autonomy"),
    path("<slug:slug>/fusion/", views.club_merge, name="merge"),
]
