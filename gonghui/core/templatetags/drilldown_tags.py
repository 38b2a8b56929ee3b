"""`{% records_link fact.records_url as link %}`: the link behind a figure if the viewer may open
it, else "" (core.drilldown.Linker, one per request so orgs are looked up once)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from ..drilldown import PARAMS, Linker

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


@register.simple_tag(takes_context=True)
def drilldown_hidden(context: Any, *, skip: str = "", also: str = "") -> SafeString:
    """Hidden inputs that carry a figure's union and period through a list's filter form (a GET
    form sends only its own fields): changing a filter keeps the drill-down. `skip` names params
    the form already has as fields (e.g. "union" on the member roll); `also` adds the subsets a
    figure's link sets and the form does not show (e.g. "adopted")."""
    request = context.get("request")
    skipped = set(skip.split(","))
    names = [k for k in (*PARAMS, *filter(None, also.split(","))) if k not in skipped]
    rows = [(k, v) for k in names for v in (request.GET.getlist(k) if request else [])]
    return format_html_join("", '<input type="hidden" name="{}" value="{}">', rows)
