"""Websocket routes of every app, composed here like the HTTP urls."""

from django.urls import path

from portal.consumers import HealthConsumer

websocket_urlpatterns = [
    path("ws/health/", HealthConsumer.as_asgi()),
]
