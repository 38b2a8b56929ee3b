"""Exports from the member list (issue 12 §4): with the reveal right, the 实名制 form carries the
whole ID and phone numbers (audited as a revealed export); 导出完整信息 always has the ID column
its confirmation names; the national export is a button on the list. Files opened with openpyxl."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.members import exporter
from tests.exporting import fetch_export

from .test_export import cells_of, ident, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(tree):
    return [register(tree.school1, 11, "张三"), register(tree.school1, 12, "李娜")]


def _link(page: str, element_id: str) -> str:
    match = re.search(rf'<a[^>]*id="{element_id}"[^>]*>', page, re.S)
    assert match is not None, element_id
    return match.group(0)


def test_the_list_offers_the_national_export_revealed_to_a_chair(tree, chair, client_for, roster):
    page = client_for(chair).get(reverse("members:list")).content.decode()

    national = _link(page, "export-national")
    assert "fmt=national&reveal=1" in national and "data-confirm=" in national
    assert "按实名制模板导出" in page


def test_the_list_offers_the_national_export_masked_without_the_reveal_right(
    tree, committee_member, client_for, roster
):
    page = client_for(committee_member).get(reverse("members:list")).content.decode()

    national = _link(page, "export-national")
    assert "fmt=national" in national and "reveal=1" not in national
    assert 'id="export-revealed"' not in page


def test_the_national_export_with_the_reveal_right_has_whole_numbers_and_is_audited(
    tree, chair, client_for, roster
):
    response = fetch_export(client_for(chair), reverse("members:export"), {"union": tree.school1.pk, "fmt": "national",
                                                                  "reveal": "1"})  # fmt: skip

    table = cells_of(response.content)
    header = table[0]
    rows = {row[header.index("姓名")]: row for row in table[1:]}
    assert rows["张三"][header.index("证件号码")] == ident(11)
    assert rows["张三"][header.index("移动电话")] == "13900000011"
    event = AuditEvent.objects.get(action="member.export")
    assert event.actor == chair and event.after["fmt"] == "national" and event.after["masked"] is False


def test_the_national_export_without_the_right_stays_masked(tree, committee_member, client_for, roster):
    client = client_for(committee_member)
    refused = fetch_export(client, reverse("members:export"), {"fmt": "national", "reveal": "1"})
    assert refused.status_code == 302 and not AuditEvent.objects.filter(action="member.export").exists()

    table = cells_of(fetch_export(client, reverse("members:export"), {"fmt": "national"}).content)
    header = table[0]
    zhang = next(row for row in table[1:] if row[header.index("姓名")] == "张三")
    assert zhang[header.index("证件号码")] == f"{ident(11)[:4]}**********{ident(11)[-4:]}"
    assert zhang[header.index("移动电话")] == "139****0011"


def test_the_full_information_export_has_the_id_column_whatever_the_list_shows(
    tree, chair, client_for, roster
):
    client = client_for(chair)
    client.post(reverse("members:columns"), {"columns": ["name", "sex"], "back": reverse("members:list")})

    table = cells_of(fetch_export(client, reverse("members:export"), {"reveal": "1"}).content)

    assert table[0] == ["姓名", "身份证号", "手机号", "性别"]
    assert ["张三", ident(11), "13900000011", "男"] in table[1:]
    masked = cells_of(fetch_export(client, reverse("members:export")).content)
    assert masked[0] == ["姓名", "性别"]  # the masked list export keeps the chosen columns


def test_identity_columns_are_added_after_the_name_once():
    assert exporter.with_identity(["name", "sex"]) == ["name", "id_masked", "mobile", "sex"]
    assert exporter.with_identity(["sex", "mobile"]) == ["id_masked", "sex", "mobile"]
    assert exporter.with_identity(["name", "id_masked", "mobile"]) == ["name", "id_masked", "mobile"]
