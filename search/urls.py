from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("", views.results, name="results"),
    path("suggestions/", views.autocomplete, name="autocomplete"),
    path("clic/", views.click, name="click"),
]
