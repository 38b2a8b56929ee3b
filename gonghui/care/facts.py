"""Care figures (DESIGN.md §6): people and person-times helped and amounts, by kind; files.

Amounts are sums of ledger entries dated in the period (a reversal nets out in the period it is
dated); people and person-times count payouts of the period that stand (not reversed). Roll-ups
follow the entry's attributed org (the member's union group at payment time), so a county, a
school union and one of its groups each get their own exact figures.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from gonghui.core.facts import Fact, Period, percent
from gonghui.core.models import Org

from .enums import CampaignState, FileState, HealthKind, LedgerKind
from .models import (
    Donation,
    DonationCampaign,
    DonationUse,
    HardshipFile,
    HealthCampaign,
    RecuperationTrip,
    fen_sum,
    from_fen,
)
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
    facts += campaign_facts(org, period, subtree=subtree)
    facts += visit_facts(org, period, subtree=subtree)
    return [_linked(fact, period) for fact in facts]


def _linked(fact: Fact, period: Period) -> Fact:
    """Turn a URL name in `records_url` into the list page's URL, with the filters it has."""
    name = fact.records_url
    if not name or "/" in name:
        return fact
    params: dict[str, Any] = {}
    if name == "care:totals":
        params["year"] = period.start.year
    elif name == "care:visits" and "occasion" in fact.extra:
        params["occasion"] = fact.extra["occasion"]
    elif name == "care:applications":
        params["kind"] = fact.key.split(".")[1]
    elif name == "care:files" and fact.key == "care.files.overdue":
        params["overdue"] = "on"
    url = reverse(name) + (f"?{urlencode(params)}" if params else "")
    return dataclasses.replace(fact, records_url=url)


def _in(queryset: QuerySet[Any], org: Org, subtree: bool) -> QuerySet[Any]:
    return queryset.filter(org__path__under=org.path) if subtree else queryset.filter(org=org)


def campaign_facts(org: Org, period: Period, *, subtree: bool = True) -> list[Fact]:
    """Donation drives, 体检/妇检 and 疗休养 started in the period, by the drive's or campaign's
    union. The participation rate is donors among the members asked over the members asked,
    summed over the drives (so a roll-up weighs each drive by its size); the screening rate
    likewise; the trips' cost is their ledger entries (as in the year totals)."""
    dated = {"starts_on__gte": period.start, "starts_on__lte": period.end}
    drives = _in(DonationCampaign.objects.filter(**dated), org, subtree).exclude(state=CampaignState.DRAFT)
    d = drives.aggregate(n=Count("pk"), asked=Sum("asked_count"))
    gifts = Donation.objects.filter(campaign__in=drives).aggregate(
        total=fen_sum(), gifts=Count("pk"), donors=Count("pk", filter=Q(was_asked=True))
    )
    used = DonationUse.objects.filter(campaign__in=drives).aggregate(total=fen_sum())["total"]
    asked, donors = d["asked"] or 0, gifts["donors"]
    facts = [
        Fact("care.donation.campaigns", "捐款活动", d["n"], "次", period, "care:donations", d["n"]),
        Fact("care.donation.amount", "募集捐款", from_fen(gifts["total"]), "元", period, "care:donations",
             gifts["gifts"], headline=True),
        Fact("care.donation.donors", "参与捐款", donors, "人次", period, "care:donations"),
        Fact("care.donation.asked", "倡议捐款", asked, "人次", period, "care:donations"),
        Fact("care.donation.rate", "捐款参与率", percent(donors, asked), "%", period, "care:donations"),
        Fact("care.donation.used", "善款使用", from_fen(used), "元", period, "care:donations"),
    ]  # fmt: skip
    health = _in(HealthCampaign.objects.filter(**dated), org, subtree)
    for kind, label in ((HealthKind.CHECKUP, "体检"), (HealthKind.WOMEN, "妇检")):
        of_kind = health.filter(kind=kind)
        eligible = of_kind.aggregate(n=Sum("eligible_count"))["n"] or 0
        attended = of_kind.aggregate(n=Count("attendances"))["n"]
        key = f"care.health.{kind.value}"
        facts += [
            Fact(f"{key}.eligible", f"应{label}人数", eligible, "人", period, "care:health"),
            Fact(f"{key}.attended", f"{label}人数", attended, "人", period, "care:health", attended),
            Fact(f"{key}.rate", f"{label}受检率", percent(attended, eligible), "%", period, "care:health",
                 headline=kind == HealthKind.WOMEN),
        ]  # fmt: skip
    trips = _in(RecuperationTrip.objects.filter(**dated), org, subtree)
    t = trips.aggregate(n=Count("pk"), times=Sum("participant_count"))
    entries = entries_in(org, period.start, period.end, subtree=subtree)
    cost = entries.filter(kind=LedgerKind.RECUPERATION).total()
    facts += [
        Fact("care.recuperation.trips", "疗休养", t["n"], "批次", period, "care:trips", t["n"]),
        Fact("care.recuperation.times", "疗休养", t["times"] or 0, "人次", period, "care:trips"),
        Fact("care.recuperation.amount", "疗休养费用", cost, "元", period, "care:totals"),
    ]
    return facts


def visit_facts(org: Org, period: Period, *, subtree: bool = True) -> list[Fact]:
    """Condolence visits (慰问) recorded in the period: people and person-times (visited members
    of recorded visits, counted where the member belongs), cash by occasion from the ledger
    (reversals net out), and the value of gifts given without cash (not in the ledger)."""
    from .enums import Occasion, VisitState
    from .models import VisitMember

    rows = VisitMember.objects.filter(
        visit__state=VisitState.RECORDED,
        visit__visited_on__gte=period.start,
        visit__visited_on__lte=period.end,
    )
    rows = rows.filter(member__org__path__under=org.path) if subtree else rows.filter(visit__org=org)
    by_occasion = {
        r["visit__occasion"]: r
        for r in rows.order_by()
        .values("visit__occasion")
        .annotate(times=Count("pk"), people=Count("member_id", distinct=True),
                  gifts=fen_sum("visit__gift_value", filter=Q(visit__gift_value__gt=0)))
    }  # fmt: skip
    cash = {
        r["visit_member__visit__occasion"]: from_fen(r["total"])
        for r in entries_in(org, period.start, period.end, subtree=subtree)
        .filter(kind=LedgerKind.CONDOLENCE, visit_member__isnull=False)
        .order_by()
        .values("visit_member__visit__occasion")
        .annotate(total=fen_sum())
    }
    times = sum(r["times"] for r in by_occasion.values())
    people = rows.values("member_id").distinct().count()
    retirees = (
        rows.filter(visit__occasion__in=[Occasion.SPRING_FESTIVAL, Occasion.CHONGYANG])
        .values("member_id")
        .distinct()
        .count()
    )
    amount = sum(cash.values(), from_fen(0))
    gifts = sum((from_fen(r["gifts"]) for r in by_occasion.values()), from_fen(0))
    facts = [
        Fact("care.condolence.people", "慰问职工", people, "人", period, "care:visits", people),
        Fact("care.condolence.times", "慰问", times, "人次", period, "care:visits", times, headline=True),
        Fact("care.condolence.amount", "发放慰问金", amount, "元", period, "care:totals", headline=True),
        Fact("care.condolence.gift_value", "慰问品价值", gifts, "元", period, "care:visits"),
        Fact("care.condolence.festival_retirees", "节日走访慰问离退休老同志", retirees, "人", period,
             "care:visits", retirees),
    ]  # fmt: skip
    for occasion in Occasion:
        row = by_occasion.get(occasion.value)
        if row is None and occasion.value not in cash:
            continue
        key = f"care.condolence.{occasion.value}"
        n = row["times"] if row else 0
        facts += [
            Fact(f"{key}.times", f"{occasion.label}慰问", n, "人次", period, "care:visits", n,
                 extra={"occasion": occasion.value}),
            Fact(f"{key}.amount", f"{occasion.label}慰问金", cash.get(occasion.value, from_fen(0)), "元", period,
                 "care:totals", extra={"occasion": occasion.value}),
        ]  # fmt: skip
    return facts
