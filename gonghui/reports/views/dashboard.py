"""The dashboard (/reports/): a union's figures this period against the last, its to-dos and
overdue items, and for a superior union the child units compared and ranked."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from gonghui.core.access import deny, require_roles, scoped, scopes_for
from gonghui.core.enums import SUPERIOR_KINDS, Role
from gonghui.core.models import Org
from gonghui.core.params import int_param
from gonghui.core.queries import first_root, scope_org
from gonghui.core.todos import todos_for
from gonghui.core.views.base import AuthedRequest, current_scope

from .. import dashboards

DASHBOARD_ROLES = frozenset({Role.SUPERIOR_ADMIN, Role.CHAIR, Role.VICE_CHAIR, Role.COMMITTEE})


def _chosen_org(request: AuthedRequest) -> Org:
    """?org= if it lies in the user's scope (404 otherwise), else the current scope's union."""
    user = request.user
    raw = request.GET.get("org", "")
    if raw:
        org_id = int_param(raw)
        org = None
        if org_id is not None:
            org = scoped(Org.objects.filter(pk=org_id), user, DASHBOARD_ROLES, path_lookup="path").first()
        if org is None:
            deny(user, request=request, what=f"core.org:{raw}")
        return org
    scope = current_scope(request)
    if scope is None or scope.role not in DASHBOARD_ROLES:
        scopes = scopes_for(user, DASHBOARD_ROLES)
        scope = scopes[0] if scopes else None
    # A superuser without roles starts at the top of the tree.
    org = scope_org(scope) if scope is not None else first_root()
    if org is None:
        deny(user, request=request, what="core.org")
    return org


def _year(raw: str, this_year: int) -> int:
    return int_param(raw, minimum=2000, maximum=this_year + 1) or this_year


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    require_roles(request.user, DASHBOARD_ROLES, request=request, what="reports.dashboard")
    org = _chosen_org(request)
    today = timezone.localdate()
    kind = request.GET.get("period", "calendar")
    kind = kind if kind in dashboards.PERIOD_KINDS else "calendar"
    year = _year(request.GET.get("year", ""), today.year)
    period = dashboards.period_for(kind, year)
    previous = dashboards.period_for(kind, year - 1)
    rows = dashboards.compare(org, period, previous)
    superior = org.kind in SUPERIOR_KINDS
    columns = dashboards.columns()
    sort = request.GET.get("sort", "")
    sort = sort if sort in {col.key for col in columns} else columns[0].key
    children = dashboards.ranked(dashboards.child_rows(org, period), sort) if superior else []
    scope = current_scope(request)
    context: dict[str, Any] = {
        "org": org,
        "superior": superior,
        "period": period,
        "previous": previous,
        "kind": kind,
        "kinds": dashboards.period_kind_choices(),
        "year": year,
        "years": list(range(today.year + 1, today.year - 6, -1)),
        "headlines": [row for row in rows if row.fact.headline],
        "rows": rows,
        "todos": todos_for(request.user, scope) if scope is not None else [],
        "overdue": dashboards.overdue_items(org, today=today),
        "columns": columns,
        "sort": sort,
        "children": children,
        "flagged": sum(1 for row in children if row.flagged),
        "charts": dashboards.chart_data(org, period, children),
    }
    # A bar of the child-unit chart opens that unit's own dashboard for the same period.
    context["charts"]["children"]["links"] = [
        f"{request.path}?{urlencode({'org': row.org.pk, 'period': kind, 'year': year})}" for row in children
    ]
    return render(request, "reports/dashboard.html", context)


urlpatterns: list[URLPattern] = [path("", dashboard, name="dashboard")]
