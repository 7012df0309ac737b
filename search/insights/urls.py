from django.urls import path

from . import views

app_name = "search_insights"

urlpatterns = [
    path("", views.report, name="report"),
    path("export.xlsx", views.export, name="export"),
]
