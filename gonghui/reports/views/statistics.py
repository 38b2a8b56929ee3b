"""The statistics table (/reports/statistics/): a union's statistical-year table filled from facts,
each figure linked to its records, with an Excel download; a superior union also gets one row per
grassroots union in its subtree and their total."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import require_roles
from gonghui.core.enums import SUPERIOR_KINDS
from gonghui.core.models import Org
from gonghui.core.params import int_param
from gonghui.core.views.base import AuthedRequest
from gonghui.core.views.exports import start_export

from .. import exports, statistics
from .dashboard import DASHBOARD_ROLES, _chosen_org


def current_year(today: dt.date) -> int:
    """The statistical year holding `today` (it ends 30 September)."""
    return today.year + 1 if today.month >= 10 else today.year


def _org_year(request: AuthedRequest, what: str) -> tuple[Org, int]:
    require_roles(request.user, DASHBOARD_ROLES, request=request, what=what)
    org = _chosen_org(request)
    this = current_year(timezone.localdate())
    return org, int_param(request.GET.get("year"), minimum=2000, maximum=this) or this


def _table(request: AuthedRequest, what: str) -> statistics.Table:
    org, year = _org_year(request, what)
    return statistics.table(org, year, superior=org.kind in SUPERIOR_KINDS)


@login_required
def statistics_table(request: AuthedRequest) -> HttpResponse:
    result = _table(request, "reports.statistics")
    this = current_year(timezone.localdate())
    context: dict[str, Any] = {
        "table": result,
        "org": result.org,
        "year": result.year,
        "years": list(range(this, this - 6, -1)),
        "unit_cells": [(row, [row.value(item) for item in result.unit_items]) for row in result.units],
        "totals": [result.total_row[item.code] for item in result.unit_items],
    }
    return render(request, "reports/statistics.html", context)


@login_required
def statistics_export(request: AuthedRequest) -> HttpResponse:
    org, year = _org_year(request, "reports.statistics_export")  # the table is built by the worker
    return start_export(request, kind=exports.STATISTICS, org=org, params={"org": org.pk, "year": year},
                        title=_("%(org)s%(year)s年度工会统计表.xlsx") % {"org": org.name, "year": year})  # fmt: skip


urlpatterns: list[URLPattern] = [
    path("statistics/", statistics_table, name="statistics"),
    path("statistics/export/", statistics_export, name="statistics_export"),
]
