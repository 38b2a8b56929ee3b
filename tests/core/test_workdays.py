"""Working days in China: weekends, statutory holidays and make-up working days (补班)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core import workdays
from gonghui.core.workdays import (
    KNOWN_YEARS,
    add_working_days,
    covered_years,
    covers,
    is_working_day,
    missing_year,
    period_end,
    working_days_between,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 3, 2), True),  # an ordinary Monday
        (D(2026, 3, 7), False),  # an ordinary Saturday
        (D(2026, 1, 1), False),  # 元旦
        (D(2026, 1, 4), True),  # Sunday, 补班 after 元旦
        (D(2026, 2, 14), True),  # Saturday, 补班 before 春节
        (D(2026, 2, 16), False),  # 春节 (Monday)
        (D(2026, 2, 23), False),  # last day of 春节
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),  # Saturday, 补班 after 春节
        (D(2026, 5, 5), False),  # 劳动节 (Tuesday)
        (D(2026, 5, 9), True),  # Saturday, 补班
        (D(2026, 6, 19), False),  # 端午节 (Friday)
        (D(2026, 9, 20), True),  # Sunday, 补班 before 国庆
        (D(2026, 10, 7), False),
        (D(2026, 10, 10), True),  # Saturday, 补班 after 国庆
        (D(2025, 1, 26), True),  # Sunday, 补班 before 春节
        (D(2025, 1, 28), False),  # 除夕
        (D(2025, 4, 27), True),  # Sunday, 补班 before 劳动节
        (D(2025, 10, 8), False),  # 国庆、中秋 (Wednesday)
        (D(2025, 10, 11), True),  # Saturday, 补班
        (D(2024, 2, 4), True),  # Sunday, 补班 before 春节 2024
        (D(2024, 10, 7), False),  # 国庆节 2024 (Monday)
    ],
)
def test_a_day_is_a_working_day_by_the_state_council_schedule(day, working):
    assert is_working_day(day) is working


def test_both_published_years_are_in_the_table():
    assert {2025, 2026} <= KNOWN_YEARS
    assert covers(2025) and covers(2026)
    assert set(covered_years()) == KNOWN_YEARS


def test_every_day_of_the_covered_years_is_what_chinesecalendar_says():
    years = covered_years()
    day, last = D(years.start, 1, 1), D(years.stop - 1, 12, 31)
    while day <= last:
        assert is_working_day(day) is chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_a_year_the_package_does_not_cover_counts_weekends_only():
    year = max(KNOWN_YEARS) + 1
    assert not covers(year)
    with pytest.raises(NotImplementedError):  # the package has no data for it
        chinese_calendar.is_workday(D(year, 1, 1))
    first = D(year, 3, 1)
    monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    days = [monday + dt.timedelta(days=i) for i in range(7)]

    assert [is_working_day(day) for day in days] == [True] * 5 + [False] * 2


def test_nothing_is_missing_while_this_year_is_covered_and_it_is_not_yet_december():
    year = max(KNOWN_YEARS)  # the next year is not covered: its notice is not out yet
    assert missing_year(D(year, 1, 2)) is None
    assert missing_year(D(year, 11, 30)) is None


def test_from_december_on_an_uncovered_next_year_is_missing():
    year = max(KNOWN_YEARS)
    assert missing_year(D(year, 12, 1)) == year + 1
    assert missing_year(D(year, 12, 31)) == year + 1


def test_an_uncovered_year_at_hand_is_missing_all_year():
    year = max(KNOWN_YEARS) + 1
    assert missing_year(D(year, 3, 1)) == year


def test_nothing_is_missing_when_the_next_year_is_covered_too(monkeypatch):
    year = max(KNOWN_YEARS)
    monkeypatch.setattr(workdays, "KNOWN_YEARS", KNOWN_YEARS | {year + 1})
    assert missing_year(D(year, 12, 15)) is None


def test_five_working_days_from_a_monday_end_on_the_friday():
    assert period_end(D(2026, 3, 2), 5) == D(2026, 3, 6)


def test_a_period_starting_on_a_weekend_starts_on_the_next_monday():
    assert period_end(D(2026, 3, 7), 5) == D(2026, 3, 13)


def test_a_period_over_the_spring_festival_skips_the_holiday_and_counts_the_makeup_saturday():
    # 2/12 Thu, 2/13 Fri, 2/14 Sat (补班), then off until 2/23, 2/24 Tue, 2/25 Wed.
    assert period_end(D(2026, 2, 12), 5) == D(2026, 2, 25)
    assert working_days_between(D(2026, 2, 12), D(2026, 2, 25)) == 5


def test_a_period_over_labour_day_2026():
    # 4/29 Wed, 4/30 Thu, (5/1–5/5 off), 5/6 Wed, 5/7 Thu, 5/8 Fri.
    assert period_end(D(2026, 4, 29), 5) == D(2026, 5, 8)


def test_add_zero_working_days_rolls_a_holiday_forward():
    assert add_working_days(D(2026, 10, 1), 0) == D(2026, 10, 8)
    assert add_working_days(D(2026, 3, 4), 0) == D(2026, 3, 4)


def test_add_negative_working_days_goes_back():
    assert add_working_days(D(2026, 3, 9), -1) == D(2026, 3, 6)
    assert add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)


def test_working_days_between_counts_both_ends_and_nothing_backwards():
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 1
    assert working_days_between(D(2026, 3, 7), D(2026, 3, 8)) == 0
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 2)) == 0
    assert working_days_between(D(2025, 10, 1), D(2025, 10, 31)) == 18  # 23 weekdays − 6 off + 1 补班


def test_a_period_lasts_at_least_one_day():
    with pytest.raises(ValueError):
        period_end(D(2026, 3, 2), 0)


@given(
    start=st.dates(min_value=D(2024, 12, 1), max_value=D(2027, 1, 31)),
    n=st.integers(min_value=0, max_value=40),
)
def test_adding_n_working_days_spans_n_plus_one_working_days(start, n):
    end = add_working_days(start, n)

    assert is_working_day(end)
    assert working_days_between(start, end) == n + 1
    assert add_working_days(end, -n) == add_working_days(start, 0)
