"""Working-day arithmetic for China: weekends off, statutory holidays off, make-up days (补班) on.

Holidays and make-up working days come from the `chinesecalendar` package (import name
`chinese_calendar`), which transcribes the State Council General Office's yearly notices
(国务院办公厅关于部分节假日安排的通知) and is released soon after each one (usually in November).

A year the installed package does not cover is counted with weekends only: periods in it are still
computed, but holidays and make-up days are missing. `covers(year)` / `covered_years()` say which
years are covered, and the system check `gonghui.W020` (gonghui/core/checks.py) warns the
administrator when the year at hand or, from December on, the next one is not: `make setup` after
a new release of chinesecalendar (the lock pins it: raise the pin, `make lock`).
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

# Days off (weekends inside a holiday included: harmless, they are off anyway), and weekend days
# that are working days because of a holiday swap (调休上班, 补班). Both straight from the package.
HOLIDAYS: frozenset[dt.date] = frozenset(chinese_calendar.holidays)
MAKEUP_WORKDAYS: frozenset[dt.date] = frozenset(chinese_calendar.workdays)

# The package answers for the years from its first notice to its last (it raises
# NotImplementedError outside them); those are the years whose notices it holds.
KNOWN_YEARS: frozenset[int] = frozenset(
    range(min(day.year for day in HOLIDAYS), max(day.year for day in HOLIDAYS) + 1)
)

# The next year's notice is usually published in November (2023's only on 2022-12-08): from this
# month on, a missing next year is worth a warning; earlier it cannot be had yet.
NEXT_YEAR_EXPECTED_FROM_MONTH = 12


def covered_years() -> range:
    """The years whose holidays and make-up days the installed package knows."""
    return range(min(KNOWN_YEARS), max(KNOWN_YEARS) + 1)


def covers(year: int) -> bool:
    """True when `year`'s State Council holiday schedule is known (else: weekends only)."""
    return year in KNOWN_YEARS


def missing_year(today: dt.date) -> int | None:
    """The year whose schedule should be known by `today` but is not: this year, or from
    December on the next one. None when the data is up to date."""
    if not covers(today.year):
        return today.year
    if today.month >= NEXT_YEAR_EXPECTED_FROM_MONTH and not covers(today.year + 1):
        return today.year + 1
    return None


def is_working_day(day: dt.date) -> bool:
    """True on a working day: a make-up day, or a weekday that is not a statutory holiday."""
    if day in MAKEUP_WORKDAYS:
        return True
    return day.weekday() < 5 and day not in HOLIDAYS


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The working day `n` working days after `start` (before it when `n` is negative).

    A `start` that is not a working day first rolls to the next working day (the previous one
    when going backwards), so `add_working_days(day, 0)` is the first working day on or after
    `day`. A period of N working days beginning on `start` ends on `add_working_days(start, N - 1)`.
    """
    step = 1 if n >= 0 else -1
    day = start
    while not is_working_day(day):
        day += dt.timedelta(days=step)
    remaining = abs(n)
    while remaining:
        day += dt.timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """The number of working days from `start` to `end`, both included (0 if `end` < `start`)."""
    if end < start:
        return 0
    count, day = 0, start
    while day <= end:
        count += is_working_day(day)
        day += dt.timedelta(days=1)
    return count


def period_end(start: dt.date, days: int) -> dt.date:
    """The last day of a period of `days` working days beginning on `start` (days >= 1)."""
    if days < 1:
        raise ValueError("a period lasts at least one working day")
    return add_working_days(start, days - 1)
