"""Reads about axes and workgroups."""

from django.db.models import QuerySet

from .models import Axis


def axes() -> QuerySet[Axis]:
    return Axis.objects.order_by("number")


def axis_by_slug(slug: str) -> Axis | None:
    return Axis.objects.filter(slug=slug).first()


def filter_organisations_by_axis(organisations: QuerySet, axis: Axis) -> QuerySet:
    return organisations.filter(axes=axis)


def axes_of_organisation(organisation) -> QuerySet[Axis]:
    return Axis.objects.filter(organisations=organisation).order_by("number")
