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
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from gonghui.core.access import scoped
from gonghui.core.models import Org
from gonghui.members.enums import MemberStatus

from . import rules
from .enums import Occasion, VisitState
from .models import CondolenceStandard, LifeEventReport, Visit, VisitMember

# The lunar-calendar festivals: (lunar month, lunar day) of 春节 (正月初一) and 重阳 (九月初九). Both
# fall in the Gregorian year of their lunar year.
LUNAR_FESTIVALS: dict[str, tuple[int, int]] = {
    Occasion.SPRING_FESTIVAL: (1, 1),
    Occasion.CHONGYANG: (9, 9),
}
DAYS_BEFORE = 30
# A visit counts for a festival when dated in [day - 60, day + 30].
VISITED_BEFORE, VISITED_AFTER = 60, 30


@functools.cache
def festival_day(occasion: str, year: int) -> dt.date:
    """The Gregorian date of the lunar festival `occasion` in `year`, computed by lunar-python
    (imported here: it takes a quarter of a second to load)."""
    from lunar_python import Lunar

    month, day = LUNAR_FESTIVALS[occasion]
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


class _FestivalYears(Mapping[int, dt.date]):
    """year -> festival day for any year; iterating goes over FIRST_YEAR to next year (what the
    demo data and the benchmarks look back on)."""

    FIRST_YEAR = 2020

    def __init__(self, occasion: str) -> None:
        self.occasion = occasion

    def __getitem__(self, year: int) -> dt.date:
        return festival_day(self.occasion, year)

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.FIRST_YEAR, dt.date.today().year + 2))

    def __len__(self) -> int:
        return dt.date.today().year + 2 - self.FIRST_YEAR


# occasion -> {year: day}, computed (no hand-kept table): FESTIVAL_DATES[occasion][year].
FESTIVAL_DATES: dict[str, Mapping[int, dt.date]] = {
    occasion: _FestivalYears(occasion) for occasion in LUNAR_FESTIVALS
}


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
    for occasion in LUNAR_FESTIVALS:
        # A window opens at most 30 days before the day: this year's, or next January's 春节.
        for year in (today.year, today.year + 1):
            day = festival_day(occasion, year)
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

    current = Member.objects.filter(status__in=[MemberStatus.ACTIVE, MemberStatus.RETIRED])
    return scoped(current, user, rules.REPORT_FILE).select_related("org").order_by("name_pinyin", "pk")


def visits_to_members_under(org: Org) -> QuerySet[Visit]:
    """Visits (by any union) to members of `org`'s subtree: that union's figures count them, so a
    list drilled into it shows them (the caller has checked `org` is in the viewer's scope)."""
    under = VisitMember.objects.filter(member__org__path__under=org.path)
    return Visit.objects.filter(pk__in=under.values("visit_id"))


def condolence_standards(union: Org) -> QuerySet[CondolenceStandard]:
    """The union's own 慰问标准 (the caller has reached `union` through core.access)."""
    return CondolenceStandard.objects.filter(org=union)


def reports_by_id(ids: list[int], *, members: QuerySet[Any] | None = None) -> QuerySet[LifeEventReport]:
    """Reports named on a visit form (of `members`, the picker's, when given)."""
    reports = LifeEventReport.objects.filter(pk__in=ids)
    return reports if members is None else reports.filter(member__in=members)


def reports_by(user: Any) -> QuerySet[LifeEventReport]:
    """The reports a group leader filed, newest first."""
    return LifeEventReport.objects.filter(reported_by=user).order_by("-reported_at", "-pk")
