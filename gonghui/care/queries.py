"""Reads of the care app: scoped lists, year-to-date and per-year totals from the ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from gonghui.core.access import orgs_for, scoped
from gonghui.core.enums import OrgKind
from gonghui.core.models import Org
from gonghui.members.enums import CURRENT_STATUSES
from gonghui.members.models import Member

from . import rules
from .enums import ApplicationState, FileState, LedgerKind, SpendingCategory
from .models import (
    ZERO,
    AssistanceApplication,
    CareStandard,
    HardshipFile,
    LedgerEntry,
    LedgerQuerySet,
    fen_sum,
    from_fen,
)

UNION_KINDS = (OrgKind.GRASSROOTS, OrgKind.JOINT)


def visible_files(user: Any) -> QuerySet[HardshipFile]:
    return scoped(HardshipFile.objects.all(), user, rules.FILE_VIEW)


def visible_applications(user: Any) -> QuerySet[AssistanceApplication]:
    return scoped(AssistanceApplication.objects.all(), user, rules.APP_VIEW)


def unions_for(user: Any, capability: rules.Capability) -> QuerySet[Org]:
    """Active unions (not groups) where the user holds the capability."""
    return orgs_for(user, capability)


def member_choices(user: Any, capability: rules.Capability) -> QuerySet[Member]:
    """Current members of the unions where the user may act (for the member picker)."""
    q = Q()
    paths = list(unions_for(user, capability).values_list("path", flat=True)[:50])
    if not paths:
        return Member.objects.none()
    for path in paths:
        q |= Q(org__path__under=path)
    return (
        Member.objects.filter(q, status__in=["active", "retired"])
        .select_related("org")
        .order_by("name_pinyin", "pk")
    )


@dataclass(frozen=True)
class FileFilters:
    level: str = ""
    cause: str = ""
    overdue: bool = False
    state: str = FileState.OPEN


def filtered_files(user: Any, filters: FileFilters, *, today: dt.date) -> QuerySet[HardshipFile]:
    files = visible_files(user).select_related("member", "org")
    if filters.state:
        files = files.filter(state=filters.state)
    if filters.level:
        files = files.filter(level=filters.level)
    if filters.cause:
        files = files.filter(cause=filters.cause)
    if filters.overdue:
        files = overdue_files(files, today=today)
    return files.order_by("next_review_on", "pk")


def overdue_files(files: QuerySet[HardshipFile], *, today: dt.date) -> QuerySet[HardshipFile]:
    """Open files whose yearly re-check (复核) is past due."""
    return files.filter(state=FileState.OPEN, next_review_on__lt=today)


def drilled(
    queryset: QuerySet[Any], drill: Any, *, subtree_path: str = "org", own: str = "org",
    date_field: str | None = None,
) -> QuerySet[Any]:  # fmt: skip
    """A list narrowed to a figure's union and period (core.drilldown.Drilldown `drill`), the
    way facts.py counts: the subtree by `subtree_path`'s org (e.g. the member's, for files), the
    union alone by `own` (the org that keeps or paid the row), and `date_field` in the period."""
    if drill.org is not None:
        if drill.subtree:
            queryset = queryset.filter(**{f"{subtree_path}__path__under": drill.org.path})
        else:
            queryset = queryset.filter(**{own: drill.org})
    if date_field is not None:
        queryset = queryset.filter(drill.date_q(date_field))
    return queryset


def open_on(files: QuerySet[HardshipFile], day: dt.date) -> QuerySet[HardshipFile]:
    """Files open on `day`: opened by then and not closed by then (the 建档 figure)."""
    return files.filter(opened_on__lte=day).exclude(state=FileState.CLOSED, closed_on__lte=day)


def standards_of(org: Org) -> dict[str, CareStandard]:
    return {s.kind: s for s in CareStandard.objects.filter(org=org)}


# --- totals ----------------------------------------------------------------------------------


def counted_q(start: dt.date | None, end: dt.date | None) -> Q:
    """Entries that count in [start, end]: a payout on its payment date, a reversal (冲正) in the
    period of the payout it reverses, so correcting last year's payment this year changes last
    year's figures (as the correction of an error should) and never makes this year's negative.
    An open bound (None) does not restrict."""
    own, reversed_ = Q(reverses__isnull=True), Q(reverses__isnull=False)
    if start is not None:
        own &= Q(paid_on__gte=start)
        reversed_ &= Q(reverses__paid_on__gte=start)
    if end is not None:
        own &= Q(paid_on__lte=end)
        reversed_ &= Q(reverses__paid_on__lte=end)
    return own | reversed_


def entries_in(org: Org, start: dt.date, end: dt.date, *, subtree: bool = True) -> LedgerQuerySet:
    """Entries counting in [start, end] (`counted_q`): attributed to the subtree, or paid by `org`
    itself."""
    entries = LedgerEntry.objects.filter(counted_q(start, end))
    if subtree:
        return entries.filter(attributed_org__path__under=org.path)
    return entries.filter(org=org)


def member_total(member: Member, *, year: int, kind: str | None = None) -> Decimal:
    entries = LedgerEntry.objects.filter(member=member, paid_on__year=year)
    if kind:
        entries = entries.filter(kind=kind)
    return entries.total()


def totals_by_category(entries: QuerySet[LedgerEntry]) -> dict[str, Decimal]:
    rows = entries.order_by().values("category").annotate(total=fen_sum())
    return {row["category"]: from_fen(row["total"]) for row in rows}


@dataclass
class TotalsRow:
    category: str
    category_label: str
    kind: str
    kind_label: str
    total: Decimal
    payments: int
    reversals: int


@dataclass
class YearTotals:
    year: int
    rows: list[TotalsRow] = field(default_factory=list)
    by_category: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal = ZERO


def year_totals(entries: QuerySet[LedgerEntry], year: int) -> YearTotals:
    """A year's payouts by spending category and kind, reversals netted in the year of the payout
    they reverse (one query)."""
    rows = (
        entries.filter(counted_q(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        .order_by()
        .values("category", "kind")
        .annotate(
            total=fen_sum(),
            payments=Count("pk", filter=Q(reverses__isnull=True)),
            reversals=Count("pk", filter=Q(reverses__isnull=False)),
        )
        .order_by("category", "kind")
    )
    result = YearTotals(year=year)
    for row in rows:
        total = from_fen(row["total"])
        result.rows.append(
            TotalsRow(
                category=row["category"],
                category_label=str(SpendingCategory(row["category"]).label),
                kind=row["kind"],
                kind_label=str(LedgerKind(row["kind"]).label),
                total=total,
                payments=row["payments"],
                reversals=row["reversals"],
            )
        )
        result.by_category[row["category"]] = result.by_category.get(row["category"], ZERO) + total
        result.total += total
    return result


def visible_entries(user: Any, capability: rules.Capability = rules.TOTALS_VIEW) -> QuerySet[LedgerEntry]:
    return scoped(LedgerEntry.objects.all(), user, capability)


# --- the member's own page ("我的帮扶") --------------------------------------------------------


def own_member(user: Any) -> Member | None:
    """The member record of this account in a current status (the newest, if transferred)."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Member.objects.filter(user=user, status__in=CURRENT_STATUSES)
        .select_related("org")
        .order_by("-pk")
        .first()
    )


def my_care(user: Any) -> dict[str, Any]:
    """What a member received and applied for: applications (not draft) and payments; never
    the hardship file's internals."""
    if user is None or not user.is_authenticated:
        return {"applications": [], "entries": [], "can_apply": False}
    applications = list(
        AssistanceApplication.objects.filter(member__user=user)
        .exclude(state=ApplicationState.DRAFT)
        .order_by("-created_at", "-pk")[:50]
    )
    entries = list(
        LedgerEntry.objects.filter(member__user=user)
        .select_related("reverses")
        .order_by("-paid_on", "-pk")[:100]
    )
    return {
        "applications": applications,
        "entries": entries,
        "total": sum((e.amount for e in entries), ZERO),
        # Only an account with a current member record of its own may apply (else the form is a 403).
        "can_apply": own_member(user) is not None,
    }


# --- donation drives and health campaigns ------------------------------------------------------


def campaigns_with_totals(campaigns: QuerySet[Any]) -> QuerySet[Any]:
    """Drives with collected (fen), number of gifts and distinct asked donors (one query)."""
    return campaigns.annotate(
        collected_fen=fen_sum("donations__amount"),
        gifts=Count("donations"),
        donors=Count("donations__member", filter=Q(donations__was_asked=True), distinct=True),
    )


def rate(part: int, whole: int) -> Decimal | None:
    """A rate in percent to one decimal, exact (Decimal); None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def participation(campaign: Any) -> tuple[int, int, Decimal | None]:
    """(distinct donors among the members asked, members asked, rate in percent)."""
    donors = campaign.donations.filter(was_asked=True).values("member_id").distinct().count()
    return donors, campaign.asked_count, rate(donors, campaign.asked_count)


def screening(campaign: Any) -> tuple[int, int, Decimal | None]:
    """(attended, eligible, screening rate in percent)."""
    attended = campaign.attendances.count()
    return attended, campaign.eligible_count, rate(attended, campaign.eligible_count)


def largest_donation_drive(
    org: Org, start: dt.date, end: dt.date, *, subtree: bool = True
) -> dict[str, Any] | None:
    """The drive started in [start, end] that raised the most, for the annual summary."""
    from .enums import CampaignState
    from .models import DonationCampaign, fen_sum, from_fen

    drives = DonationCampaign.objects.filter(starts_on__gte=start, starts_on__lte=end).exclude(
        state=CampaignState.DRAFT
    )
    drives = drives.filter(org__path__under=org.path) if subtree else drives.filter(org=org)
    best = (
        drives.annotate(raised=fen_sum("donations__amount"), gifts=Count("donations"))
        .filter(gifts__gt=0)
        .order_by("-raised", "pk")
        .values("title", "raised", "gifts", "org__name")
        .first()
    )
    if best is None:
        return None
    return {"title": best["title"], "amount": from_fen(best["raised"]), "gifts": best["gifts"],
            "org": best["org__name"]}  # fmt: skip


# --- the union's own dated records, for the work plan's calendar ---------------------------------


def visits_on_occasions(org: Org, start: dt.date, end: dt.date, occasions: Any) -> list[dict[str, Any]]:
    """The union's own visits on `occasions` (codes), approved or recorded, dated in [start, end],
    oldest first: [{"occasion", "visited_on"}]."""
    from .enums import VisitState
    from .models import Visit

    visits = Visit.objects.filter(
        org=org, occasion__in=list(occasions), visited_on__gte=start, visited_on__lte=end,
        state__in=[VisitState.APPROVED, VisitState.RECORDED],
    ).order_by("visited_on", "pk")  # fmt: skip
    return [dict(row) for row in visits.values("occasion", "visited_on")]


def first_student_aid_day(org: Org, start: dt.date, end: dt.date) -> dt.date | None:
    """The day the union itself first paid 金秋助学 in [start, end], if it did."""
    entries = entries_in(org, start, end, subtree=False).filter(kind=LedgerKind.STUDENT_AID)
    entry = entries.order_by("paid_on").first()
    return entry.paid_on if entry is not None else None


def charity_days(org: Org, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The union's own yearly 博爱一日捐 drives (not one-off appeals) started in [start, end],
    drafts left out, oldest first: [{"pk", "title", "starts_on"}]."""
    from .enums import CampaignKind, CampaignState
    from .models import DonationCampaign

    drives = (
        DonationCampaign.objects.filter(
            org=org, kind=CampaignKind.CHARITY_DAY, starts_on__gte=start, starts_on__lte=end
        )
        .exclude(state=CampaignState.DRAFT)
        .order_by("starts_on", "pk")
    )
    return [dict(row) for row in drives.values("pk", "title", "starts_on")]


def health_campaigns_of(org: Org, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The union's own 体检/妇检 campaigns started in [start, end], oldest first:
    [{"pk", "kind", "title", "starts_on"}]."""
    from .models import HealthCampaign

    campaigns = HealthCampaign.objects.filter(org=org, starts_on__gte=start, starts_on__lte=end)
    campaigns = campaigns.order_by("starts_on", "pk")
    return [dict(row) for row in campaigns.values("pk", "kind", "title", "starts_on")]


# --- rows that belong to an object the viewer already reached through core.access ---------------


def entries_of(**owner: Any) -> QuerySet[LedgerEntry]:
    """The ledger entries of an application, trip, visit or drive the viewer has reached through
    core.access (its payouts are part of its page), e.g. `entries_of(trip=trip)`. Without an owner:
    every entry, for a list the caller narrows to a union whose scope it has checked."""
    return LedgerEntry.objects.filter(**owner)
