from django.urls import path

from . import views

app_name = "workgroups"

urlpatterns = [
    path("", views.index, name="index"),
    path("coordination/", views.coordination, name="coordination"),
    path("nouveau/", views.create, name="create"),
    path("demandes/<int:membership_id>/accepter/", views.approve, name="approve"),
    path("demandes/<int:membership_id>/refuser/", views.refuse, name="refuse"),
    path("demarches/", views.processes, name="processes"),
    path("demarches/<slug:slug>/", views.process, name="process"),
    path("demarches/<slug:slug>/tableaux/importer/", views.process_table_import, name="process_table_import"),
    path(
        "demarches/<slug:slug>/tableaux/<int:table_id>/retirer/",
        views.process_table_remove,
        name="process_table_remove",
    ),
    path("<slug:slug>/", views.room, name="room"),
    path("<slug:slug>/rejoindre/", views.join, name="join"),
    path("<slug:slug>/quitter/", views.leave, name="leave"),
    path("<slug:slug>/gestion/", views.manage, name="manage"),
    path("<slug:slug>/gestion/archiver/", views.archive, name="archive"),
    path("<slug:slug>/gestion/membres/ajouter/", views.member_add, name="member_add"),
    path("<slug:slug>/gestion/membres/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("<slug:slug>/gestion/membres/<int:membership_id>/retirer/", views.member_remove, name="member_remove"),
    path("<slug:slug>/reunions/", views.meetings, name="meetings"),
    path("<slug:slug>/reunions/nouvelle/", views.meeting_create, name="meeting_create"),
    path("<slug:slug>/reunions/<int:meeting_id>/", views.meeting, name="meeting"),
    path("<slug:slug>/reunions/<int:meeting_id>/modifier/", views.meeting_edit, name="meeting_edit"),
    path("<slug:slug>/reunions/<int:meeting_id>/compte-rendu/", views.meeting_minutes, name="meeting_minutes"),
    path("<slug:slug>/reunions/<int:meeting_id>/supprimer/", views.meeting_delete, name="meeting_delete"),
    path("<slug:slug>/decisions/ajouter/", views.decision_add, name="decision_add"),
    path("<slug:slug>/taches/ajouter/", views.task_add, name="task_add"),
    path("<slug:slug>/taches/<int:task_id>/fait/", views.task_done, name="task_done"),
    path("<slug:slug>/fichiers/ajouter/", views.file_add, name="file_add"),
    path("<slug:slug>/fichiers/<int:file_id>/", views.file_download, name="file_download"),
    path("<slug:slug>/fichiers/<int:file_id>/retirer/", views.file_remove, name="file_remove"),
]
