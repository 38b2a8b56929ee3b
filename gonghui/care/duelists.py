"""Due-lists of condolence visits (应慰问名单) and the visit reads.

Built from the member registry and the calendar, for one union and a day:

* birthdays: members 在会 whose birth month is the month (Member.birth_month, an indexed
  generated column: (org, birth_month, status) is an index range per org of the subtree), minus
  those visited for 生日 in that year;
* festival retirees: in the 30 days up to and including 春节 or 重阳, the union's 离退休 members,
  minus those already visited for that festival (a visit dated from 60 days before to 30 days
  after the festival day counts);
* "五必访" reports (住院, 生育, 结婚, 丧事, 退休): open until a visit is linked.

Each list is one query (the exclusion is a NOT EXISTS over VisitMember's (member, visit) index).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from gonghui.core.models import Org
from gonghui.members.enums import MemberStatus

from . import rules
from .enums import Occasion, VisitState
from .models import LifeEventReport, Visit, VisitMember
from .queries import scoped

# Lunar-calendar festivals by Gregorian year (春节: 正月初一; 重阳: 九月初九).
FESTIVAL_DATES: dict[str, dict[int, dt.date]] = {
    Occasion.SPRING_FESTIVAL: {
        2025: dt.date(2025, 1, 29),
        2026: dt.date(2026, 2, 17),
        2027: dt.date(2027, 2, 6),
    },
    Occasion.CHONGYANG: {
        2025: dt.date(2025, 10, 29),
        2026: dt.date(2026, 10, 18),
        2027: dt.date(2027, 10, 8),
    },
}
DAYS_BEFORE = 30
# A visit counts for a festival when dated in [day - 60, day + 30].
VISITED_BEFORE, VISITED_AFTER = 60, 30


@dataclass(frozen=True)
class Festival:
    occasion: str
    day: dt.date

    @property
    def label(self) -> str:
        return str(Occasion(self.occasion).label)

    def days_left(self, today: dt.date) -> int:
        return (self.day - today).days


def festivals_due(today: dt.date) -> list[Festival]:
    """The festivals whose visiting window (30 days before, up to the day) contains `today`."""
    due = []
    for occasion, days in FESTIVAL_DATES.items():
        for day in days.values():
            if day - dt.timedelta(days=DAYS_BEFORE) <= today <= day:
                due.append(Festival(occasion, day))
    return sorted(due, key=lambda f: f.day)


def _members_of(union: Org) -> Any:
    """Members of the union's subtree, as `org_id IN (orgs of the subtree)`: a join on the org's
    path let SQLite walk every member in name order (the list's ORDER BY) and test each one's
    org (0.5 s at 220,000 members); the IN list makes it probe (org, status, …) per org."""
    from gonghui.members.models import Member

    return Member.objects.filter(org__in=Org.objects.filter(path__under=union.path).values("pk"))


def _visited(occasion: str, start: dt.date, end: dt.date) -> Exists:
    return Exists(
        VisitMember.objects.filter(
            member=OuterRef("pk"),
            visit__occasion=occasion,
            visit__visited_on__gte=start,
            visit__visited_on__lte=end,
        ).exclude(visit__state=VisitState.CANCELLED)
    )


def birthdays_due(union: Org, *, year: int, month: int) -> QuerySet[Any]:
    """在会 members born in `month`, not yet visited for 生日 in `year`."""
    visited = _visited(Occasion.BIRTHDAY, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return (
        _members_of(union)
        .filter(birth_month=month, status=MemberStatus.ACTIVE)
        .filter(~visited)
        .select_related("org")
        .order_by("birth_date__day", "name_pinyin", "pk")
    )


def festival_retirees_due(union: Org, festival: Festival) -> QuerySet[Any]:
    """离退休 members not yet visited for the festival."""
    visited = _visited(
        festival.occasion,
        festival.day - dt.timedelta(days=VISITED_BEFORE),
        festival.day + dt.timedelta(days=VISITED_AFTER),
    )
    return (
        _members_of(union)
        .filter(status=MemberStatus.RETIRED)
        .filter(~visited)
        .select_related("org")
        .order_by("name_pinyin", "pk")
    )


def reports_due(union: Org) -> QuerySet[LifeEventReport]:
    """Open "五必访" reports (no visit linked yet), oldest first."""
    return (
        LifeEventReport.objects.filter(org__path__under=union.path, visit__isnull=True)
        .select_related("member", "member__org", "reported_by")
        .order_by("event_on", "pk")
    )


def due_counts(user: Any, *, today: dt.date, limit: int = 20) -> tuple[int, int]:
    """(birthdays + festival retirees due this month, open reports) over the unions where the
    user runs visits: for the home-page to-dos."""
    from .queries import unions_for

    unions = list(unions_for(user, rules.VISIT_CHANGE)[:limit])
    due = reports = 0
    festivals = festivals_due(today)
    for union in unions:
        due += birthdays_due(union, year=today.year, month=today.month).count()
        for festival in festivals:
            due += festival_retirees_due(union, festival).count()
        reports += reports_due(union).count()
    return due, reports


# --- visits -----------------------------------------------------------------------------------


def visible_visits(user: Any) -> QuerySet[Visit]:
    return scoped(Visit.objects.all(), user, rules.VISIT_VIEW)


def report_members(user: Any) -> QuerySet[Any]:
    """Current members the user may file a report for (a group leader: their group)."""
    from gonghui.members.models import Member

    q = rules.care_q(user, rules.REPORT_FILE)
    if user.is_superuser:
        q = Q()
    if q is None:
        return Member.objects.none()
    return (
        Member.objects.filter(q, status__in=[MemberStatus.ACTIVE, MemberStatus.RETIRED])
        .select_related("org")
        .order_by("name_pinyin", "pk")
    )
