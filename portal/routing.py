"""Websocket routes of every app, composed here like the HTTP urls (portal/asgi.py only wraps them)."""

from django.urls import path

from knowledge.exchange.consumers import SessionConsumer
from portal.consumers import HealthConsumer
from workgroups.consumers import WorkgroupConsumer

websocket_urlpatterns = [
    path("ws/health/", HealthConsumer.as_asgi()),
    path("ws/workgroups/<slug:slug>/", WorkgroupConsumer.as_asgi()),
    path("ws/bourse/<int:pk>/", SessionConsumer.as_asgi()),
]
