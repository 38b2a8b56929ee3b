"""Facts: the figures each app contributes to dashboards and the annual summary (DESIGN.md §6).

An app exposes `year_facts(org, period, *, subtree=True) -> list[Fact]` in its `facts.py` and
registers it here from its AppConfig.ready(). Reports read only facts, so a new app plugs in by
registering, with no change to `reports`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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
    _PROVIDERS[area] = provider


def providers() -> dict[str, FactProvider]:
    return dict(_PROVIDERS)


def collect(org: Any, period: Period, *, subtree: bool = True) -> list[Fact]:
    facts: list[Fact] = []
    for provider in _PROVIDERS.values():
        facts.extend(provider(org, period, subtree=subtree))
    return facts


def headlines(org: Any, period: Period, *, subtree: bool = True) -> list[Fact]:
    return [fact for fact in collect(org, period, subtree=subtree) if fact.headline]


def percent(part: int | float, whole: int | float) -> float | None:
    """A rate in percent, one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return round(100.0 * float(part) / float(whole), 1)
