"""`{% page_header %}`: the cached page header (see gonghui.core.shell)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from .. import shell

register = template.Library()


@register.simple_tag(takes_context=True)
def page_header(context: Any) -> SafeString:
    return shell.header(context["request"])
