"""`{% import_button "care-payouts" %}`: the 批量导入 button of a list page, shown only to users
who may run that import somewhere (core.imports registry). No query: the user's scopes are
already loaded for the page, and a kind tied to one union gets it as `org=`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..access import user_scopes
from ..imports import kinds

register = template.Library()


def may_start(user: Any, kind: kinds.ImportKind, org: Any = None) -> bool:
    """Whether `user` may start `kind` in `org` (a drive's union), or, without `org`, in the org
    of any of their roles (a superior union imports into its subtree through the 工会 column)."""
    if user is None or not user.is_authenticated:
        return False
    if org is not None:
        return kind.accepts_union(org) and kind.may_import(user, org)
    if user.is_superuser:
        return True
    # The access checks take an org path as well as an org.
    return kind.union_column and any(kind.may_import(user, scope.path) for scope in user_scopes(user))


@register.simple_tag(takes_context=True)
def import_button(
    context: Any, key: str, css: str = "btn btn-outline-dark", org: Any = None, **options: Any
) -> str:
    kind = kinds.get(key)
    request = context.get("request")
    if kind is None or request is None or not may_start(request.user, kind, org):
        return ""
    query = {"kind": key, **options, **({"union": org.pk} if org is not None else {})}
    url = f"{reverse('core:import_start')}?{urlencode(query)}"
    return format_html('<a class="{}" href="{}" data-import="{}">{}</a>', css, url, key, _("批量导入"))
