from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.index, name="list"),
    path("nouvelle/", views.create, name="create"),
    path("a-relire/", views.review, name="review"),
    path("transferts/", views.transfers, name="transfers"),
    path("depuis-un-groupe/<slug:workgroup_slug>/", views.promote_discussion, name="promote"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/modifier/", views.edit, name="edit"),
    path("<slug:slug>/adopter/", views.adopt, name="adopt"),
    path("<slug:slug>/pieces-jointes/", views.attach, name="attach"),
    path("<slug:slug>/pieces-jointes/<int:document_id>/", views.attachment, name="attachment"),
    path("<slug:slug>/pieces-jointes/<int:document_id>/retirer/", views.detach, name="detach"),
    path("<slug:slug>/soumettre/", views.transition, {"action": "submit"}, name="submit"),
    path("<slug:slug>/publier/", views.transition, {"action": "publish"}, name="publish"),
    path("<slug:slug>/renvoyer/", views.transition, {"action": "request_changes"}, name="request_changes"),
    path("<slug:slug>/archiver/", views.transition, {"action": "archive"}, name="archive"),
]
