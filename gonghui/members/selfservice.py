"""Sections other apps add to the member's own page (members:me), e.g. care's "我的帮扶".

An app registers a template and a dotted path to `f(user) -> dict`; the page renders each
template with that dict as `section`. The app decides what the member may see of its records.
"""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import import_string

_SECTIONS: dict[str, str] = {}


def register_section(template: str, context: str) -> None:
    _SECTIONS[template] = context


def sections(user: Any) -> list[dict[str, Any]]:
    return [{"template": template, **import_string(path)(user)} for template, path in _SECTIONS.items()]
