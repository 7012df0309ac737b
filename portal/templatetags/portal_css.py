"""Widths without style attributes: the Content-Security-Policy forbids them, so a bar names its
width with a class, pct-0 … pct-100, that portal.css defines."""

from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """`{{ 37.4|pct }}` → "pct-37": the class of a width in percent, clamped to 0…100."""
    try:
        number = round(float(str(value).replace(",", ".")))
    except (TypeError, ValueError):
        number = 0
    return f"pct-{min(max(number, 0), 100)}"


@register.simple_tag
def pct_of(part, whole) -> str:
    """`{% pct_of done total %}` → the class of part / whole (an empty whole gives pct-0)."""
    try:
        ratio = float(part or 0) / float(whole) * 100 if whole else 0
    except (TypeError, ValueError):
        ratio = 0
    return pct(ratio)
