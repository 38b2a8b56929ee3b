"""To-do providers for the home page. Each app registers a function; core knows none of them.

A provider gets the user and their current scope and returns the items needing attention.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from .enums import MANAGER_ROLES


@dataclass(frozen=True)
class Todo:
    label: str
    count: int
    url: str
    level: str = "warning"  # bootstrap colour: warning, danger, info


Provider = Callable[[Any, Any], list[Todo]]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    _PROVIDERS.append(provider)
    return provider


def todos_for(user: Any, scope: Any) -> list[Todo]:
    items: list[Todo] = []
    for provider in _PROVIDERS:
        items.extend(provider(user, scope))
    return [item for item in items if item.count]


@register
def groups_without_leader(user: Any, scope: Any) -> list[Todo]:
    from .models import Org
    from .queries import groups_without_leader as missing

    if scope is None or scope.role not in MANAGER_ROLES:
        return []
    org = Org(pk=scope.org_id, path=scope.path)
    count = missing(org).count()
    return [Todo(_("工会小组尚未设置小组长"), count, reverse("core:org_detail", args=[scope.org_id]))]
