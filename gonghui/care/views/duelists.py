"""The due-list page (应慰问名单): tabs 生日, 春节/重阳 离退休, 住院/五必访; select rows and record
one (group) visit for them. HTMX swaps the tab body; without it the page reloads."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone

from gonghui.core.access import holds, require_roles
from gonghui.core.views.base import AuthedRequest, render_page

from .. import duelists, queries, rules
from ..enums import Occasion

TABS = ("birthday", "festival", "reports")
ROWS_SHOWN = 1000


def _day(raw: str, today: dt.date) -> dt.date:
    """?date=YYYY-MM-DD (the day the lists are computed for), default today."""
    try:
        return dt.date.fromisoformat(raw) if raw else today
    except ValueError:
        return today


@login_required
def duelist(request: AuthedRequest) -> HttpResponse:
    if not holds(request.user, rules.VISIT_CHANGE):
        require_roles(request.user, frozenset(), request=request, what="care.duelist")
    unions = list(queries.unions_for(request.user, rules.VISIT_CHANGE)[:200])
    raw = request.GET.get("org", "")
    union = next((u for u in unions if str(u.pk) == raw), unions[0] if unions else None)
    day = _day(request.GET.get("date", ""), timezone.localdate())
    tab = request.GET.get("tab", "birthday")
    tab = tab if tab in TABS else "birthday"
    context: dict[str, object] = {"unions": unions, "union": union, "day": day, "tab": tab, "sections": []}
    if union is not None:
        sections: list[dict[str, object]] = []
        if tab == "birthday":
            rows = list(duelists.birthdays_due(union, year=day.year, month=day.month)[:ROWS_SHOWN])
            sections.append({"title": f"{day.month}月生日", "occasion": Occasion.BIRTHDAY, "rows": rows})
        elif tab == "festival":
            for festival in duelists.festivals_due(day):
                rows = list(duelists.festival_retirees_due(union, festival)[:ROWS_SHOWN])
                sections.append({"title": festival.label, "occasion": festival.occasion, "rows": rows,
                                 "festival": festival, "days_left": festival.days_left(day)})  # fmt: skip
        else:
            context["reports"] = list(duelists.reports_due(union)[:ROWS_SHOWN])
        context["sections"] = sections
    return render_page(request, "care/visits/duelist.html", context, partial="tab-body")


urlpatterns: list[URLPattern] = [path("due/", duelist, name="duelist")]
