from django.urls import path

from . import views

app_name = "workgroups"

urlpatterns = [
    path("", views.index, name="index"),
    path("coordination/", views.coordination, name="coordination"),
    path("nouveau/", views.create, name="create"),
    path("demandes/<int:membership_id>/accepter/", views.approve, name="approve"),
    path("demandes/<int:membership_id>/refuser/", views.refuse, name="refuse"),
    path("<slug:slug>/", views.room, name="room"),
    path("<slug:slug>/rejoindre/", views.join, name="join"),
    path("<slug:slug>/quitter/", views.leave, name="leave"),
    path("<slug:slug>/gestion/", views.manage, name="manage"),
    path("<slug:slug>/gestion/archiver/", views.archive, name="archive"),
    path("<slug:slug>/gestion/membres/ajouter/", views.member_add, name="member_add"),
    path("<slug:slug>/gestion/membres/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("<slug:slug>/gestion/membres/<int:membership_id>/retirer/", views.member_remove, name="member_remove"),
]
