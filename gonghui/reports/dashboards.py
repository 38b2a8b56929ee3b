"""Dashboard figures (DESIGN.md §6): this period against the last, a superior union's child
units side by side, and the series behind the charts.

The figures of the organisation itself come from `core.facts.collect`, the one source of numbers.
The child-unit table of a superior union would cost one `collect` per child (hundreds of queries
per child for a county); instead each column is one grouped query over the whole subtree, bucketed
by the child whose path prefixes the row's org path, so the work does not grow with the number
of children. Each column repeats its area's fact definition exactly (tests compare the two).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import drilldown
from gonghui.core.enums import OrgKind, OrgStatus
from gonghui.core.facts import Fact, Period, collect
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


def _bucket(rows: Iterable[tuple[str, Any]], root: Org, children: dict[int, ChildRow], key: str) -> None:
    """Add each (org path, value) row to the child whose subtree holds the path."""
    start = len(root.path)
    for path, value in rows:
        head = path[start:].split("/", 1)[0]
        row = children.get(int(head)) if head.isdigit() else None
        if row is not None:
            row.values[key] = row.values.get(key, 0) + (value or 0)


def _grouped(queryset: QuerySet[Any], path_field: str, value: Any) -> list[tuple[str, Any]]:
    return list(queryset.order_by().values(path_field).annotate(v=value).values_list(path_field, "v"))


def child_rows(org: Org, period: Period, *, today: dt.date | None = None) -> list[ChildRow]:
    """Each direct child union (not union groups) with the table's figures: 8 queries in all."""
    from gonghui.care.enums import LedgerKind, VisitState
    from gonghui.care.models import HardshipFile, LedgerEntry, VisitMember, fen_sum, from_fen
    from gonghui.care.queries import counted_q, overdue_files
    from gonghui.congress.enums import ProposalState, SessionStatus
    from gonghui.congress.models import CongressSession, Proposal
    from gonghui.congress.proposal_queries import overdue_q
    from gonghui.members.enums import MemberStatus
    from gonghui.members.models import Member

    today = today or timezone.localdate()
    children = {
        child.pk: ChildRow(child)
        for child in org.children.filter(status=OrgStatus.ACTIVE)
        .exclude(kind=OrgKind.GROUP)
        .order_by(F("code").asc(nulls_last=True), "name", "pk")
    }
    if not children:
        return []
    under = org.path
    members = Member.objects.filter(org__path__under=under, status=MemberStatus.ACTIVE)
    _bucket(_grouped(members, "org__path", Count("pk")), org, children, "members.active")
    in_period = CongressSession.objects.filter(
        org__path__under=under, date__gte=period.start, date__lte=period.end
    )
    held = in_period.exclude(status=SessionStatus.PREPARING)
    _bucket(_grouped(held, "org__path", Count("pk")), org, children, "congress.sessions")
    proposals = Proposal.objects.filter(session__in=in_period.values("pk")).exclude(state=ProposalState.DRAFT)
    _bucket(_grouped(proposals, "session__org__path", Count("pk")), org, children, "congress.proposals")
    entries = LedgerEntry.objects.filter(
        counted_q(period.start, period.end), attributed_org__path__under=under, kind=LedgerKind.HARDSHIP_AID
    )
    fen = _grouped(entries, "attributed_org__path", fen_sum())
    _bucket(fen, org, children, "care.hardship_aid.amount")
    visits = VisitMember.objects.filter(
        visit__state=VisitState.RECORDED,
        visit__visited_on__gte=period.start,
        visit__visited_on__lte=period.end,
        member__org__path__under=under,
    )
    _bucket(_grouped(visits, "member__org__path", Count("pk")), org, children, "care.condolence.times")
    late = Proposal.objects.filter(org__path__under=under).filter(overdue_q(today))
    _bucket(_grouped(late, "org__path", Count("pk")), org, children, "overdue")
    files = overdue_files(
        HardshipFile.objects.filter(member__org__path__under=org.path), today=min(today, period.end)
    )
    _bucket(_grouped(files, "member__org__path", Count("pk")), org, children, "overdue")
    for row in children.values():
        if "care.hardship_aid.amount" in row.values:
            row.values["care.hardship_aid.amount"] = from_fen(row.values["care.hardship_aid.amount"])
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
    from gonghui.care.models import HardshipFile
    from gonghui.care.queries import overdue_files
    from gonghui.congress.models import Proposal
    from gonghui.congress.proposal_queries import overdue_q

    today = today or timezone.localdate()
    proposals = Proposal.objects.filter(org__path__under=org.path).filter(overdue_q(today)).count()
    files = overdue_files(HardshipFile.objects.filter(member__org__path__under=org.path), today=today).count()
    return [
        Overdue(_("超期未答复的提案"), proposals, drilldown.url("congress:proposals", org, overdue="on")),
        Overdue(
            _("逾期未复核的困难职工档案"),
            files,
            drilldown.url("care:files", org, overdue="on", as_of=today.isoformat()),
        ),
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
    """The series of the dashboard's charts (JSON-ready): trend by month, breakdowns, children."""
    from gonghui.care.enums import CARE_TOTAL_KINDS, LedgerKind, VisitState
    from gonghui.care.models import LedgerEntry, VisitMember, fen_sum, from_fen
    from gonghui.care.queries import counted_q
    from gonghui.congress.enums import ProposalCategory, ProposalState
    from gonghui.congress.models import Proposal

    months = _months(period)
    # As congress.facts counts them: the proposals of the period's sessions, in the month of the
    # session (a session held last year and entered today stays last year's).
    proposals = Proposal.objects.filter(
        org__path__under=org.path, session__date__gte=period.start, session__date__lte=period.end
    ).exclude(state=ProposalState.DRAFT)
    by_month = (
        proposals.annotate(m=TruncMonth("session__date")).order_by().values("m").annotate(n=Count("pk"))
    )
    entries = LedgerEntry.objects.filter(
        counted_q(period.start, period.end), attributed_org__path__under=org.path
    )
    # 帮扶慰问支出 by month: the kinds of care.total, a reversal in the month of the payout it reverses.
    paid = (
        entries.filter(kind__in=CARE_TOTAL_KINDS)
        .annotate(m=TruncMonth(Coalesce("reverses__paid_on", "paid_on")))
        .order_by()
        .values("m")
        .annotate(t=fen_sum())
    )
    visits = VisitMember.objects.filter(
        visit__state=VisitState.RECORDED,
        visit__visited_on__gte=period.start,
        visit__visited_on__lte=period.end,
        member__org__path__under=org.path,
    )
    visited = (
        visits.annotate(m=TruncMonth("visit__visited_on")).order_by().values("m").annotate(n=Count("pk"))
    )

    def month_key(value: Any) -> Any:
        return value.date() if isinstance(value, dt.datetime) else value

    categories = dict(ProposalCategory.choices)
    kinds = dict(LedgerKind.choices)
    by_category = proposals.order_by().values("category").annotate(n=Count("pk")).values_list("category", "n")
    by_kind = entries.order_by().values("kind").annotate(t=fen_sum()).values_list("kind", "t")
    return {
        "months": [f"{m.year}-{m.month:02d}" for m in months],
        "trend": [
            {
                "name": _("提案(件)"),
                "data": _by_month(((month_key(r["m"]), r["n"]) for r in by_month), months, int),
            },
            {
                "name": _("帮扶慰问支出(元)"),
                "data": _by_month(((r["m"], r["t"]) for r in paid), months, lambda v: float(from_fen(v))),
            },
            {"name": _("慰问(人次)"), "data": _by_month(((r["m"], r["n"]) for r in visited), months, int)},
        ],
        "proposal_categories": [{"name": str(categories.get(k, k)), "value": n} for k, n in by_category],
        "care_kinds": [{"name": str(kinds.get(k, k)), "value": float(from_fen(t))} for k, t in by_kind if t],
        "children": {
            "names": [row.org.short_name or row.org.name for row in children],
            "series": [
                {"name": str(col.label), "data": [float(row.values.get(col.key, 0)) for row in children]}
                for col in columns()
                if col.key in ("congress.proposals", "care.condolence.times", "members.active")
            ],
        },
    }
