"""gonghui.W030: the administrator is told (home page, worker log) when the State Council holiday
data (the chinesecalendar package) does not cover the year at hand or, from December on, the next
one; a late package release never stops the server (it is no registered system check)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.checks import WARNING, run_checks

from gonghui.core import checks, workdays

LAST = max(workdays.KNOWN_YEARS)


def calendar_messages():
    return checks.holiday_calendar_check()


@pytest.fixture
def today(monkeypatch):
    """Set the day the check sees (Asia/Shanghai's local date)."""

    def set_today(day: dt.date) -> None:
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)

    return set_today


def test_in_december_an_uncovered_next_year_is_a_warning_for_the_administrator(today):
    today(dt.date(LAST, 12, 7))

    [message] = calendar_messages()

    assert message.id == "gonghui.W030"
    assert message.level == WARNING
    assert f"节假日数据不含{LAST + 1}年" in message.msg
    assert f"does not cover {LAST + 1}" in message.msg
    assert "chinesecalendar" in message.hint and "make setup" in message.hint


def test_an_uncovered_year_at_hand_is_a_warning_any_month(today):
    today(dt.date(LAST + 1, 4, 1))

    assert [m.id for m in calendar_messages()] == ["gonghui.W030"]


def test_the_check_is_silent_before_december_while_the_next_notice_cannot_be_out(today):
    today(dt.date(LAST, 6, 1))

    assert calendar_messages() == []


def test_the_check_is_silent_when_the_next_year_is_covered(today, monkeypatch):
    today(dt.date(LAST, 12, 7))
    monkeypatch.setattr(workdays, "KNOWN_YEARS", workdays.KNOWN_YEARS | {LAST + 1})

    assert calendar_messages() == []


def test_a_missing_year_never_stops_the_server_it_is_no_system_check(today):
    today(dt.date(LAST, 12, 7))

    assert calendar_messages() != []
    assert "gonghui.W030" not in {m.id for m in run_checks(include_deployment_checks=True)}


def test_the_administrator_sees_it_on_the_home_page_and_others_do_not(today, client_for, chair):
    from tests.factories import UserFactory

    today(dt.date(LAST, 12, 7))
    admin = client_for(UserFactory(is_superuser=True)).get("/").content.decode()
    officer = client_for(chair).get("/").content.decode()

    assert f"节假日数据不含{LAST + 1}年" in admin
    assert "节假日数据不含" not in officer


def test_the_worker_logs_it_daily(today, caplog):
    from gonghui.core import schedule

    today(dt.date(LAST, 12, 7))

    assert schedule.holiday_data_check.call() == 1
    assert f"does not cover {LAST + 1}" in caplog.text
    assert "gonghui.core.schedule.holiday_data_check" in {j.task.module_path for j in schedule.SCHEDULE}
