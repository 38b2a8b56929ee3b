"""`{% records_link fact.records_url as link %}`: the link behind a figure if the viewer may open
it, else "" (core.drilldown.Linker, one per request so orgs are looked up once)."""

from __future__ import annotations

from typing import Any

from django import template

from ..drilldown import Linker

register = template.Library()


@register.simple_tag(takes_context=True)
def records_link(context: Any, url: str) -> str:
    request = context.get("request")
    if request is None:
        return ""
    linker = getattr(request, "_records_linker", None)
    if linker is None:
        linker = request._records_linker = Linker(request.user)
    return linker(url or "")
