from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_index, name="index"),
    path("problematiques/", views.issue_board, name="issues"),
    path("problematiques/depuis-une-enquete/", views.issue_from_survey, name="issue_from_survey"),
    path("problematiques/<int:issue_id>/", views.issue_edit, name="issue_edit"),
    path("<slug:slug>/", views.plan_detail, name="detail"),
    path("<slug:slug>/suivi/", views.plan_update, name="update"),
]
