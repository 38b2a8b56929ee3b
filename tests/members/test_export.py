"""Member export: masked by default, full only with reveal, the provincial form exactly, audited."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent, Org
from gonghui.members import exporter, idcard, rows, services
from gonghui.members.enums import ChangeType
from gonghui.members.models import Member
from gonghui.members.queries import LIST_COLUMNS, members_in

FULL_ID = re.compile(r"\d{17}[\dX]")
FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ALL_COLUMNS = [key for key, _label in LIST_COLUMNS]


def ident(sequence: int) -> str:
    return idcard.make("430121", dt.date(1985, 3, 7), sequence)


def register(union: Org, sequence: int, name: str, **cells: Any) -> Member:
    raw = {"name": name, "id_number": ident(sequence), "mobile": f"1390000{sequence:04d}", **cells}
    result = rows.clean_row(raw, groups={}, today=timezone.localdate())
    assert result.errors == []
    return services.member_create(actor=None, union=union, data=result.data, group=cells.get("group_org"))


@pytest.fixture
def roster(tree) -> list[Member]:
    return [
        register(tree.school1, 11, "张三", join_date="2010/09/01", political="中共党员", education="本科"),
        register(
            tree.school1, 12, "李娜", hardship_level="特困", single_parent="是", model_worker_level="全国劳模"
        ),
        register(tree.school1, 13, "王五", migrant="是", employment="农民工"),
    ]


def cells_of(content: bytes) -> list[list[Any]]:
    ws = load_workbook(io.BytesIO(content)).active
    assert ws is not None
    return [[cell.value for cell in row] for row in ws.iter_rows()]


def flat(table: list[list[Any]]) -> str:
    return " ".join(str(v) for row in table for v in row if v is not None)


def test_export_is_masked_by_default(tree, chair, roster):
    content = exporter.export_members(
        actor=chair, queryset=members_in(tree.school1).order_by("id"), columns=ALL_COLUMNS, reveal=False
    )
    table = cells_of(content)
    assert table[0] == [label for _key, label in LIST_COLUMNS]
    assert len(table) == 4
    text = flat(table)
    assert not FULL_ID.search(text) and not FULL_MOBILE.search(text)
    zhang = dict(zip(table[0], table[1], strict=True))
    assert zhang["身份证号"] == f"{ident(11)[:4]}**********{ident(11)[-4:]}"
    assert zhang["手机号"] == "139****0011"
    assert (zhang["性别"], zhang["政治面貌"], zhang["学历"], zhang["会籍状态"]) == (
        "男",
        "中共党员",
        "本科",
        "在会",
    )
    assert zhang["所属组织"] == "第一中学工会"
    assert zhang["年龄"] == roster[0].age_on(timezone.localdate())
    assert zhang["入会日期"] == dt.datetime(2010, 9, 1)
    li = dict(zip(table[0], table[2], strict=True))
    assert li["标记"] == "特困、单亲、劳模"


def test_export_with_reveal_has_the_full_numbers(tree, chair, roster):
    content = exporter.export_members(
        actor=chair, queryset=members_in(tree.school1).order_by("id"), columns=["name", "id_masked", "mobile"],
        reveal=True,
    )  # fmt: skip
    table = cells_of(content)
    assert table[1] == ["张三", ident(11), "13900000011"]
    event = AuditEvent.objects.get(action="member.export")
    assert event.actor == chair and event.after["masked"] is False and event.after["count"] == 3


def test_every_export_is_audited_without_personal_data(tree, chair, roster):
    exporter.export_members(actor=chair, queryset=members_in(tree.school1), columns=["name"], reveal=False)
    event = AuditEvent.objects.get(action="member.export")
    assert event.after == {"count": 3, "fmt": "list", "masked": True, "columns": ["name"]}
    assert "张三" not in f"{event.after}{event.detail}"


def test_national_format_has_exactly_the_provincial_columns(tree, chair, roster):
    member = roster[2]
    services.member_change_status(
        actor=None, member=member, change=ChangeType.WITHDRAW, reason="个人要求退会"
    )
    content = exporter.export_members(
        actor=chair,
        queryset=members_in(tree.school1).order_by("id"),
        columns=[],
        reveal=False,
        fmt="national",
    )
    table = cells_of(content)
    assert table[0] == [
        "序号", "姓名", "性别", "出生日期", "民族", "就业状况", "有效证件类别", "证件号码", "学历", "技术等级",
        "移动电话", "户籍类型", "户籍所在地", "会籍变化类型", "会籍变化日期", "会籍变化原因", "政治面貌", "工作单位",
        "籍贯", "是否农民工会员",
    ]  # fmt: skip
    zhang = dict(zip(table[0], table[1], strict=True))
    assert zhang["序号"] == 1
    assert (zhang["姓名"], zhang["性别"], zhang["出生日期"], zhang["民族"]) == (
        "张三",
        "男",
        "1985/03/07",
        "汉族",
    )
    assert (zhang["就业状况"], zhang["有效证件类别"], zhang["技术等级"]) == ("在岗", "居民身份证", "无")
    assert zhang["证件号码"] == f"{ident(11)[:4]}**********{ident(11)[-4:]}"
    assert (zhang["会籍变化类型"], zhang["会籍变化日期"], zhang["会籍变化原因"]) == (
        "入会",
        "2010/09/01",
        None,
    )
    assert (zhang["户籍类型"], zhang["户籍所在地"], zhang["籍贯"]) == (None, None, None)
    assert (zhang["政治面貌"], zhang["工作单位"], zhang["是否农民工会员"]) == ("中共党员", "第一中学", "否")
    wang = dict(zip(table[0], table[3], strict=True))
    assert (wang["会籍变化类型"], wang["会籍变化原因"], wang["是否农民工会员"]) == (
        "退会",
        "个人要求退会",
        "是",
    )
    assert not FULL_ID.search(flat(table)) and not FULL_MOBILE.search(flat(table))


def test_national_format_names_the_unit_by_its_short_name_when_it_has_one(tree, chair):
    tree.school1.short_name = "一中"
    tree.school1.save()
    register(tree.school1, 11, "张三", group_org=tree.school1_group_a)
    table = cells_of(
        exporter.export_members(
            actor=chair, queryset=members_in(tree.school1), columns=[], reveal=True, fmt="national"
        )
    )
    assert table[1][17] == "一中" and table[1][7] == ident(11)


def test_export_allowed_refuses_more_than_1000_rows_to_a_committee_member(tree, committee_member, chair):
    exporter.export_allowed(committee_member, tree.school1, 1000)
    with pytest.raises(DomainError, match="主席"):
        exporter.export_allowed(committee_member, tree.school1, 1001)
    with pytest.raises(DomainError, match="主席"):
        exporter.export_allowed(committee_member, None, 1001)
    exporter.export_allowed(chair, tree.school1, 50_000)
    exporter.export_allowed(chair, None, 50_000)


def test_export_allowed_refuses_full_numbers_without_the_reveal_permission(tree, committee_member, chair):
    with pytest.raises(DomainError, match="完整身份证号"):
        exporter.export_allowed(committee_member, tree.school1, 10, reveal=True)
    exporter.export_allowed(chair, tree.school1, 10, reveal=True)


def test_export_allowed_refuses_another_unions_members(tree, other_union_chair, county_officer):
    with pytest.raises(DomainError):
        exporter.export_allowed(other_union_chair, tree.school1, 5)
    # A superior union sees aggregates, not member lists.
    with pytest.raises(DomainError):
        exporter.export_allowed(county_officer, tree.school1, 5)


def test_export_reads_in_a_fixed_number_of_queries(tree, chair, roster, django_assert_max_num_queries):
    queryset = members_in(tree.school1)
    with django_assert_max_num_queries(4):  # members (+ org), national changes, audit insert
        exporter.export_members(actor=chair, queryset=queryset, columns=[], reveal=False, fmt="national")
