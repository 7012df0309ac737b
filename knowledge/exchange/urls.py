from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.sheet_list, name="sheets"),
    path("fiches/nouvelle/", views.sheet_create, name="sheet_create"),
    path("fiches/<int:pk>/", views.sheet_detail, name="sheet"),
    path("fiches/<int:pk>/modifier/", views.sheet_edit, name="sheet_edit"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/inscription/", views.session_register, name="register"),
    path("sessions/<int:pk>/desinscription/<int:organisation_pk>/", views.session_unregister, name="unregister"),
    path("sessions/<int:pk>/plan-de-table/", views.session_seating, name="seating"),
    path("sessions/<int:pk>/imprimer/plan/", views.session_print, {"what": "plan"}, name="print_plan"),
    path("sessions/<int:pk>/imprimer/badges/", views.session_print, {"what": "badges"}, name="print_badges"),
    path("sessions/<int:pk>/pilotage/", views.session_live, name="live"),
    path("sessions/<int:pk>/manche/", views.session_advance, name="advance"),
    path("sessions/<int:pk>/tables/<int:number>/", views.table_screen, name="table"),
    path("sessions/<int:pk>/tables/<int:number>/reponse/", views.table_answer, name="answer"),
    path("sessions/<int:pk>/classeurs/", views.session_workbooks, name="workbooks"),
    path("sessions/<int:pk>/classeurs/entreprise-<int:organisation_pk>.xlsx", views.workbook_firm, name="workbook"),
    path(
        "sessions/<int:pk>/classeurs/toutes-les-entreprises.zip",
        views.workbook_all,
        {"what": "zip"},
        name="workbook_zip",
    ),
    path(
        "sessions/<int:pk>/classeurs/organisateur.xlsx",
        views.workbook_all,
        {"what": "organiser"},
        name="workbook_organiser",
    ),
    path("sessions/<int:pk>/questionnaire/", views.satisfaction, name="satisfaction"),
    path("sessions/<int:pk>/questionnaire/resultats/", views.satisfaction_results, name="satisfaction_results"),
    path("interets/<int:interest_pk>/synergie/", views.synergy_create, name="synergy_create"),
    path("synergies/", views.synergy_list, name="synergies"),
    path("synergies/<int:pk>/", views.synergy_edit, name="synergy"),
    path("synergies/<int:pk>/notes/", views.synergy_note, name="synergy_note"),
    path("sessions/<int:pk>/synergies/", views.session_synergies, name="session_synergies"),
    path("objectifs/", views.dashboard, name="dashboard"),
    path("sessions/<int:pk>/liens/", views.session_links, name="links"),
    path("sessions/<int:pk>/liens/entreprise-<int:organisation_pk>/fiche-papier/", views.paper_sheet, name="paper"),
    path("sessions/<int:pk>/preparation/", views.session_readiness, name="readiness"),
    path("entreprise/<str:token>/", views.firm_home, name="firm"),
    path("entreprise/<str:token>/contact/", views.firm_contact, name="firm_contact"),
    path("entreprise/<str:token>/fiche/", views.firm_sheet, name="firm_sheet_create"),
    path("entreprise/<str:token>/fiches/<int:sheet_pk>/", views.firm_sheet, name="firm_sheet"),
    path("entreprise/<str:token>/classeur.xlsx", views.firm_workbook_download, name="firm_workbook"),
]
