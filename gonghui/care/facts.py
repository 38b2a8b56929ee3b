"""Care figures (DESIGN.md §6): people and person-times helped and amounts, by kind; files.

Amounts are sums of ledger entries dated in the period (a reversal nets out in the period it is
dated); people and person-times count payouts of the period that stand (not reversed). Roll-ups
follow the entry's attributed org (the member's union group at payment time), so a county, a
school union and one of its groups each get their own exact figures.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from gonghui.core.facts import Fact, Period
from gonghui.core.models import Org

from .enums import FileState, LedgerKind
from .models import HardshipFile
from .queries import entries_in, overdue_files


def _files(org: Org, subtree: bool) -> QuerySet[HardshipFile]:
    if subtree:
        return HardshipFile.objects.filter(member__org__path__under=org.path)
    return HardshipFile.objects.filter(org=org)


def year_facts(org: Org, period: Period, *, subtree: bool = True) -> list[Fact]:
    entries = entries_in(org, period.start, period.end, subtree=subtree)
    facts: list[Fact] = []
    for kind, people_label, times_label, amount_label, headline in (
        (LedgerKind.HARDSHIP_AID, "帮扶困难职工", "帮扶困难职工", "帮扶金额", True),
        (LedgerKind.STUDENT_AID, "受助学生", "金秋助学发放", "受助金额", True),
    ):
        of_kind = entries.filter(kind=kind)
        standing = of_kind.standing()
        times = standing.count()
        if kind == LedgerKind.STUDENT_AID:
            # A student is a member's child: count distinct (member, child).
            people = standing.values("member_id", "application__child_name").distinct().count()
        else:
            people = standing.values("member_id").distinct().count()
        amount = of_kind.total()
        key = f"care.{kind.value}"
        facts += [
            Fact(f"{key}.people", people_label, people, "人", period, "care:applications", people,
                 extra={"kind": kind.value}, headline=headline),
            Fact(f"{key}.times", times_label, times, "人次", period, "care:applications", times),
            Fact(f"{key}.amount", amount_label, amount, "元", period, "care:totals", of_kind.count(),
                 headline=headline),
        ]  # fmt: skip
    files = _files(org, subtree)
    today = min(timezone.localdate(), period.end)
    open_at_end = files.filter(opened_on__lte=period.end).exclude(
        state=FileState.CLOSED, closed_on__lte=period.end
    )
    overdue = overdue_files(files, today=today).count()
    opened = files.filter(opened_on__gte=period.start, opened_on__lte=period.end).count()
    facts += [
        Fact("care.files.open", "困难职工建档", open_at_end.count(), "人", period, "care:files"),
        Fact("care.files.opened", "新建困难职工档案", opened, "份", period, "care:files"),
        Fact("care.files.overdue", "逾期未复核档案", overdue, "份", period, "care:files", overdue),
        Fact("care.total", "帮扶慰问支出合计", entries.total(), "元", period, "care:totals"),
    ]
    return facts
