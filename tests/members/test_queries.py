"""Reads: search, filters, paging without COUNT, and who sees which member rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.core.access import visible
from gonghui.core.enums import Role
from gonghui.members import idcard, queries, services
from gonghui.members.enums import ChangeType
from gonghui.members.models import Member
from gonghui.members.privacy import decrypt
from gonghui.members.queries import MemberFilters
from tests.factories import RoleAssignmentFactory, UserFactory

from .factories import MemberFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 30)


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def search(text: str) -> set[str]:
    return names(Member.objects.filter(queries.search_q(text)))


@pytest.fixture
def people(tree):
    """Five members of 第一中学 (two in groups) and one of 第二小学."""
    return {
        "张伟": MemberFactory(union=tree.school1, name="张伟", mobile="13812345678", card_number="2024001"),
        "安娜": MemberFactory(union=tree.school1, name="安娜", mobile="13900001111", female=True),
        "单田芳": MemberFactory(
            union=tree.school1, group=tree.school1_group_a, name="单田芳", mobile="13700005678"
        ),
        "欧阳娜娜": MemberFactory(
            union=tree.school1, group=tree.school1_group_b, name="欧阳娜娜", female=True, card_number="A-17"
        ),
        "张小红": MemberFactory(union=tree.school1, name="张小红", female=True, mobile="13600002222"),
        "李雷": MemberFactory(union=tree.school2, name="李雷", mobile="13500003333"),
    }


# --- search -------------------------------------------------------------------------------------


def test_an_empty_search_matches_everyone(people):
    assert search("  ") == set(people)


def test_search_by_chinese_name_finds_names_containing_it(people):
    assert search("张") == {"张伟", "张小红"}
    assert search("田芳") == {"单田芳"}


def test_search_by_full_pinyin_prefix(people):
    assert search("zhang") == {"张伟", "张小红"}
    assert search("zhangwei") == {"张伟"}
    assert search("ZhangW") == {"张伟"}


def test_search_by_pinyin_uses_the_surname_reading(people):
    assert search("shantian") == {"单田芳"}
    assert search("dantian") == set()


def test_search_by_initials(people):
    assert search("zw") == {"张伟"}
    assert search("zxh") == {"张小红"}
    assert search("stf") == {"单田芳"}
    assert search("oynn") == {"欧阳娜娜"}


def test_search_by_the_last_four_digits_of_the_mobile(people):
    assert search("5678") == {"张伟", "单田芳"}
    assert search("2345678") == {"张伟"}


def test_a_phone_tail_follows_a_changed_mobile(people):
    member = people["安娜"]
    member.mobile = "13911119999"
    member.save()

    assert search("9999") == {"安娜"}
    assert search("1111") == set()


def test_a_county_wide_phone_tail_search_is_an_index_lookup(tree, people):
    queryset = Member.objects.filter(queries.search_q("5678"))
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A table of a few rows is cheaper to scan; ask the planner what it would use at scale.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())

    assert "members_mobile_tail_idx" in plan


def test_three_digits_are_not_a_phone_tail(people):
    assert search("678") == set()


def test_search_by_member_card_number(people):
    assert search("2024001") == {"张伟"}
    assert search("A-17") == {"欧阳娜娜"}


def test_search_by_full_id_number(people):
    number = decrypt(people["安娜"].id_encrypted)

    assert search(number) == {"安娜"}


def test_search_by_full_id_number_with_a_lowercase_x(tree):
    number = next(
        n for s in range(1000) if (n := idcard.make("430121", dt.date(1990, 1, 2), s)).endswith("X")
    )
    MemberFactory(union=tree.school1, name="王晓", id_number=number)

    assert search(number[:17] + "x") == {"王晓"}


def test_search_by_a_15_digit_legacy_number_finds_the_member(tree):
    MemberFactory(
        union=tree.school1, name="老会员", id_number=idcard.make("430121", dt.date(1965, 3, 7), 123)
    )

    assert search("430121650307123") == {"老会员"}


def test_search_by_an_invalid_id_number_finds_nobody(people):
    assert search("110101199003071230") == set()


# --- filters ------------------------------------------------------------------------------------


@pytest.fixture
def varied(tree, chair):
    """第一中学 members differing in one attribute each; a 第二小学 member for the union filter."""
    year = TODAY.year
    made = {
        "young": MemberFactory(union=tree.school1, birth_date=dt.date(year - 25, 1, 1),
                               join_date=dt.date(2024, 9, 1)),
        "woman": MemberFactory(union=tree.school1, female=True, birth_date=dt.date(year - 40, 1, 1),
                               join_date=dt.date(2012, 9, 1)),
        "agency": MemberFactory(union=tree.school1, employment="agency", birth_date=dt.date(year - 48, 1, 1),
                                join_date=dt.date(2012, 9, 1), group=tree.school1_group_a),
        "severe": MemberFactory(union=tree.school1, hardship_level="severe", hardship_cert_no="KN1",
                                birth_date=dt.date(year - 57, 1, 1), join_date=dt.date(2012, 9, 1)),
        "ordinary": MemberFactory(union=tree.school1, hardship_level="ordinary", single_parent=True,
                                  birth_date=dt.date(year - 45, 1, 1), join_date=dt.date(2012, 9, 1)),
        "model": MemberFactory(union=tree.school1, model_worker_level="city",
                               birth_date=dt.date(year - 46, 1, 1), join_date=dt.date(2012, 9, 1)),
        "gone": MemberFactory(union=tree.school1, birth_date=dt.date(year - 47, 1, 1),
                              join_date=dt.date(2012, 9, 1)),
        "retired": MemberFactory(union=tree.school1, birth_date=dt.date(year - 63, 1, 1),
                                 join_date=dt.date(2012, 9, 1)),
        "elsewhere": MemberFactory(union=tree.school2, birth_date=dt.date(year - 30, 1, 1),
                                   join_date=dt.date(2012, 9, 1)),
    }  # fmt: skip
    services.member_change_status(actor=chair, member=made["gone"], change=ChangeType.WITHDRAW)
    services.member_retire(actor=chair, member=made["retired"])
    return {m.pk: key for key, m in made.items()}


@pytest.fixture
def county_chair(tree):
    """An explicit member-level role over the whole county (not the superior_admin persona)."""
    user = UserFactory(username="county_chair")
    RoleAssignmentFactory(user=user, org=tree.county, role=Role.CHAIR)
    return user


def found(user, varied, **filters) -> set[str]:
    rows = queries.filtered(user, MemberFilters(**filters), today=TODAY)
    return {varied[pk] for pk in rows.values_list("pk", flat=True)}


SCHOOL1 = {"young", "woman", "agency", "severe", "ordinary", "model", "gone", "retired"}


def test_no_filter_shows_every_visible_member(chair, varied):
    assert found(chair, varied) == SCHOOL1


def test_status_filter(chair, varied):
    assert found(chair, varied, status="withdrawn") == {"gone"}
    assert found(chair, varied, status="retired") == {"retired"}
    assert found(chair, varied, status="current") == SCHOOL1 - {"gone"}


def test_employment_filter(chair, varied):
    assert found(chair, varied, employment="agency") == {"agency"}
    assert found(chair, varied, employment="retired") == {"retired"}


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("hardship", {"severe", "ordinary"}),
        ("severe", {"severe"}),
        ("single_parent", {"ordinary"}),
        ("model_worker", {"model"}),
        ("female", {"woman"}),
        ("unknown-flag", SCHOOL1),
    ],
)
def test_flag_filter(chair, varied, flag, expected):
    assert found(chair, varied, flag=flag) == expected


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        ("35岁以下", {"young"}),
        ("35-44岁", {"woman"}),
        ("45-54岁", {"agency", "ordinary", "model", "gone"}),
        ("55岁及以上", {"severe", "retired"}),
    ],
)
def test_age_band_filter(chair, varied, band, expected):
    assert found(chair, varied, age_band=band) == expected


def test_join_year_filter(chair, varied):
    assert found(chair, varied, join_year=2024) == {"young"}
    assert found(chair, varied, join_year=2000) == set()


def test_union_filter(tree, county_chair, varied):
    assert found(county_chair, varied, union=tree.school2) == {"elsewhere"}
    assert found(county_chair, varied, union=tree.school1) == SCHOOL1


def test_group_filter(tree, chair, varied):
    assert found(chair, varied, group=tree.school1_group_a) == {"agency"}


def test_a_union_filter_cannot_widen_what_the_user_sees(tree, chair, varied):
    assert found(chair, varied, union=tree.school2) == set()


def test_filters_combine(chair, varied):
    assert found(chair, varied, status="current", flag="hardship", age_band="55岁及以上") == {"severe"}


def test_search_combines_with_filters(tree, chair):
    MemberFactory(union=tree.school1, name="张伟")
    MemberFactory(union=tree.school1, name="张敏", female=True)

    rows = queries.filtered(chair, MemberFilters(q="zh", flag="female"), today=TODAY)

    assert names(rows) == {"张敏"}


# --- paging -------------------------------------------------------------------------------------


def test_page_returns_rows_in_pinyin_order_and_whether_another_page_follows(tree, chair):
    for name in ["张伟", "安娜", "单丽"]:
        MemberFactory(union=tree.school1, name=name)
    queryset = queries.filtered(chair, MemberFilters(), today=TODAY)

    first, first_has_next = queries.page(queryset, 1, size=2)
    second, second_has_next = queries.page(queryset, 2, size=2)

    assert [m.name for m in first] == ["安娜", "单丽"]
    assert first_has_next is True
    assert [m.name for m in second] == ["张伟"]
    assert second_has_next is False


def test_a_full_last_page_says_no_next_page(tree, chair):
    for _ in range(2):
        MemberFactory(union=tree.school1)

    rows, has_next = queries.page(queries.filtered(chair, MemberFilters(), today=TODAY), 1, size=2)

    assert len(rows) == 2
    assert has_next is False


def test_paging_runs_one_query_and_never_counts(tree, chair):
    for _ in range(3):
        MemberFactory(union=tree.school1)
    queryset = queries.filtered(chair, MemberFilters(status="current", q="a"), today=TODAY)
    list(visible(Member.objects.none(), chair))  # load the user's scopes first

    with CaptureQueriesContext(connection) as captured:
        rows, _has_next = queries.page(queryset, 1, size=2)
        [m.org.name for m in rows]  # the org column needs no further query

    assert len(captured.captured_queries) == 1
    assert "COUNT(" not in captured.captured_queries[0]["sql"].upper()


# --- who sees member rows -----------------------------------------------------------------------


@pytest.fixture
def spread(tree):
    return {
        "school1": MemberFactory(union=tree.school1),
        "group_a": MemberFactory(union=tree.school1, group=tree.school1_group_a),
        "group_b": MemberFactory(union=tree.school1, group=tree.school1_group_b),
        "school2": MemberFactory(union=tree.school2),
    }


def seen(user, spread) -> set[str]:
    pks = set(visible(Member.objects.all(), user).values_list("pk", flat=True))
    return {key for key, m in spread.items() if m.pk in pks}


def test_a_superior_union_officer_sees_no_member_rows(county_officer, spread):
    assert seen(county_officer, spread) == set()


def test_a_superior_union_officer_still_gets_the_aggregates(tree, county_officer, spread):
    from gonghui.core.facts import Period
    from gonghui.members import facts

    got = {
        f.key: f.value for f in facts.year_facts(tree.county, Period.calendar_year(timezone.localdate().year))
    }

    assert got["members.active"] == 4


def test_a_chair_sees_the_members_of_their_union_and_its_groups(chair, spread):
    assert seen(chair, spread) == {"school1", "group_a", "group_b"}


def test_a_committee_member_sees_the_members_of_their_union(committee_member, spread):
    assert seen(committee_member, spread) == {"school1", "group_a", "group_b"}


def test_a_group_leader_sees_only_their_group(group_leader, spread):
    assert seen(group_leader, spread) == {"group_a"}


def test_another_unions_chair_sees_only_their_own_members(other_union_chair, spread):
    assert seen(other_union_chair, spread) == {"school2"}


def test_a_plain_member_sees_no_one_but_their_own_record(member, spread):
    assert seen(member, spread) == set()
    Member.objects.filter(pk=spread["group_b"].pk).update(user=member)

    assert seen(member, spread) == {"group_b"}


def test_a_county_role_with_member_rights_sees_every_union(county_chair, spread):
    assert seen(county_chair, spread) == set(spread)


def test_the_union_filter_lists_only_unions_the_user_may_see(tree, chair, county_officer, county_chair):
    assert list(queries.unions_for(chair)) == [tree.school1]
    assert list(queries.unions_for(county_officer)) == []
    assert set(queries.unions_for(county_chair)) == {tree.school1, tree.school2}
