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


HOLIDAY_PACKAGE_URL = "https://pypi.org/project/chinesecalendar/"


@register
def holiday_data_missing(user: Any, scope: Any) -> list[Todo]:
    """The administrator: the holiday data (chinesecalendar) does not cover the year at hand or,
    from December on, the next one, so 公示 periods and deadlines there count weekends only."""
    from django.utils import timezone

    from . import workdays

    if not user.is_superuser:
        return []
    year = workdays.missing_year(timezone.localdate())
    if year is None:
        return []
    label = _(
        "节假日数据不含%(year)s年：该年公示期和期限只按周末计算，请在国务院放假安排发布、chinesecalendar 更新后升级（make lock、make setup）"
    ) % {"year": year}
    return [Todo(label, 1, HOLIDAY_PACKAGE_URL, level="danger")]
