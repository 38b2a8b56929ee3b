"""Dashboard figures (DESIGN.md §6): this period against the last, a superior union's child
units side by side, and the series behind the charts.

Every number is a fact: the organisation's own from `core.facts.collect`, the child-unit table of
a superior union from `core.facts.facts_by_union` (each column one grouped query over the whole
subtree, so the work does not grow with the number of children), the overdue list and the chart
series from the apps' `facts` modules. This module imports no app's models or enums.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.care import facts as care_facts
from gonghui.congress import facts as congress_facts
from gonghui.core.enums import OrgKind, OrgStatus
from gonghui.core.facts import Fact, Period, collect, facts_by_union
from gonghui.core.models import Org

PERIOD_KINDS: dict[str, Callable[[int], Period]] = {
    "calendar": Period.calendar_year,
    "school": Period.school_year,
    "statistical": Period.statistical_year,
}


def period_kind_choices() -> list[tuple[str, str]]:
    return [("calendar", _("自然年度")), ("school", _("学年")), ("statistical", _("统计年度"))]


def period_for(kind: str, year: int) -> Period:
    return PERIOD_KINDS.get(kind, Period.calendar_year)(year)


Number = int | float | Decimal


@dataclass(frozen=True)
class Row:
    """One figure this period, the same figure the period before, and the change."""

    fact: Fact
    previous: Fact | None

    @property
    def change(self) -> Number | None:
        now = self.fact.value
        before = self.previous.value if self.previous is not None else None
        if now is None or before is None:
            return None
        if isinstance(now, float) or isinstance(before, float):
            return round(float(now) - float(before), 1)
        return now - before

    @property
    def area(self) -> str:
        return self.fact.key.split(".", 1)[0]


def compare(org: Org, period: Period, previous: Period) -> list[Row]:
    before = {fact.key: fact for fact in collect(org, previous, subtree=True)}
    return [Row(fact, before.get(fact.key)) for fact in collect(org, period, subtree=True)]


# --- the child-unit table ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # the fact key this column repeats
    label: str
    unit: str


# The overdue column sums these two facts (both read on the same day, the apps' `as_of`).
OVERDUE_KEYS = ("congress.proposals.overdue", "care.files.overdue")


def columns() -> list[Column]:
    return [
        Column("members.active", _("在会会员"), _("人")),
        Column("congress.sessions", _("召开教(职)代会"), _("次")),
        Column("congress.proposals", _("提案数"), _("件")),
        Column("care.hardship_aid.amount", _("帮扶金额"), _("元")),
        Column("care.condolence.times", _("慰问"), _("人次")),
        Column("overdue", _("逾期事项"), _("项")),
    ]


@dataclass
class ChildRow:
    org: Org
    values: dict[str, Number] = field(default_factory=dict)
    rank: int = 0

    @property
    def no_congress(self) -> bool:
        return not self.values.get("congress.sessions")

    @property
    def overdue(self) -> Number:
        return self.values.get("overdue", 0)

    @property
    def flagged(self) -> bool:
        return self.no_congress or bool(self.overdue)

    @property
    def cells(self) -> list[tuple[Column, Number]]:
        return [(col, self.values.get(col.key, 0)) for col in columns()]


def child_rows(org: Org, period: Period) -> list[ChildRow]:
    """Each direct child union (not union groups) with the table's figures, read from
    `facts_by_union` (one grouped query per figure's source, 8 queries in all). The overdue column
    counts the proposals and files overdue on `today`, or the period's end if it is past (the
    apps' `as_of`)."""
    children = {
        child.pk: ChildRow(child)
        for child in org.children.filter(status=OrgStatus.ACTIVE)
        .exclude(kind=OrgKind.GROUP)
        .order_by(F("code").asc(nulls_last=True), "name", "pk")
    }
    if not children:
        return []
    wanted = {col.key for col in columns() if col.key != "overdue"} | set(OVERDUE_KEYS)
    by_union = facts_by_union([row.org for row in children.values()], period, keys=wanted)
    for pk, found in by_union.items():
        row = children[pk]
        for fact in found:
            if fact.key in OVERDUE_KEYS:
                row.values["overdue"] = int(row.values.get("overdue", 0)) + int(fact.value or 0)
            else:
                row.values[fact.key] = fact.value if fact.value is not None else 0
    return list(children.values())


def ranked(rows: list[ChildRow], sort: str) -> list[ChildRow]:
    """Rows by `sort` (a column key), largest first; equal figures share a rank."""
    ordered = sorted(rows, key=lambda r: (-float(r.values.get(sort, 0)), r.org.name))
    previous: float | None = None
    for position, row in enumerate(ordered, start=1):
        value = float(row.values.get(sort, 0))
        row.rank = position if value != previous else ordered[position - 2].rank
        previous = value
    return ordered


# --- overdue items and chart series ------------------------------------------------------------


@dataclass(frozen=True)
class Overdue:
    label: str
    count: int
    url: str


def overdue_items(org: Org, *, today: dt.date | None = None) -> list[Overdue]:
    """Overdue proposal answers (督办) and hardship files past their re-check, in the subtree."""
    today = today or timezone.localdate()
    proposals = congress_facts.overdue_fact(org, today=today)
    files = care_facts.overdue_fact(org, today=today)
    return [
        Overdue(_("超期未答复的提案"), int(proposals.value or 0), proposals.records_url),
        Overdue(_("逾期未复核的困难职工档案"), int(files.value or 0), files.records_url),
    ]


def _months(period: Period) -> list[dt.date]:
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _by_month(
    rows: Iterable[tuple[Any, Any]], months: list[dt.date], scale: Callable[[Any], Any]
) -> list[Any]:
    found: dict[tuple[int, int], Any] = {}
    for month, value in rows:
        if month is not None:
            found[(month.year, month.month)] = value
    return [scale(found.get((m.year, m.month), 0)) for m in months]


def chart_data(org: Org, period: Period, children: list[ChildRow]) -> dict[str, Any]:
    """The series of the dashboard's charts (JSON-ready): trend by month, breakdowns, children.
    The apps' facts give the series, counted as their figures are (five queries)."""
    months = _months(period)
    proposals = congress_facts.proposal_series(org, period)
    care = care_facts.care_series(org, period)
    return {
        "months": [f"{m.year}-{m.month:02d}" for m in months],
        "trend": [
            {"name": _("提案(件)"), "data": _by_month(proposals["by_month"], months, int)},
            {
                "name": _("帮扶慰问支出(元)"),
                "data": _by_month(care["paid_by_month"], months, float),
            },
            {"name": _("慰问(人次)"), "data": _by_month(care["visits_by_month"], months, int)},
        ],
        "proposal_categories": [{"name": name, "value": n} for name, n in proposals["by_category"]],
        "care_kinds": [{"name": name, "value": float(amount)} for name, amount in care["by_kind"]],
        "children": {
            "names": [row.org.short_name or row.org.name for row in children],
            "series": [
                {"name": str(col.label), "data": [float(row.values.get(col.key, 0)) for row in children]}
                for col in columns()
                if col.key in ("congress.proposals", "care.condolence.times", "members.active")
            ],
        },
    }
