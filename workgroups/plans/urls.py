from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_index, name="index"),
    path("nouveau/", views.plan_create, name="create"),
    path("problematiques/", views.issue_board, name="issues"),
    path("problematiques/depuis-une-enquete/", views.issue_from_survey, name="issue_from_survey"),
    path("problematiques/<int:issue_id>/", views.issue_edit, name="issue_edit"),
    path("depuis-un-groupe/<slug:slug>/", views.plan_from_room, name="from_room"),
    path("<slug:slug>/", views.plan_detail, name="detail"),
    path("<slug:slug>/suivi/", views.plan_update, name="update"),
    path("<slug:slug>/modifier/", views.plan_edit, name="edit"),
    path("<slug:slug>/publication/", views.plan_publish, name="publish"),
    path("<slug:slug>/actions/<int:action_id>/avancement/", views.action_progress, name="action_progress"),
    path("<slug:slug>/actions/nouvelle/", views.action_add, name="action_add"),
    path("<slug:slug>/actions/<int:action_id>/", views.action_edit, name="action_edit"),
    path("<slug:slug>/actions/<int:action_id>/supprimer/", views.action_delete, name="action_delete"),
]
