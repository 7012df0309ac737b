from django.urls import path

from . import views

app_name = "cms"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<slug:slug>/", views.directory_entry, name="directory_entry"),
]
