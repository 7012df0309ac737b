"""The notification settings, under the account pages (/compte/notifications/): one's own, whoever one is."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_settings, name="settings"),
]
