from django.urls import path

from . import club_views

app_name = "club"

urlpatterns = [
    path("", club_views.club_list, name="list"),
    path("<slug:slug>/", club_views.club_detail, name="detail"),
    path("<slug:slug>/etape/", club_views.club_stage, name="stage"),
    path("<slug:slug>/fusion/", club_views.club_merge, name="merge"),
]
