"""Render simple form controls in Python instead of Django's per-option widget templates.

Django renders each <option> through a template include; a filter bar with a few selects then
costs more than the page's queries. `{% fast_control field %}` gives the same HTML for the plain
widgets used in filter bars (select, text, number, checkbox) and falls back to the widget for
anything else.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


def _selected(bound: Any) -> set[str]:
    value = bound.value()
    if value is None:
        return {""}
    if isinstance(value, list | tuple):
        return {str(v) for v in value}
    return {str(value.pk if hasattr(value, "pk") else value)}


@register.simple_tag
def fast_control(bound: Any) -> SafeString:
    widget = bound.field.widget
    css = widget.attrs.get("class", "")
    if type(widget) is forms.Select:
        chosen = _selected(bound)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(value), " selected" if str(value) in chosen else "", label)
                for value, label in ((getattr(v, "value", v), lbl) for v, lbl in bound.field.choices)
            ),
        )
        return format_html('<select name="{}" class="{}" id="{}">{}</select>', bound.html_name, css,
                           bound.auto_id, options)  # fmt: skip
    if type(widget) in (forms.TextInput, forms.NumberInput):
        value = bound.value()
        return format_html(
            '<input type="{}" name="{}" value="{}" class="{}" id="{}">',
            widget.input_type, bound.html_name, "" if value is None else value, css, bound.auto_id,
        )  # fmt: skip
    return SafeString(str(bound))
