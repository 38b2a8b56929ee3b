"""Dates the tests compute when each test runs, never when a module is collected: a run that
crosses midnight in Asia/Shanghai (16:00 UTC) would otherwise compare yesterday with today."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gonghui.core.facts import Period


def today() -> dt.date:
    return timezone.localdate()


def this_year() -> Period:
    """The statistical year (October to September) holding today."""
    return Period.statistical_year(today().year + 1 if today().month >= 10 else today().year)


def last_year() -> Period:
    """The statistical year before it (the last one that has ended)."""
    return Period.statistical_year(this_year().end.year - 1)


def last_june() -> dt.date:
    return dt.date(last_year().end.year, 6, 15)


def last_year_end() -> dt.date:
    return last_year().end


def day_after_last_year() -> dt.date:
    return last_year().end + dt.timedelta(days=1)
