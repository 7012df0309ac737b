from django.urls import path

from . import views

app_name = "newsletters"

urlpatterns = [
    path("", views.archive, name="archive"),
    path("inscription/", views.signup, name="signup"),
    path("inscription/confirmer/<str:token>/", views.confirm, name="confirm"),
    path("desinscription/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<slug:slug>/", views.issue, name="issue"),
]
