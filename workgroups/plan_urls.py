from django.urls import path

from . import plan_views

app_name = "plans"

urlpatterns = [
    path("", plan_views.plan_index, name="index"),
    path("problematiques/", plan_views.issue_board, name="issues"),
    path("problematiques/depuis-une-enquete/", plan_views.issue_from_survey, name="issue_from_survey"),
    path("problematiques/<int:issue_id>/", plan_views.issue_edit, name="issue_edit"),
    path("<slug:slug>/", plan_views.plan_detail, name="detail"),
    path("<slug:slug>/suivi/", plan_views.plan_update, name="update"),
]
