from django.urls import path

from . import views

app_name = "cms"

urlpatterns = [
    path("", views.directory, name="directory"),
    # Before the entries: "carte" is no organisation's (an organisation named so gets "carte-2").
    path("carte/", views.directory_map, name="directory_map"),
    path("<slug:slug>/", views.directory_entry, name="directory_entry"),
]
