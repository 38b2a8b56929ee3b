"""The member list walked in Chromium at 1366 px and on a phone (issue 12 §4), as the chair and as a
committee member: names in pinyin order character by character (李 before 刘), each name on one
line on the phone, the 实名制 export (whole numbers only with the reveal right, opened with
openpyxl), and the bulk menu that starts on "选择操作…". Screenshots go to test-artifacts/e2e/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Dialog, Page, expect

from gonghui.core.models import AuditEvent, User
from gonghui.members import idcard
from gonghui.members.enums import MemberStatus
from gonghui.members.models import Member
from gonghui.members.privacy import mask_id
from tests.members.factories import MemberFactory

from ..conftest import Tree
from .conftest import ARTIFACTS, PHONE, _artifact_name, login, open_menu

WIDE = {"width": 1366, "height": 900}
NAMES = ["刘伟", "李晓明", "欧阳娜娜", "曾强", "单丽"]  # 李 li < 刘 liu < 欧阳 ou < 单 shan < 曾 zeng
IN_ORDER = ["李晓明", "刘伟", "欧阳娜娜", "单丽", "曾强"]


def ident(sequence: int) -> str:
    return idcard.make("430121", dt.date(1985, 3, 7), sequence)


@pytest.fixture
def roster(tree: Tree) -> dict[str, Member]:
    return {
        name: MemberFactory(
            union=tree.school1, name=name, id_number=ident(61 + 2 * i), mobile=f"1390000{i:04d}"
        )
        for i, name in enumerate(NAMES)
    }


def shoot(page: Page, request: pytest.FixtureRequest, what: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{_artifact_name(request.node.name)}-{what}.png"), full_page=True)


@pytest.mark.parametrize("page", [WIDE, PHONE], indirect=True, ids=["1366", "390"])
@pytest.mark.parametrize("persona", ["chair", "committee_member"])
def test_the_member_list_reads_in_pinyin_order_with_each_name_on_one_line(
    page: Page, live_server: Any, tree: Tree, chair: User, committee_member: User, roster: Any, persona: str,
    request: pytest.FixtureRequest,
) -> None:  # fmt: skip
    login(page, live_server, persona)
    open_menu(page, "members")
    names = page.locator("#member-table tbody tr td a")
    expect(names).to_have_count(len(NAMES))
    assert names.all_inner_texts() == IN_ORDER
    shoot(page, request, "list")
    for link in names.all():
        # One line box per name, no taller than one line of text.
        lines, height, font = link.evaluate(
            "a => [a.getClientRects().length, a.getBoundingClientRect().height,"
            " parseFloat(getComputedStyle(a).fontSize)]"
        )
        assert lines == 1, f"{link.inner_text()} wraps onto {lines} lines"
        assert height < 2 * font, f"{link.inner_text()}: name {height}px tall"
    menu = page.locator('select[name="change"]')
    if persona == "chair" or menu.count():
        expect(menu).to_have_value("")
        expect(menu.locator("option").first).to_have_text("选择操作…")


@pytest.mark.parametrize("page", [WIDE, PHONE], indirect=True, ids=["1366", "390"])
def test_the_chair_exports_the_national_form_with_whole_numbers_and_a_committee_member_masked(
    page: Page, live_server: Any, tree: Tree, chair: User, committee_member: User, roster: Any, tmp_path: Path,
    browser: Any, request: pytest.FixtureRequest,
) -> None:  # fmt: skip
    login(page, live_server, "chair")
    open_menu(page, "members")
    shoot(page, request, "buttons")
    asked: list[str] = []

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    with page.expect_download() as info:
        page.get_by_role("link", name="按实名制模板导出").click()
    path = tmp_path / "national.xlsx"
    info.value.save_as(path)
    assert asked and "完整身份证号" in asked[0]
    sheet = load_workbook(path).active
    assert sheet is not None
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = table[0]
    by_name = {row[header.index("姓名")]: row for row in table[1:]}
    assert set(by_name) == set(NAMES)
    assert by_name["李晓明"][header.index("证件号码")] == ident(63)
    event = AuditEvent.objects.filter(action="member.export").latest("pk")
    assert event.after["fmt"] == "national" and event.after["masked"] is False

    other = browser.new_context(viewport=page.viewport_size, locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        member_page = other.new_page()
        login(member_page, live_server, "committee_member")
        open_menu(member_page, "members")
        expect(member_page.get_by_role("link", name="导出完整信息")).to_have_count(0)
        with member_page.expect_download() as info:
            member_page.get_by_role("link", name="按实名制模板导出").click()
        masked_path = tmp_path / "masked.xlsx"
        info.value.save_as(masked_path)
        masked = load_workbook(masked_path).active
        assert masked is not None
        rows = [[cell.value for cell in row] for row in masked.iter_rows()]
        ids = {row[rows[0].index("姓名")]: row[rows[0].index("证件号码")] for row in rows[1:]}
        assert ids["李晓明"] == mask_id(ident(63))
    finally:
        other.close()


@pytest.mark.parametrize("page", [WIDE, PHONE], indirect=True, ids=["1366", "390"])
def test_a_bulk_status_change_needs_a_chosen_action(
    page: Page, live_server: Any, tree: Tree, chair: User, roster: Any, request: pytest.FixtureRequest
) -> None:
    login(page, live_server, "chair")
    open_menu(page, "members")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator(f'.member-check[value="{roster["刘伟"].pk}"]').check()
    page.get_by_role("button", name="变更状态").click()
    expect(page.locator("main")).to_contain_text("请先勾选会员并选择操作")
    assert set(Member.objects.values_list("status", flat=True)) == {MemberStatus.ACTIVE}

    page.locator(f'.member-check[value="{roster["刘伟"].pk}"]').check()
    page.locator('select[name="change"]').select_option(label="退会")
    page.get_by_role("button", name="变更状态").click()
    expect(page.locator("main")).to_contain_text("已为1名会员办理")
    shoot(page, request, "bulk-done")
    assert Member.objects.get(pk=roster["刘伟"].pk).status == MemberStatus.WITHDRAWN
