"""What the import pages' tests (test_imports) and the task queue's tests (test_tasks) share: uploads
kept in a temporary MEDIA_ROOT, the county's welfare officer who runs the imports, and the
care-payouts sheet (its headers and a 发放日期).

A test module imports the fixture functions (`# noqa: F401`: pytest finds them in its namespace);
tests ask for them by their fixture names, `officer` (and `media_in_tmp`, used by every test)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gonghui.care.imports import period_start
from gonghui.core.enums import Portfolio, Role
from tests.factories import RoleAssignmentFactory, UserFactory

HEADERS = ["工会", "姓名*", "类别*", "金额(元)*", "发放日期*", "事由*"]


@pytest.fixture(autouse=True, name="media_in_tmp")
def uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(name="officer")
def county_welfare_officer(tree):
    user = UserFactory(username="county_care")
    RoleAssignmentFactory(user=user, org=tree.county, role=Role.SUPERIOR_ADMIN, portfolio=Portfolio.WELFARE)
    return user


def payout_day() -> str:
    """A 发放日期 three days before the open period begins (care.imports.period_start), written as in
    the sheet."""
    return (period_start(timezone.localdate()) - dt.timedelta(days=3)).strftime("%Y/%m/%d")
