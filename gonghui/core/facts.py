"""Facts: the figures each app contributes to dashboards and the annual summary (DESIGN.md §6).

An app exposes `year_facts(org, period, *, subtree=True) -> list[Fact]` in its `facts.py` and
registers it here from its AppConfig.ready(). Reports read only facts, so a new app plugs in by
registering, with no change to `reports`.

A table of many unions (a county's child unions, the statistics sheet's grassroots unions) would
cost one `collect` per union, hundreds of queries each. So an app may also register a grouped
provider, `grouped_facts(buckets, period) -> None` in the same `facts.py` (picked up with
`year_facts`): each of its queries runs once over the unions' common
subtree, grouped by org path, and `Buckets` adds every row to the deepest of the unions whose
subtree holds it. `facts_by_union(unions, period, keys=...)` returns {org id: [Fact]}; the
provider runs only the queries of the keys asked, so a five-column table costs five columns.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Period:
    """A closed date range [start, end]; calendar, school or statistical year, or any range."""

    start: dt.date
    end: dt.date
    label: str = ""

    @classmethod
    def calendar_year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")

    @classmethod
    def school_year(cls, year: int) -> Period:
        """September of `year` to August of the next year."""
        return cls(dt.date(year, 9, 1), dt.date(year + 1, 8, 31), f"{year}—{year + 1}学年")

    @classmethod
    def statistical_year(cls, year: int) -> Period:
        """The union statistics year ending 30 September of `year`."""
        return cls(dt.date(year - 1, 10, 1), dt.date(year, 9, 30), f"{year}统计年度")

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Fact:
    key: str  # stable, dotted: "members.total"
    label: str  # Chinese label as shown in a summary
    value: int | Decimal | float | None
    unit: str = ""  # 人, 人次, 元, %, 条 …
    period: Period | None = None
    # How to find the rows behind the number: a URL name + query parameters, and their count.
    records_url: str = ""
    record_count: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Headline facts are shown on the home page; the rest only in dashboards and summaries.
    headline: bool = False


FactProvider = Callable[..., list[Fact]]
_PROVIDERS: dict[str, FactProvider] = {}


def register(area: str, provider: FactProvider) -> None:
    """Register an area's `year_facts`; its module's `grouped_facts`, if it has one, with it."""
    _PROVIDERS[area] = provider
    grouped = getattr(sys.modules.get(provider.__module__), "grouped_facts", None)
    if grouped is not None:
        register_grouped(area, grouped)


def providers() -> dict[str, FactProvider]:
    return dict(_PROVIDERS)


def collect(org: Any, period: Period, *, subtree: bool = True) -> list[Fact]:
    facts: list[Fact] = []
    for provider in _PROVIDERS.values():
        facts.extend(provider(org, period, subtree=subtree))
    return facts


def headlines(org: Any, period: Period, *, subtree: bool = True) -> list[Fact]:
    return [fact for fact in collect(org, period, subtree=subtree) if fact.headline]


# --- many unions at once: grouped providers ------------------------------------------------------


class Buckets:
    """Figures of many unions from grouped queries: a row (org path, value) counts for the deepest
    of `unions` whose subtree holds its org; a row under none of them is not counted. Disjoint
    unions (a county's children) each get their whole subtree; a union listed with unions below
    it (the statistics sheet lists the county itself for 本级及其他) gets what they leave."""

    def __init__(self, unions: Sequence[Any], period: Period, keys: Collection[str] | None = None) -> None:
        self.unions = list(unions)
        self.period = period
        self.keys = None if keys is None else frozenset(keys)
        self._ids = {union.pk for union in self.unions}
        self._owner: dict[str, int | None] = {}
        self.values: dict[int, dict[str, Any]] = {union.pk: {} for union in self.unions}
        self.facts: dict[int, list[Fact]] = {union.pk: [] for union in self.unions}

    @property
    def under(self) -> str:
        """The unions' common subtree (their longest common path), the one prefix each query scans."""
        parts = [union.path.strip("/").split("/") for union in self.unions]
        common: list[str] = []
        for column in zip(*parts, strict=False):
            if len(set(column)) != 1:
                break
            common.append(column[0])
        return "/" + "".join(f"{part}/" for part in common)

    def wants(self, *keys: str) -> bool:
        return self.keys is None or any(key in self.keys for key in keys)

    def owner(self, path: str) -> int | None:
        if path not in self._owner:
            ids = [int(part) for part in path.strip("/").split("/") if part.isdigit()]
            self._owner[path] = next((pk for pk in reversed(ids) if pk in self._ids), None)
        return self._owner[path]

    def add(self, key: str, rows: Iterable[tuple[str, Any]]) -> None:
        """Sum each (org path, value) row into its union's `key`."""
        for path, value in rows:
            pk = self.owner(path)
            if pk is not None:
                bucket = self.values[pk]
                bucket[key] = bucket.get(key, 0) + (value or 0)

    def grouped(self, queryset: Any, path_field: str, **aggregates: Any) -> None:
        """One query: each aggregate grouped by `path_field` (an org path), added under its key."""
        rows = list(
            queryset.order_by().values(path_field).annotate(**aggregates).values(path_field, *aggregates)
        )
        for key in aggregates:
            self.add(key, ((row[path_field], row[key]) for row in rows))

    def fact(
        self, key: str, label: str, unit: str, *, scale: Callable[[Any], Any] | None = None, **extra: Any
    ) -> None:
        """Each union's Fact `key` from its summed rows (0 where it had none), if asked for."""
        if self.keys is not None and key not in self.keys:
            return
        for pk, bucket in self.values.items():
            value = bucket.get(key, 0)
            value = scale(value) if scale is not None else value
            self.facts[pk].append(Fact(key, label, value, unit, self.period, extra=dict(extra)))


GroupedProvider = Callable[[Buckets, Period], None]
_GROUPED: dict[str, GroupedProvider] = {}


def register_grouped(area: str, provider: GroupedProvider) -> None:
    _GROUPED[area] = provider


def facts_by_union(
    unions: Sequence[Any], period: Period, *, keys: Collection[str] | None = None
) -> dict[int, list[Fact]]:
    """{union id: [Fact]} for every union, each figure the same number `collect(union, period)`
    gives where the unions' subtrees do not nest; `keys` limits the figures (and the queries)."""
    if not unions:
        return {}
    buckets = Buckets(unions, period, keys)
    for provider in _GROUPED.values():
        provider(buckets, period)
    return buckets.facts


def percent(part: int | float, whole: int | float) -> float | None:
    """A rate in percent, one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return round(100.0 * float(part) / float(whole), 1)
