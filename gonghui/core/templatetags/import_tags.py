"""`{% import_button "care-payouts" %}`: the 批量导入 button of a list page, shown only to users
who may run that import somewhere (core.imports registry)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..access import user_scopes
from ..errors import DomainError
from ..imports import kinds
from ..models import Org

register = template.Library()


def may_start(user: Any, kind: kinds.ImportKind, options: dict[str, Any] | None = None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    try:
        fixed = kind.org_of(options or {})
    except DomainError:
        return False
    orgs = [fixed] if fixed is not None else Org.objects.filter(pk__in={s.org_id for s in user_scopes(user)})
    return any(kind.may_import(user, org) and (kind.union_column or kind.accepts_union(org)) for org in orgs)


@register.simple_tag(takes_context=True)
def import_button(context: Any, key: str, css: str = "btn btn-outline-dark", **options: Any) -> str:
    kind = kinds.get(key)
    request = context.get("request")
    if kind is None or request is None or not may_start(request.user, kind, options):
        return ""
    url = f"{reverse('core:import_start')}?{urlencode({'kind': key, **options})}"
    return format_html('<a class="{}" href="{}" data-import="{}">{}</a>', css, url, key, _("批量导入"))
