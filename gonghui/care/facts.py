"""Care figures (DESIGN.md §6): people and person-times helped and amounts, by kind; files.

Amounts are sums of ledger entries dated in the period (a reversal nets out in the period it is
dated); people and person-times count payouts of the period that stand (not reversed). Roll-ups
follow the entry's attributed org (the member's union group at payment time), so a county, a
school union and one of its groups each get their own exact figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from gonghui.core import drilldown
from gonghui.core.facts import Buckets, Fact, Period, percent
from gonghui.core.models import Org
from gonghui.members.enums import MemberStatus

from .enums import CARE_TOTAL_KINDS, CampaignState, FileState, HealthKind, LedgerKind, VisitState
from .models import (
    Donation,
    DonationCampaign,
    DonationUse,
    HardshipFile,
    HealthCampaign,
    LedgerEntry,
    RecuperationTrip,
    VisitMember,
    fen_sum,
    from_fen,
)
from .queries import counted_q, entries_in, open_on, overdue_files


def _files(org: Org, subtree: bool) -> QuerySet[HardshipFile]:
    if subtree:
        return HardshipFile.objects.filter(member__org__path__under=org.path)
    return HardshipFile.objects.filter(org=org)


def _url(name: str, org: Org, period: Period | None, subtree: bool, **params: Any) -> str:
    """The list page's drill-down link; `period` None for a state at a day, which the page's own
    filter names (open_on=, as_of=)."""
    return drilldown.url(name, org, period, subtree=subtree, **params)


def year_facts(org: Org, period: Period, *, subtree: bool = True) -> list[Fact]:
    def url(name: str, **params: Any) -> str:
        return _url(name, org, period, subtree, **params)

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
        # People and person-times are both read off the standing payouts: the list shows one row
        # per payout, so the people figure's record count is its payouts (a person paid twice is
        # two rows), not the people.
        payouts = url("care:totals", kind=kind.value, standing="1")
        facts += [
            Fact(f"{key}.people", people_label, people, "人", period, payouts, times,
                 extra={"kind": kind.value}, headline=headline),
            Fact(f"{key}.times", times_label, times, "人次", period, payouts, times),
            Fact(f"{key}.amount", amount_label, amount, "元", period, url("care:totals", kind=kind.value),
                 of_kind.count(), headline=headline),
        ]  # fmt: skip
    files = _files(org, subtree)
    today = min(timezone.localdate(), period.end)
    open_at_end = open_on(files, period.end).count()
    overdue = overdue_files(files, today=today).count()
    opened = files.filter(opened_on__gte=period.start, opened_on__lte=period.end).count()
    # Files open at the period's end and overdue files are states at a day, not rows dated in the
    # period: their links name the day instead (the files page's open_on / as_of).
    facts += [
        Fact("care.files.open", "困难职工建档", open_at_end, "人", period,
             _url("care:files", org, None, subtree, open_on=period.end.isoformat()), open_at_end),
        Fact("care.files.opened", "新建困难职工档案", opened, "份", period, url("care:files", closed="on"), opened),
        Fact("care.files.overdue", "逾期未复核档案", overdue, "份", period,
             _url("care:files", org, None, subtree, overdue="on", as_of=today.isoformat()), overdue),
    ]  # fmt: skip
    # 帮扶慰问 is assistance, student aid and visit money: not 疗休养 (a trip's cost), nor a
    # drive's payout (donated money), which have figures of their own. So the total is the sum of
    # the hardship, student-aid and condolence amounts above and below, line by line.
    aid = entries.filter(kind__in=CARE_TOTAL_KINDS)
    facts.append(
        Fact("care.total", "帮扶慰问支出合计", aid.total(), "元", period,
             url("care:totals", kind=list(CARE_TOTAL_KINDS)), aid.count(),
             extra={"lines": ["care.hardship_aid.amount", "care.student_aid.amount", "care.condolence.amount"]})
    )  # fmt: skip
    facts += campaign_facts(org, period, subtree=subtree)
    facts += visit_facts(org, period, subtree=subtree)
    return facts


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

    def url(name: str, **params: Any) -> str:
        return _url(name, org, period, subtree, **params)

    # The drives page lists drives, not gifts: the amount's record count is its drives.
    drives_url = url("care:donations", drafts="0")
    facts = [
        Fact("care.donation.campaigns", "捐款活动", d["n"], "次", period, drives_url, d["n"]),
        Fact("care.donation.amount", "募集捐款", from_fen(gifts["total"]), "元", period, drives_url, d["n"],
             extra={"gifts": gifts["gifts"]}, headline=True),
        Fact("care.donation.donors", "参与捐款", donors, "人次", period, drives_url),
        Fact("care.donation.asked", "倡议捐款", asked, "人次", period, drives_url),
        Fact("care.donation.rate", "捐款参与率", percent(donors, asked), "%", period, drives_url),
        Fact("care.donation.used", "善款使用", from_fen(used), "元", period, drives_url),
    ]  # fmt: skip
    health = _in(HealthCampaign.objects.filter(**dated), org, subtree)
    # The cost is the ledger's entries (paid to the provider), as for trips: one grouped query.
    health_cost = {
        row["health_campaign__kind"]: (from_fen(row["total"]), row["n"])
        for row in entries_in(org, period.start, period.end, subtree=subtree)
        .filter(kind=LedgerKind.HEALTH)
        .order_by()
        .values("health_campaign__kind")
        .annotate(total=fen_sum(), n=Count("pk"))
    }
    for kind, label in ((HealthKind.CHECKUP, "体检"), (HealthKind.WOMEN, "妇检")):
        of_kind = health.filter(kind=kind)
        h = of_kind.aggregate(n=Count("pk"), eligible=Sum("eligible_count"))
        eligible = h["eligible"] or 0
        attended = of_kind.aggregate(n=Count("attendances"))["n"]
        key = f"care.health.{kind.value}"
        # The campaigns page lists campaigns (attendance is on each one): the record count of
        # the people screened is the campaigns they were screened in.
        campaigns = url("care:health", kind=kind.value)
        facts += [
            Fact(f"{key}.eligible", f"应{label}人数", eligible, "人", period, campaigns),
            Fact(f"{key}.attended", f"{label}人数", attended, "人", period, campaigns, h["n"],
                 extra={"attendances": attended}),
            Fact(f"{key}.rate", f"{label}受检率", percent(attended, eligible), "%", period, campaigns,
                 headline=kind == HealthKind.WOMEN),
        ]  # fmt: skip
        cost, paid = health_cost.get(kind.value, (from_fen(0), 0))
        facts.append(
            Fact(f"{key}.amount", f"{label}费用", cost, "元", period,
                 url("care:totals", kind=LedgerKind.HEALTH.value, health=kind.value), paid)
        )  # fmt: skip
    trips = _in(RecuperationTrip.objects.filter(**dated), org, subtree)
    t = trips.aggregate(n=Count("pk"), times=Sum("participant_count"))
    entries = entries_in(org, period.start, period.end, subtree=subtree).filter(kind=LedgerKind.RECUPERATION)
    facts += [
        Fact("care.recuperation.trips", "疗休养", t["n"], "批次", period, url("care:trips"), t["n"]),
        Fact("care.recuperation.times", "疗休养", t["times"] or 0, "人次", period, url("care:trips"), t["n"]),
        Fact("care.recuperation.amount", "疗休养费用", entries.total(), "元", period,
             url("care:totals", kind=LedgerKind.RECUPERATION.value), entries.count()),
    ]  # fmt: skip
    return facts


def visit_facts(org: Org, period: Period, *, subtree: bool = True) -> list[Fact]:
    """Condolence visits (慰问) recorded in the period: people and person-times (visited members
    of recorded visits, counted where the member belongs), cash by occasion from the ledger
    (reversals net out), and the value of gifts given without cash (not in the ledger)."""
    from . import occasions
    from .occasion_models import VisitOccasion

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
                  visits=Count("visit_id", distinct=True),
                  gifts=fen_sum("visit__gift_value", filter=Q(visit__gift_value__gt=0)))
    }  # fmt: skip
    paid = entries_in(org, period.start, period.end, subtree=subtree).filter(
        kind=LedgerKind.CONDOLENCE, visit_member__isnull=False
    )
    cash = {
        r["visit_member__visit__occasion"]: (from_fen(r["total"]), r["n"])
        for r in paid.order_by()
        .values("visit_member__visit__occasion")
        .annotate(total=fen_sum(), n=Count("pk"))
    }
    times = sum(r["times"] for r in by_occasion.values())
    # 节日: the occasions flagged festival in the occasion table (the union's own ones too);
    # 离退休老同志: retired members only (a serving member visited at 春节 is not one), on the
    # festival occasions, or on the occasions of visiting retirees. One query for all.
    retired = Q(member__status=MemberStatus.RETIRED)
    festival = retired & Q(visit__occasion__in=occasions.codes_flagged("festival"))
    elders = retired & Q(visit__occasion__in=occasions.codes_flagged("retirees"))
    counts = rows.aggregate(
        people=Count("member_id", distinct=True),
        visits=Count("visit_id", distinct=True),
        festival_people=Count("member_id", distinct=True, filter=festival),
        festival_visits=Count("visit_id", distinct=True, filter=festival),
        retiree_people=Count("member_id", distinct=True, filter=elders),
        retiree_visits=Count("visit_id", distinct=True, filter=elders),
    )
    people, visits = counts["people"], counts["visits"]
    retirees, festival_visits = counts["festival_people"], counts["festival_visits"]
    all_retirees, retiree_visits = counts["retiree_people"], counts["retiree_visits"]
    amount = sum((c[0] for c in cash.values()), from_fen(0))
    gifts = sum((from_fen(r["gifts"]) for r in by_occasion.values()), from_fen(0))

    def url(name: str, **params: Any) -> str:
        return _url(name, org, period, subtree, **params)

    # The visits page lists visits (each with its members), so the people and person-times
    # figures' record count is the recorded visits they come from; cash is the ledger's entries.
    recorded = url("care:visits", state=VisitState.RECORDED.value)
    facts = [
        Fact("care.condolence.people", "慰问职工", people, "人", period, recorded, visits),
        Fact("care.condolence.times", "慰问", times, "人次", period, recorded, visits, headline=True),
        Fact("care.condolence.amount", "发放慰问金", amount, "元", period,
             url("care:totals", kind=LedgerKind.CONDOLENCE.value, visit="1"), sum(c[1] for c in cash.values()),
             headline=True),
        Fact("care.condolence.gift_value", "慰问品价值", gifts, "元", period, recorded),
        Fact("care.condolence.festival_retirees", "节日走访慰问离退休老同志", retirees, "人", period,
             url("care:visits", state=VisitState.RECORDED.value, flag="festival", retired="1"),
             festival_visits),
        Fact("care.condolence.retirees", "走访慰问离退休老同志", all_retirees, "人", period,
             url("care:visits", state=VisitState.RECORDED.value, flag="retirees", retired="1"),
             retiree_visits),
    ]  # fmt: skip
    # Each occasion recorded or paid in the period, in the table's order, named by its row.
    recorded_codes = [*by_occasion, *cash]
    names = (
        {o.code: o for o in VisitOccasion.objects.filter(code__in=recorded_codes).order_by("order", "pk")}
        if recorded_codes
        else {}
    )
    for code, occasion in names.items():
        row = by_occasion.get(code)
        key = f"care.condolence.{code}"
        n = row["times"] if row else 0
        cash_total, entries = cash.get(code, (from_fen(0), 0))
        flags = {flag: getattr(occasion, flag) for flag in occasions.FLAGS}
        facts += [
            Fact(f"{key}.times", f"{occasion.name}慰问", n, "人次", period,
                 url("care:visits", state=VisitState.RECORDED.value, occasion=code),
                 row["visits"] if row else 0, extra={"occasion": code, **flags}),
            Fact(f"{key}.amount", f"{occasion.name}慰问金", cash_total, "元", period,
                 url("care:totals", kind=LedgerKind.CONDOLENCE.value, occasion=code), entries,
                 extra={"occasion": code, **flags}),
        ]  # fmt: skip
    return facts


def as_of(period: Period) -> dt.date:
    """The day a state figure (overdue files) is read on: today, or the period's end if past."""
    return min(timezone.localdate(), period.end)


def overdue_fact(org: Org, *, today: dt.date) -> Fact:
    """Hardship files of the subtree past their yearly re-check on `today` (`care.files.overdue`)."""
    n = overdue_files(_files(org, True), today=today).count()
    url = _url("care:files", org, None, True, overdue="on", as_of=today.isoformat())
    return Fact("care.files.overdue", "逾期未复核档案", n, "份", None, url, n)


LEDGER_KEYS = (
    "care.hardship_aid.times", "care.hardship_aid.amount", "care.student_aid.times",
    "care.student_aid.amount", "care.condolence.amount", "care.total",
)  # fmt: skip


def grouped_facts(buckets: Buckets, period: Period) -> None:
    """The care counts and amounts of many unions at once (`core.facts.facts_by_union`), counted
    as in `year_facts`: the ledger by the entry's attributed union, files and visits by the
    member's union; at most three grouped queries."""
    under = buckets.under
    if buckets.wants(*LEDGER_KEYS):
        entries = LedgerEntry.objects.filter(
            counted_q(period.start, period.end), attributed_org__path__under=under
        )
        standing = Q(reverses__isnull=True, reversed_by__isnull=True)
        buckets.grouped(
            entries, "attributed_org__path",
            **{
                "care.hardship_aid.times": Count("pk", filter=standing & Q(kind=LedgerKind.HARDSHIP_AID)),
                "care.hardship_aid.amount": fen_sum(filter=Q(kind=LedgerKind.HARDSHIP_AID)),
                "care.student_aid.times": Count("pk", filter=standing & Q(kind=LedgerKind.STUDENT_AID)),
                "care.student_aid.amount": fen_sum(filter=Q(kind=LedgerKind.STUDENT_AID)),
                "care.condolence.amount": fen_sum(
                    filter=Q(kind=LedgerKind.CONDOLENCE, visit_member__isnull=False)
                ),
                "care.total": fen_sum(filter=Q(kind__in=CARE_TOTAL_KINDS)),
            },
        )  # fmt: skip
    if buckets.wants("care.files.open", "care.files.overdue"):
        end, day = period.end, as_of(period)
        buckets.grouped(
            HardshipFile.objects.filter(member__org__path__under=under), "member__org__path",
            **{
                "care.files.open": Count(
                    "pk", filter=Q(opened_on__lte=end) & ~Q(state=FileState.CLOSED, closed_on__lte=end)
                ),
                "care.files.overdue": Count("pk", filter=Q(state=FileState.OPEN, next_review_on__lt=day)),
            },
        )  # fmt: skip
    if buckets.wants("care.condolence.times"):
        visits = VisitMember.objects.filter(
            visit__state=VisitState.RECORDED,
            visit__visited_on__gte=period.start,
            visit__visited_on__lte=period.end,
            member__org__path__under=under,
        )
        buckets.grouped(visits, "member__org__path", **{"care.condolence.times": Count("pk")})
    buckets.fact("care.hardship_aid.times", "帮扶困难职工", "人次")
    buckets.fact("care.hardship_aid.amount", "帮扶金额", "元", scale=from_fen)
    buckets.fact("care.student_aid.times", "金秋助学发放", "人次")
    buckets.fact("care.student_aid.amount", "受助金额", "元", scale=from_fen)
    buckets.fact("care.condolence.amount", "发放慰问金", "元", scale=from_fen)
    buckets.fact("care.total", "帮扶慰问支出合计", "元", scale=from_fen)
    buckets.fact("care.files.open", "困难职工建档", "人")
    buckets.fact("care.files.overdue", "逾期未复核档案", "份")
    buckets.fact("care.condolence.times", "慰问", "人次")


def care_series(org: Org, period: Period) -> dict[str, list[tuple[Any, Any]]]:
    """The dashboard's care series, counted as the care facts: 帮扶慰问支出 (the kinds of
    `care.total`) by month, a reversal in the month of the payout it reverses; visited
    person-times by month; every amount by ledger kind (its Chinese name). Three queries."""
    entries = entries_in(org, period.start, period.end, subtree=True)
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
    kinds = dict(LedgerKind.choices)
    by_kind = entries.order_by().values("kind").annotate(t=fen_sum()).values_list("kind", "t")
    return {
        "paid_by_month": [(row["m"], from_fen(row["t"])) for row in paid],
        "visits_by_month": [(row["m"], row["n"]) for row in visited],
        "by_kind": [(str(kinds.get(kind, kind)), from_fen(t)) for kind, t in by_kind if t],
    }
