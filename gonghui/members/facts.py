"""Membership figures for dashboards and the annual summary (DESIGN.md §6)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse

from gonghui.core import drilldown
from gonghui.core.enums import OrgKind, OrgStatus
from gonghui.core.facts import Buckets, Fact, Period, percent
from gonghui.core.models import Org

from .enums import AGE_BANDS, Employment, MemberStatus
from .models import Member


def _scope(org: Org, subtree: bool) -> QuerySet[Member]:
    if subtree:
        return Member.objects.filter(org__path__under=org.path)
    # This union only: its own rows and its groups' rows, not child unions'.
    return Member.objects.filter(Q(org=org) | Q(org__parent=org, org__kind=OrgKind.GROUP))


def _url(org: Org, period: Period | None = None, *, subtree: bool = True, **params: object) -> str:
    """The member list drilled to the union; `period` only for figures of members dated in it
    (joined, left), not for a state such as "active"."""
    return drilldown.url("members:list", org, period, subtree=subtree, **params)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def year_facts(org: Org, period: Period, *, subtree: bool = True) -> list[Fact]:
    members = _scope(org, subtree)
    end = period.end
    age_counts = {
        label: Count("pk", filter=Q(status=MemberStatus.ACTIVE, birth_date__gt=_years_before(end, high),
                                    birth_date__lte=_years_before(end, low)))
        for low, high, label in AGE_BANDS
    }  # fmt: skip
    counts = members.aggregate(
        active=Count("pk", filter=Q(status=MemberStatus.ACTIVE)),
        retired=Count("pk", filter=Q(status=MemberStatus.RETIRED)),
        women=Count("pk", filter=Q(status=MemberStatus.ACTIVE, sex="2")),
        new=Count("pk", filter=Q(join_date__gte=period.start, join_date__lte=end)),
        migrant=Count("pk", filter=Q(status=MemberStatus.ACTIVE, employment=Employment.MIGRANT)),
        agency=Count("pk", filter=Q(status=MemberStatus.ACTIVE, employment=Employment.AGENCY)),
        hardship=Count("pk", filter=Q(status__in=[MemberStatus.ACTIVE, MemberStatus.RETIRED]) & ~Q(hardship_level="")),
        model_workers=Count("pk", filter=Q(status__in=[MemberStatus.ACTIVE, MemberStatus.RETIRED])
                            & ~Q(model_worker_level="")),
        left=Count("pk", filter=Q(status_date__gte=period.start, status_date__lte=end,
                                  status__in=[MemberStatus.TRANSFERRED_OUT, MemberStatus.WITHDRAWN,
                                              MemberStatus.EXPELLED, MemberStatus.DECEASED])),
        **{f"age_{i}": expr for i, expr in enumerate(age_counts.values())},
    )  # fmt: skip
    unions = Org.objects.filter(kind__in=[OrgKind.GRASSROOTS, OrgKind.JOINT], status=OrgStatus.ACTIVE)
    unions = unions.filter(path__under=org.path) if subtree else unions.filter(pk=org.pk)
    u = unions.aggregate(total=Sum("workforce"), n=Count("pk"))
    workforce, n_unions = u["total"] or 0, u["n"]

    def url(dated: bool = False, **params: object) -> str:
        return _url(org, period if dated else None, subtree=subtree, **params)

    # Each link carries the same conditions as its count: the list's default ("current") would
    # otherwise add or drop members (e.g. a withdrawn member still flagged as hardship).
    facts = [
        Fact("members.active", "在会会员", counts["active"], "人", period, url(status="active"), counts["active"], headline=True),
        Fact("members.retired", "离退休会员", counts["retired"], "人", period, url(status="retired"), counts["retired"]),
        Fact("members.women", "女会员", counts["women"], "人", period, url(status="active", flag="female"), counts["women"]),
        Fact("members.new", "新入会会员", counts["new"], "人", period, url(True, status=""), counts["new"], headline=True),
        Fact("members.left", "减少会员", counts["left"], "人", period, url(True, status="left"), counts["left"]),
        Fact("members.migrant", "农民工会员", counts["migrant"], "人", period, url(status="active", employment="migrant"),
             counts["migrant"]),
        Fact("members.agency", "劳务派遣会员", counts["agency"], "人", period, url(status="active", employment="agency"),
             counts["agency"]),
        Fact("members.hardship", "困难职工", counts["hardship"], "人", period, url(status="current", flag="hardship"),
             counts["hardship"], headline=True),
        Fact("members.model_workers", "劳模", counts["model_workers"], "人", period,
             url(status="current", flag="model_worker"), counts["model_workers"]),
        # The workforce is the unions' own figure, shown on the union's page: there is no list of
        # rows to count, so no record count.
        Fact("members.workforce", "职工人数", workforce, "人", period, reverse("core:org_detail", args=[org.pk]),
             extra={"unions": n_unions}),
        Fact("members.join_rate", "入会率", percent(counts["active"], workforce), "%", period, url(status="active"),
             counts["active"], headline=True),
    ]  # fmt: skip
    if subtree:
        # The grassroots (and joint) unions of the subtree, the union itself included if it is one.
        facts.append(
            Fact(
                "members.unions",
                "基层工会",
                n_unions,
                "个",
                period,
                reverse("core:org_detail", args=[org.pk]),
            )
        )
    for i, (_low, _high, label) in enumerate(AGE_BANDS):
        value = counts[f"age_{i}"]
        # Ages as at the period's end, as counted above.
        link = url(status="active", age_band=label, age_on=end.isoformat())
        facts.append(Fact(f"members.age.{i}", f"会员年龄{label}", value, "人", period, link, value))
    return facts


def grouped_facts(buckets: Buckets, period: Period) -> None:
    """The member counts of many unions at once (`core.facts.facts_by_union`), counted as in
    `year_facts`: one query over the members of the unions' subtree, one over their unions."""
    if buckets.wants(*MEMBER_COUNTS):
        active = Q(status=MemberStatus.ACTIVE)
        buckets.grouped(
            Member.objects.filter(org__path__under=buckets.under), "org__path",
            **{
                "members.active": Count("pk", filter=active),
                "members.women": Count("pk", filter=active & Q(sex="2")),
                "members.migrant": Count("pk", filter=active & Q(employment=Employment.MIGRANT)),
                "members.agency": Count("pk", filter=active & Q(employment=Employment.AGENCY)),
                "members.new": Count("pk", filter=Q(join_date__gte=period.start, join_date__lte=period.end)),
                "members.retired": Count("pk", filter=Q(status=MemberStatus.RETIRED)),
            },
        )  # fmt: skip
    if buckets.wants("members.workforce"):
        unions = Org.objects.filter(
            path__under=buckets.under, kind__in=[OrgKind.GRASSROOTS, OrgKind.JOINT], status=OrgStatus.ACTIVE
        )
        buckets.grouped(unions, "path", **{"members.workforce": Sum("workforce")})
    for key, (label, unit) in MEMBER_COUNTS.items():
        buckets.fact(key, label, unit)
    buckets.fact("members.workforce", "职工人数", "人")


# The labels and units of the counts `grouped_facts` gives, as `year_facts` names them.
MEMBER_COUNTS: dict[str, tuple[str, str]] = {
    "members.active": ("在会会员", "人"),
    "members.women": ("女会员", "人"),
    "members.migrant": ("农民工会员", "人"),
    "members.agency": ("劳务派遣会员", "人"),
    "members.new": ("新入会会员", "人"),
    "members.retired": ("离退休会员", "人"),
}
