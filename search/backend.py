"""Picks the configured backend once per process."""

import functools

from django.conf import settings
from django.utils.module_loading import import_string

from .backends.base import SearchBackend


def load_backend(config: dict) -> SearchBackend:
    return import_string(config["BACKEND"])(dict(config))


@functools.cache
def get_backend() -> SearchBackend:
    return load_backend(settings.PORTAL_SEARCH)
