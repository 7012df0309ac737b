from django.urls import path

from . import views

app_name = "workgroups"

urlpatterns = [
    path("", views.index, name="index"),
    path("demandes/<int:membership_id>/accepter/", views.approve, name="approve"),
    path("demandes/<int:membership_id>/refuser/", views.refuse, name="refuse"),
    path("<slug:slug>/", views.room, name="room"),
    path("<slug:slug>/rejoindre/", views.join, name="join"),
    path("<slug:slug>/quitter/", views.leave, name="leave"),
]
