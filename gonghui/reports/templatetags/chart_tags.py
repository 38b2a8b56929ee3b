"""The text beside a dashboard chart: its series as table rows (WCAG 1.1.1, a chart's data in text)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template

register = template.Library()


@register.filter
def series_rows(labels: Sequence[Any], series: Sequence[dict[str, Any]]) -> list[tuple[Any, list[Any]]]:
    """`{% for label, values in months|series_rows:trend %}`: one row per label (a month, a unit),
    one value per series, in the chart's order."""
    return [(label, [s["data"][i] for s in series]) for i, label in enumerate(labels)]
