"""Template helpers for member lists: one cell per chosen column, always masked."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language

from ..models import Member

register = template.Library()


@lru_cache(maxsize=64)
def _labels(language: str, field: str) -> dict[str, str]:
    """A field's choice labels as plain strings, built once per language (not once per cell)."""
    return {str(value): str(label) for value, label in Member._meta.get_field(field).flatchoices}  # type: ignore[union-attr]


CHOICE_FIELDS = {f.name for f in Member._meta.get_fields() if getattr(f, "choices", None)}


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


def flags_of(member: Member) -> list[str]:
    flags = []
    if member.hardship_level:
        flags.append(str(member.get_hardship_level_display()))
    if member.single_parent:
        flags.append("单亲")
    if member.model_worker_level:
        flags.append(str(member.get_model_worker_level_display()))
    return flags


@register.simple_tag
def member_cell(member: Member, column: str, today: dt.date) -> Any:
    if column == "name":
        return format_html('<a href="{}">{}</a>', reverse("members:detail", args=[member.pk]), member.name)
    if column == "age":
        return member.age_on(today)
    if column == "org":
        return member.org.name
    if column == "mobile":
        return member.mobile_masked
    if column == "flags":
        return format_html("{}", " ".join(flags_of(member))) if flags_of(member) else ""
    if column in CHOICE_FIELDS:
        value = getattr(member, column)
        return _labels(get_language() or "", column).get(str(value), value)
    value = getattr(member, column, "")
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return value if value is not None else ""
