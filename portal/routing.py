"""Websocket routes of every app, composed here like the HTTP urls."""

from django.urls import path

from portal.consumers import HealthConsumer
from workgroups.consumers import WorkgroupConsumer

websocket_urlpatterns = [
    path("ws/health/", HealthConsumer.as_asgi()),
    path("ws/workgroups/<slug:slug>/", WorkgroupConsumer.as_asgi()),
]
