"""Membership figures (facts.py) on a small dataset whose every number is known."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gonghui.core.facts import Period
from gonghui.core.models import Org
from gonghui.members import facts, services
from gonghui.members.enums import ChangeType

from .factories import MemberFactory

pytestmark = pytest.mark.django_db

OLD_JOIN = dt.date(2010, 9, 1)


def born(age: int, year: int) -> dt.date:
    """A birth date giving `age` on 31 December of `year`."""
    return dt.date(year - age, 6, 1)


@pytest.fixture
def period() -> Period:
    return Period.calendar_year(timezone.localdate().year)


@pytest.fixture
def dataset(tree, chair, period):
    """第一中学: 4 active (ages 30/40/50/58, two women, one new this year), 1 retired, 1 withdrawn;
    第二小学: 1 active woman, new this year. Workforce 8 and 4."""
    year = period.end.year
    Org.objects.filter(pk=tree.school1.pk).update(workforce=8)
    Org.objects.filter(pk=tree.school2.pk).update(workforce=4)
    Org.objects.filter(pk=tree.county.pk).update(workforce=100)  # a superior union's own figure
    today = timezone.localdate()
    MemberFactory(union=tree.school1, birth_date=born(30, year), join_date=today)
    MemberFactory(union=tree.school1, birth_date=born(40, year), join_date=OLD_JOIN, female=True)
    MemberFactory(
        union=tree.school1, group=tree.school1_group_a, birth_date=born(50, year), join_date=OLD_JOIN,
        female=True, employment="agency",
    )  # fmt: skip
    MemberFactory(union=tree.school1, birth_date=born(58, year), join_date=OLD_JOIN, hardship_level="severe")
    retiree = MemberFactory(union=tree.school1, birth_date=born(62, year), join_date=OLD_JOIN, female=True)
    services.member_retire(actor=chair, member=retiree)
    leaver = MemberFactory(union=tree.school1, birth_date=born(45, year), join_date=OLD_JOIN)
    services.member_change_status(actor=chair, member=leaver, change=ChangeType.WITHDRAW)
    MemberFactory(union=tree.school2, birth_date=born(30, year), join_date=today, female=True)


def values(org: Org, period: Period, *, subtree: bool = True) -> dict[str, object]:
    return {fact.key: fact.value for fact in facts.year_facts(org, period, subtree=subtree)}


def test_year_facts_of_a_school_union(tree, dataset, period):
    got = values(tree.school1, period)

    assert got["members.active"] == 4
    assert got["members.retired"] == 1
    assert got["members.women"] == 2
    assert got["members.new"] == 1
    assert got["members.left"] == 1
    assert got["members.agency"] == 1
    assert got["members.hardship"] == 1
    assert got["members.workforce"] == 8
    assert got["members.join_rate"] == 50.0


def test_age_bands_count_active_members_by_age_at_the_end_of_the_period(tree, dataset, period):
    got = values(tree.school1, period)

    assert [got[f"members.age.{i}"] for i in range(4)] == [1, 1, 1, 1]


def test_the_county_subtree_adds_up_its_unions(tree, dataset, period):
    got = values(tree.county, period)

    assert got["members.active"] == 5
    assert got["members.retired"] == 1
    assert got["members.women"] == 3
    assert got["members.new"] == 2
    assert got["members.workforce"] == 12  # the unions' workforce, not the county's own figure
    assert got["members.join_rate"] == round(100 * 5 / 12, 1)
    assert [got[f"members.age.{i}"] for i in range(4)] == [2, 1, 1, 1]


def test_this_union_only_leaves_out_child_unions_but_keeps_its_groups(tree, dataset, period):
    county_only = values(tree.county, period, subtree=False)
    school_only = values(tree.school1, period, subtree=False)

    assert county_only["members.active"] == 0
    assert county_only["members.join_rate"] is None  # no workforce to divide by
    # The member in 语文组 and the retiree in the retirees' group are still 第一中学's.
    assert school_only["members.active"] == 4
    assert school_only["members.retired"] == 1


def test_new_members_are_counted_only_within_the_period(tree, dataset, period):
    last_year = Period.calendar_year(period.start.year - 1)

    assert values(tree.school1, last_year)["members.new"] == 0
    assert values(tree.school1, Period.calendar_year(2010))["members.new"] == 5


def test_join_rate_is_none_without_a_workforce(tree, dataset, period):
    Org.objects.filter(pk=tree.school1.pk).update(workforce=0)
    tree.school1.refresh_from_db()

    assert values(tree.school1, period)["members.join_rate"] is None


def test_each_fact_has_a_chinese_label_a_unit_and_a_link_to_its_rows(tree, dataset, period):
    result = {f.key: f for f in facts.year_facts(tree.school1, period)}

    assert result["members.active"].label == "在会会员"
    assert result["members.join_rate"].unit == "%"
    assert result["members.active"].unit == "人"
    assert result["members.women"].records_url.startswith("/members/?")
    assert f"union={tree.school1.pk}" in result["members.women"].records_url
    assert "flag=female" in result["members.women"].records_url
    assert result["members.active"].record_count == 4


def test_the_members_provider_is_registered_for_reports(tree, dataset, period):
    from gonghui.core import facts as core_facts

    collected = {f.key: f.value for f in core_facts.collect(tree.school1, period)}

    assert collected["members.active"] == 4
