"""Cursor pagination for the API: an opaque, signed cursor holding the sort values of the last item.

Each list is sorted on fields that end with the primary key, so the order is total and stable: the
next page starts strictly after the last item seen (keyset), and a row added or removed meanwhile
neither repeats nor skips another. The cursor is signed, so a forged or damaged one answers 400."""

import base64
import datetime
import json

from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet

SALT = "portal.api.cursor"


class BadCursor(ValueError):
    pass


def _field(model, name: str):
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


class _CursorEncoder(DjangoJSONEncoder):
    """Date-times to the microsecond (DjangoJSONEncoder keeps milliseconds only: a cursor on a time with
    microseconds would start the next page before its last item, and show it again)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def encode_cursor(values: list, order: tuple[str, ...]) -> str:
    payload = json.dumps({"o": list(order), "v": values}, cls=_CursorEncoder, separators=(",", ":"))
    signed = signing.Signer(salt=SALT).sign(base64.urlsafe_b64encode(payload.encode()).decode().rstrip("="))
    return signed


def decode_cursor(cursor: str, model, order: tuple[str, ...]) -> list:
    try:
        raw = signing.Signer(salt=SALT).unsign(cursor)
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        if data["o"] != list(order) or len(data["v"]) != len(order):
            raise BadCursor
        return [_field(model, name.lstrip("-")).to_python(value) for name, value in zip(order, data["v"], strict=True)]
    except (signing.BadSignature, ValueError, KeyError, TypeError) as error:
        raise BadCursor from error
    except Exception as error:  # a field refusing a value (django's ValidationError)
        raise BadCursor from error


def _after(order: tuple[str, ...], values: list) -> Q:
    condition = Q()
    for index, name in enumerate(order):
        field = name.lstrip("-")
        step = Q(**{f"{field}__{'lt' if name.startswith('-') else 'gt'}": values[index]})
        for previous, value in zip(order[:index], values[:index], strict=True):
            step &= Q(**{previous.lstrip("-"): value})
        condition |= step
    return condition


def page(queryset: QuerySet, *, order: tuple[str, ...], cursor: str | None, limit: int) -> tuple[list, str | None]:
    """One page of `queryset` sorted by `order` (ending with "pk" or "-pk"), and the next page's cursor."""
    queryset = queryset.order_by(*order)
    if cursor:
        queryset = queryset.filter(_after(order, decode_cursor(cursor, queryset.model, order)))
    items = list(queryset[: limit + 1])
    if len(items) <= limit:
        return items, None
    items = items[:limit]
    last = items[-1]
    values = [getattr(last, name.lstrip("-")) for name in order]
    return items, encode_cursor(values, order)
