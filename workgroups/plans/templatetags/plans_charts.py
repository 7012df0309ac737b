"""An indicator's history drawn on the server as an SVG bar chart: no script, and no style attribute
(the Content-Security-Policy forbids them): geometry goes in SVG attributes, colours in plans.css."""

from decimal import Decimal

from django import template

register = template.Library()

WIDTH, HEIGHT = 320, 140
TOP, BOTTOM, LEFT = 12, 24, 4  # room for the target's label above, the dates below
MAX_BARS = 12


def chart_geometry(updates, target) -> dict | None:
    """Bars (x, y, width, height, value, date) of the last MAX_BARS measured values, and the target's
    line; None when no update carries a value."""
    points = [update for update in updates if update.value is not None][-MAX_BARS:]
    if not points:
        return None
    top_value = max([update.value for update in points] + ([target] if target else []))
    top_value = top_value or Decimal(1)
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT) / max(len(points), 4)
    bar_width = round(slot * 0.6, 1)
    bars = []
    for index, update in enumerate(points):
        height = round(float(update.value / top_value) * plot_height, 1)
        x = round(LEFT + index * slot + (slot - bar_width) / 2, 1)
        bars.append({
            "x": x, "y": round(TOP + plot_height - height, 1), "width": bar_width, "height": height,
            "label_x": round(x + bar_width / 2, 1), "value": update.value, "date": update.measured_on,
        })  # fmt: skip
    target_y = round(TOP + plot_height - float(target / top_value) * plot_height, 1) if target else None
    return {
        "width": WIDTH, "height": HEIGHT, "bars": bars, "target_y": target_y, "target": target,
        "date_y": HEIGHT - 8, "axis_y": TOP + plot_height,
    }  # fmt: skip


@register.inclusion_tag("plans/_indicator_chart.html")
def indicator_chart(action):
    """`{% indicator_chart action %}`: the action's history (prefetched `updates`) as a chart."""
    updates = list(action.updates.all())
    return {"action": action, "chart": chart_geometry(updates, action.target_value)}
