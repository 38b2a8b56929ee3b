"""Care figures from a known year, rolled up county -> school union -> union group.

This year:
    语文组 (school 1's group a), member A: hardship 1000 + 500 paid, 300 paid and reversed
    第一中学 itself, member B: student aid 800 (child 小明) + 600 (child 小红)
    第二小学's group, member C: hardship 2000
Last year: A hardship 700 (not counted). Files: A (re-check overdue), C.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gonghui.care import facts
from gonghui.core import facts as core_facts
from gonghui.core.facts import Period
from tests.members.factories import MemberFactory

from .factories import make_application, open_file

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def today() -> dt.date:
    return dt.date.today()


def this_period() -> Period:
    return Period.calendar_year(today().year)


@pytest.fixture
def known_year(tree, standards, welfare, other_union_chair):
    a = MemberFactory(union=tree.school1, group=tree.school1_group_a)
    b = MemberFactory(union=tree.school1)
    c = MemberFactory(union=tree.school2, group=tree.school2_group)
    for amount in ("1000", "500"):
        make_application(a, amount=amount, state="paid", approver=welfare)
    make_application(a, amount="300", state="reversed", approver=welfare)
    make_application(
        a, amount="700", state="paid", approver=welfare, paid_on=dt.date(today().year - 1, 12, 31)
    )
    make_application(b, kind="student_aid", amount="800", state="paid", approver=welfare, child_name="小明")
    make_application(b, kind="student_aid", amount="600", state="paid", approver=welfare, child_name="小红")
    make_application(c, amount="2000", state="paid", approver=other_union_chair)
    open_file(a, next_review_on=today() - dt.timedelta(days=1))
    open_file(c)


def _values(org, **kwargs) -> dict:
    return {f.key: f.value for f in facts.year_facts(org, this_period(), **kwargs)}


def test_the_group_level(known_year, tree):
    values = _values(tree.school1_group_a)

    assert values["care.hardship_aid.people"] == 1
    assert values["care.hardship_aid.times"] == 2
    assert values["care.hardship_aid.amount"] == Decimal("1500.00")
    assert values["care.student_aid.people"] == 0 and values["care.student_aid.amount"] == Decimal("0.00")
    assert (values["care.files.open"], values["care.files.overdue"]) == (1, 1)


def test_the_school_union_level(known_year, tree):
    values = _values(tree.school1)

    assert (values["care.hardship_aid.people"], values["care.hardship_aid.times"]) == (1, 2)
    assert values["care.hardship_aid.amount"] == Decimal("1500.00")
    assert (values["care.student_aid.people"], values["care.student_aid.times"]) == (2, 2)
    assert values["care.student_aid.amount"] == Decimal("1400.00")
    assert values["care.total"] == Decimal("2900.00")
    assert _values(tree.school1, subtree=False)["care.total"] == Decimal(
        "2900.00"
    )  # paid by the union itself


def test_the_county_rolls_up_both_schools(known_year, tree):
    values = _values(tree.county)

    assert (values["care.hardship_aid.people"], values["care.hardship_aid.times"]) == (2, 3)
    assert values["care.hardship_aid.amount"] == Decimal("3500.00")
    assert values["care.student_aid.people"] == 2 and values["care.student_aid.amount"] == Decimal("1400.00")
    assert (values["care.files.open"], values["care.files.overdue"]) == (2, 1)
    assert values["care.total"] == Decimal("4900.00")
    assert _values(tree.county, subtree=False)["care.total"] == Decimal("0.00")


def test_last_year_is_its_own_year(known_year, tree):
    values = {f.key: f.value for f in facts.year_facts(tree.county, Period.calendar_year(today().year - 1))}

    assert values["care.hardship_aid.amount"] == Decimal("700.00")
    assert values["care.hardship_aid.times"] == 1


def test_care_facts_are_registered_and_headlines_read_like_a_summary(known_year, tree):
    headlines = {f.key: f for f in core_facts.headlines(tree.county, this_period())}

    assert "care" in core_facts.providers()
    people, amount = headlines["care.hardship_aid.people"], headlines["care.hardship_aid.amount"]
    assert f"{people.label}{people.value}{people.unit}，{amount.label}{amount.value:.0f}{amount.unit}" == (
        "帮扶困难职工2人，帮扶金额3500元"
    )
