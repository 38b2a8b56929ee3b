"""Public-notice figures (DESIGN.md §6): notices held, with objections, objections received and
resolved. A notice counts in the period its 公示 began; an objection in the period it was received
(`received_on`: the day raised online, or the day on the paper for one entered later).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from gonghui.core import drilldown
from gonghui.core.facts import Buckets, Fact, Period
from gonghui.core.models import Org

from .enums import HELD_STATES, RESOLVED_STATES, NoticeState, ObjectionState
from .models import Notice, Objection


def year_facts(org: Org, period: Period, *, subtree: bool = True) -> list[Fact]:
    where = {"org__path__under": org.path} if subtree else {"org": org}
    notices = Notice.objects.filter(
        **where, state__in=HELD_STATES, starts_on__gte=period.start, starts_on__lte=period.end
    )
    n = notices.aggregate(
        held=Count("pk", distinct=True),
        final=Count("pk", filter=Q(state=NoticeState.FINAL), distinct=True),
        with_objections=Count("pk", filter=Q(objections__isnull=False), distinct=True),
    )
    objection_where = {f"notice__{key}": value for key, value in where.items()}
    o = Objection.objects.filter(
        **objection_where, received_on__gte=period.start, received_on__lte=period.end
    ).aggregate(
        received=Count("pk"),
        resolved=Count("pk", filter=Q(state__in=RESOLVED_STATES)),
        upheld=Count("pk", filter=Q(state=ObjectionState.UPHELD)),
    )

    def board(**subset: Any) -> str:
        return drilldown.url("notices:board", org, period, subtree=subtree, **subset)

    def objections(**subset: Any) -> str:
        return drilldown.url("notices:objections", org, period, subtree=subtree, **subset)

    return [
        Fact("notices.held", "公示事项", n["held"], "项", period, board(held=1), n["held"], headline=True),
        Fact("notices.final", "公示期满生效", n["final"], "项", period, board(state=NoticeState.FINAL),
             n["final"]),
        Fact("notices.with_objections", "公示期内收到异议的事项", n["with_objections"], "项", period,
             board(held=1, objected=1), n["with_objections"]),
        Fact("notices.objections", "收到异议", o["received"], "条", period, objections(), o["received"]),
        Fact("notices.objections_resolved", "异议已处理", o["resolved"], "条", period,
             objections(resolved=1), o["resolved"]),
        Fact("notices.objections_upheld", "异议经核实成立", o["upheld"], "条", period,
             objections(state=ObjectionState.UPHELD), o["upheld"]),
    ]  # fmt: skip


def grouped_facts(buckets: Buckets, period: Period) -> None:
    """`notices.held` of many unions at once (`core.facts.facts_by_union`), one grouped query."""
    if buckets.wants("notices.held"):
        notices = Notice.objects.filter(
            org__path__under=buckets.under,
            state__in=HELD_STATES,
            starts_on__gte=period.start,
            starts_on__lte=period.end,
        )
        buckets.grouped(notices, "org__path", **{"notices.held": Count("pk", distinct=True)})
    buckets.fact("notices.held", "公示事项", "项")
