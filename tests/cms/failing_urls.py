"""A URLconf whose only view fails, to see the 500 page the way a visitor does."""

from django.urls import path


def failing_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boum/", failing_view)]
