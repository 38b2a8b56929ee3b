"""Working-day arithmetic for China: weekends off, statutory holidays off, make-up days (补班) on.

Holidays and make-up working days come from the State Council General Office's yearly notices
(国务院办公厅关于部分节假日安排的通知):

* 2025: 国办发明电〔2024〕12号, published 2024-11-12.
* 2026: published 2025-11-04 (新华社; checked against the text reprinted by 光明网).

For years not in the table only weekends are off: add the next year's notice here when the
State Council publishes it (usually in November), or periods crossing the new year will be
counted with weekends only. `KNOWN_YEARS` says which years are covered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def _days(year: int, spans: Iterable[tuple[int, int, int, int]]) -> set[dt.date]:
    """(month, day) to (month, day) inclusive ranges of one year, as a set of dates."""
    days: set[dt.date] = set()
    for m1, d1, m2, d2 in spans:
        day, last = dt.date(year, m1, d1), dt.date(year, m2, d2)
        while day <= last:
            days.add(day)
            day += dt.timedelta(days=1)
    return days


# Days off, weekends that fall inside a holiday included (harmless: they are off anyway).
HOLIDAYS: frozenset[dt.date] = frozenset(
    _days(
        2025,
        [
            (1, 1, 1, 1),  # 元旦
            (1, 28, 2, 4),  # 春节 (除夕 to 正月初七)
            (4, 4, 4, 6),  # 清明节
            (5, 1, 5, 5),  # 劳动节
            (5, 31, 6, 2),  # 端午节
            (10, 1, 10, 8),  # 国庆节、中秋节
        ],
    )
    | _days(
        2026,
        [
            (1, 1, 1, 3),  # 元旦
            (2, 15, 2, 23),  # 春节 (腊月二十八 to 正月初七)
            (4, 4, 4, 6),  # 清明节
            (5, 1, 5, 5),  # 劳动节
            (6, 19, 6, 21),  # 端午节
            (9, 25, 9, 27),  # 中秋节
            (10, 1, 10, 7),  # 国庆节
        ],
    )
)

# Weekend days that are working days because of a holiday swap (调休上班, 补班).
MAKEUP_WORKDAYS: frozenset[dt.date] = frozenset(
    {
        # 2025
        dt.date(2025, 1, 26),
        dt.date(2025, 2, 8),
        dt.date(2025, 4, 27),
        dt.date(2025, 9, 28),
        dt.date(2025, 10, 11),
        # 2026
        dt.date(2026, 1, 4),
        dt.date(2026, 2, 14),
        dt.date(2026, 2, 28),
        dt.date(2026, 5, 9),
        dt.date(2026, 9, 20),
        dt.date(2026, 10, 10),
    }
)

KNOWN_YEARS: frozenset[int] = frozenset({2025, 2026})


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
