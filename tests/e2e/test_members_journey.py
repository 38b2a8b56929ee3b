"""The member registry's journey in Chromium (issue 3, "Playwright"): the chair of school 1 downloads
the import template, uploads it filled with good and bad rows, reads every error by row, column and
Chinese reason, downloads the error file, fixes the rows, imports (all rows or none: the shared
import pages of core.imports), finds a new member by pinyin
initials, reveals the ID number (and finds the reveal in the audit log), and exports the list with
masked ID numbers. A committee member sees the list but cannot reveal.

Background jobs run "inline": the live server runs them in the request, right after the commit.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from playwright.sync_api import Dialog, Download, Page, expect

from gonghui.core.imports.models import ImportJob
from gonghui.core.models import AuditEvent, User
from gonghui.members import idcard, importer, rows
from gonghui.members.models import Member
from gonghui.members.privacy import mask_id, mask_mobile
from tests.members.factories import MemberFactory

from ..conftest import Tree
from .conftest import login, open_menu

FULL_ID = re.compile(r"\d{17}[\dX]")
FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
MASKED_ID = re.compile(r"\d{4}\*{10}[\dX]{4}")
MASKED_MOBILE = re.compile(r"1\d{2}\*{4}\d{4}")
TEMPLATE_HEADERS = [f"{c.header}*" if c.required else c.header for c in rows.COLUMNS]
POSITION = {c.key: i for i, c in enumerate(rows.COLUMNS, start=1)}  # openpyxl columns start at 1


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def ident(sequence: int, *, birth: dt.date = dt.date(1985, 3, 7)) -> str:
    """A valid synthetic ID number (odd sequence: male, even: female)."""
    return idcard.make("430121", birth, sequence)


def bad_checksum(number: str) -> str:
    last = number[-1]
    wrong = "0" if last in "X9" else str(int(last) + 1)
    return number[:-1] + wrong


def downloaded(page: Page, link: Any, folder: Path) -> tuple[Download, Path]:
    """Click `link`, wait for the download, save it under its suggested name in `folder`."""
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    target = folder / download.suggested_filename
    download.save_as(target)
    return download, target


def sheet_rows(path: str | Path, sheet: str) -> list[list[Any]]:
    workbook = load_workbook(path)
    assert sheet in workbook.sheetnames, workbook.sheetnames
    values = [list(row) for row in workbook[sheet].iter_rows(values_only=True)]
    workbook.close()
    return values


def fill(template: Path, records: list[dict[str, Any]], target: Path) -> Path:
    """The downloaded template with `records` ({column key: value}) below its example row."""
    workbook = load_workbook(template)
    sheet = workbook[importer.SHEET_NAME]
    for offset, record in enumerate(records):
        for key, value in record.items():
            sheet.cell(row=3 + offset, column=POSITION[key], value=value)
    workbook.save(target)
    return target


def test_chair_imports_with_errors_fixes_them_finds_reveals_and_exports(
    page: Page, live_server: Any, tree: Tree, chair: User, tmp_path: Path
) -> None:
    # The union has two members already (one of them is in the file, to be updated, not doubled).
    old_li = MemberFactory(union=tree.school1, group=tree.school1_group_a, name="李明", id_number=ident(901))
    MemberFactory(union=tree.school1, name="陈静", female=True, id_number=ident(902), position="音乐教师")
    today = timezone.localdate()
    zhang_id = ident(11)
    ids = {
        "张三丰": zhang_id,
        "李秀英": ident(12),
        "李明": ident(901),
        "赵敏": ident(14),
        "周芷若": ident(16),
        "宋青书": ident(17),
    }

    login(page, live_server, "chair")
    open_menu(page, "members")
    expect(page).to_have_url(re.compile(r"/members/$"))
    expect(page.locator("main h1")).to_have_text("会员名册")
    expect(page.locator("#member-table tbody tr")).to_have_count(2)

    # The template: a real .xlsx with our headers (required ones starred) and the example row.
    page.get_by_role("link", name="批量导入").click()
    expect(page.locator("main h1")).to_have_text("批量导入会员")
    template, template_path = downloaded(page, page.locator("#template-link"), tmp_path)
    assert template.suggested_filename == "import-members-template.xlsx"
    assert template_path.read_bytes().startswith(b"PK\x03\x04")
    template_rows = sheet_rows(template_path, importer.SHEET_NAME)
    assert template_rows[0][: len(TEMPLATE_HEADERS)] == TEMPLATE_HEADERS
    assert template_rows[1][0] == "张三"
    assert importer.HELP_SHEET_NAME in load_workbook(template_path).sheetnames

    # Three good rows (one updates 李明) and three bad ones: checksum, unknown group, future date.
    records: list[dict[str, Any]] = [
        {"name": "张三丰", "id_number": zhang_id, "mobile": "13900000011", "sex": "男",
         "group": "语文组工会小组", "join_date": "2015/09/01", "position": "体育教师"},
        {"name": "李秀英", "id_number": ids["李秀英"], "mobile": "13900000012", "sex": "女",
         "group": "数学组工会小组", "join_date": "2012/03/01", "employment": "合同制"},
        {"name": "李明", "id_number": ids["李明"], "mobile": "13900000013", "position": "教研组长"},
        {"name": "赵敏", "id_number": bad_checksum(ids["赵敏"]), "mobile": "13900000014"},
        {"name": "周芷若", "id_number": ids["周芷若"], "mobile": "13900000015", "group": "物理组工会小组"},
        {"name": "宋青书", "id_number": ids["宋青书"], "mobile": "13900000016",
         "join_date": f"{today + dt.timedelta(days=30):%Y/%m/%d}"},
    ]  # fmt: skip
    first_file = fill(template_path, records, tmp_path / "会员名单.xlsx")

    expect(page.locator("#id_union option:checked")).to_have_text("第一中学工会")
    page.locator("#id_file").set_input_files(first_file)
    page.get_by_role("button", name="上传并校验").click()

    status = page.locator("#job-status > [data-state]")
    expect(status).to_have_attribute("data-state", "preview")
    expect(page.locator("#job-state")).to_have_text("待确认")
    expect(page.locator("main h1")).to_contain_text("会员名单.xlsx")
    expect(status).to_contain_text("共6行：可新增2人，更新1人")
    expect(status).to_contain_text("3行有错误，修正后才能导入（一行有错则全部不导入）")
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(3)
    letter = {h.rstrip("*"): get_column_letter(i) for i, h in enumerate(TEMPLATE_HEADERS, start=1)}
    expected_errors = [
        ("6", f"{letter['身份证号']} 身份证号", "身份证号校验位错误，请核对是否录入有误。"),
        ("7", f"{letter['工会小组']} 工会小组", "本工会没有名为“物理组工会小组”的工会小组。"),
        ("8", f"{letter['入会日期']} 入会日期", "入会日期不能晚于今天。"),
    ]
    for position, cells in enumerate(expected_errors):
        expect(errors.nth(position).locator("td")).to_have_text(list(cells))
    expect(page.locator("#confirm-import")).to_have_count(0)
    assert Member.objects.count() == 2  # nothing applied yet

    # The error file: every row as uploaded (fixed, it is uploaded again whole), the three bad
    # ones with their reason in 错误说明.
    error_file, error_path = downloaded(page, page.locator("#error-file"), tmp_path)
    assert error_file.suggested_filename == "import-members-errors.xlsx"
    error_rows = sheet_rows(error_path, importer.SHEET_NAME)
    header = error_rows[0]
    assert header[-1] == importer.ERROR_COLUMN == "错误说明"
    assert header[:-1] == TEMPLATE_HEADERS
    body = [r for r in error_rows[1:] if r[-1]]
    assert [r[0] for r in body] == ["赵敏", "周芷若", "宋青书"]
    assert [r[0] for r in error_rows[1:] if not r[-1]] == ["张三", "张三丰", "李秀英", "李明"]
    explanations = [r[-1] for r in body]
    # Each error names its row, the column's letter and header, and the reason.
    assert explanations[0].startswith(f"第6行 {letter['身份证号']}列 身份证号：身份证号校验位错误")
    assert explanations[1].startswith(
        f"第7行 {letter['工会小组']}列 工会小组：本工会没有名为“物理组工会小组”"
    )
    assert explanations[2].startswith(f"第8行 {letter['入会日期']}列 入会日期：入会日期不能晚于今天")
    # The chair may see full numbers, so the error file carries them: that is on record.
    assert AuditEvent.objects.filter(action="import.errors_revealed", actor=chair).count() == 1

    # Fix the three rows in the same file and upload it again: no errors left.
    records[3]["id_number"] = ids["赵敏"]
    records[4]["group"] = "数学组工会小组"
    records[5]["join_date"] = "2020/09/01"
    fixed_file = fill(template_path, records, tmp_path / "会员名单-修正.xlsx")
    page.get_by_role("link", name="修正后重新上传").click()
    expect(page.locator("main h1")).to_have_text("批量导入会员")
    expect(page.get_by_role("link", name="会员名单.xlsx")).to_be_visible()  # the earlier job is listed
    page.locator("#id_file").set_input_files(fixed_file)
    page.get_by_role("button", name="上传并校验").click()
    expect(page.locator("main h1")).to_contain_text("会员名单-修正.xlsx")
    expect(status).to_have_attribute("data-state", "preview")
    expect(status).to_contain_text("共6行：可新增5人，更新1人")
    expect(status).not_to_contain_text("有错误")
    expect(page.locator("#import-errors")).to_have_count(0)
    expect(page.locator("#error-file")).to_have_count(0)

    page.locator("#confirm-import").click()
    expect(status).to_have_attribute("data-state", "done")
    expect(page.locator("#job-state")).to_have_text("已完成")
    expect(status).to_contain_text("导入完成：新增5人，更新1人")
    job = ImportJob.objects.get(file_name="会员名单-修正.xlsx")
    assert (job.kind, job.state, job.created_count) == ("members", "done", 6)
    assert Member.objects.count() == 7
    old_li.refresh_from_db()
    assert old_li.position == "教研组长"

    # The list: the chair finds 张三丰 by the initials of his name.
    page.get_by_role("link", name="查看导入的记录").click()
    expect(page).to_have_url(re.compile(rf"/members/\?union={tree.school1.pk}$"))
    table_rows = page.locator("#member-table tbody tr")
    expect(table_rows).to_have_count(7)
    page.locator("#id_q").fill("zsf")
    expect(page).to_have_url(re.compile(r"[?&]q=zsf"))
    expect(table_rows).to_have_count(1)
    expect(table_rows).to_contain_text("张三丰")
    expect(table_rows).to_contain_text("语文组工会小组")

    # The detail page masks the ID and mobile; the reveal asks first, then shows them in place.
    dialogs: list[str] = []

    def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    table_rows.get_by_role("link", name="张三丰").click()
    expect(page.locator("main h1")).to_contain_text("张三丰")
    personal = page.locator("#personal-data")
    expect(personal.locator("[data-masked]")).to_have_text([mask_id(zhang_id), mask_mobile("13900000011")])
    expect(page.locator("main")).not_to_contain_text(zhang_id)
    expect(page.locator("main")).not_to_contain_text("13900000011")
    assert not AuditEvent.objects.filter(action="member.reveal").exists()
    page.get_by_role("button", name="查看完整信息").click()
    expect(personal.locator("[data-revealed]")).to_have_text([zhang_id, "13900000011"])
    expect(personal).to_contain_text("已记入审计日志")
    assert dialogs == ["查看完整信息将记入审计日志，确定查看？"]

    # The audit log shows the reveal, by the chair, of 张三丰, without the number itself.
    open_menu(page, "audit")
    expect(page).to_have_url(re.compile(r"/audit/$"))
    reveals = page.locator("#audit-table tbody tr").filter(has_text="查看会员完整信息")
    expect(reveals).to_have_count(1)
    expect(reveals).to_contain_text("张三丰")
    expect(reveals).to_contain_text(chair.name)
    expect(reveals).to_contain_text("第一中学工会")
    expect(page.locator("main")).not_to_contain_text(zhang_id)

    # Export with the ID column shown: every member, every ID number and mobile masked.
    open_menu(page, "members")
    expect(table_rows).to_have_count(7)
    page.locator("summary", has_text="选择显示的列").click()
    page.get_by_role("checkbox", name="身份证号").check()
    page.get_by_role("button", name="应用").click()
    expect(page.locator("#member-table thead")).to_contain_text("身份证号")
    expect(table_rows.filter(has_text="张三丰")).to_contain_text(mask_id(zhang_id))
    export, export_path = downloaded(page, page.get_by_role("link", name="导出Excel", exact=True), tmp_path)
    assert re.fullmatch(r"会员名单-\d{12}\.xlsx", export.suggested_filename)
    exported = sheet_rows(export_path, "会员名单")
    header = exported[0]
    assert "身份证号" in header and "手机号" in header
    by_name = {r[header.index("姓名")]: r for r in exported[1:]}
    assert set(by_name) == {"张三丰", "李秀英", "李明", "陈静", "赵敏", "周芷若", "宋青书"}
    assert by_name["张三丰"][header.index("身份证号")] == mask_id(zhang_id)
    assert by_name["张三丰"][header.index("手机号")] == mask_mobile("13900000011")
    for row in exported[1:]:
        assert MASKED_ID.fullmatch(row[header.index("身份证号")]), row
        assert MASKED_MOBILE.fullmatch(row[header.index("手机号")]), row
        for cell in row:
            text = str(cell or "")
            assert not FULL_ID.search(text) and not FULL_MOBILE.search(text), row
    export_event = AuditEvent.objects.get(action="member.export", actor=chair)
    assert export_event.after["count"] == 7
    assert export_event.after["masked"] is True


def test_committee_member_sees_members_masked_but_cannot_reveal(
    page: Page, live_server: Any, tree: Tree, committee_member: User
) -> None:
    number = ident(31)
    member = MemberFactory(union=tree.school1, group=tree.school1_group_b, name="单雄信", id_number=number)
    login(page, live_server, "committee_member")
    open_menu(page, "members")
    table_rows = page.locator("#member-table tbody tr")
    expect(table_rows).to_have_count(1)
    expect(table_rows).to_contain_text("单雄信")
    page.locator("#id_q").fill("sxx")  # 单 as a surname reads shan
    expect(table_rows).to_have_count(1)
    table_rows.get_by_role("link", name="单雄信").click()
    expect(page.locator("main h1")).to_contain_text("单雄信")
    expect(page.locator("#personal-data [data-masked]").first).to_have_text(mask_id(number))
    expect(page.get_by_role("button", name="查看完整信息")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(number)

    # Posting to the reveal URL directly is refused too, and leaves no reveal on record.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{live_server.url}/members/{member.pk}/reveal/",
        headers={"X-CSRFToken": token, "Referer": f"{live_server.url}/members/{member.pk}/"},
    )
    assert response.status in (403, 404)
    assert number not in response.text()
    assert not AuditEvent.objects.filter(action="member.reveal", outcome="success").exists()


def test_export_after_a_live_search_exports_the_filtered_list(
    page: Page, live_server: Any, tree: Tree, chair: User, tmp_path: Path
) -> None:
    MemberFactory(union=tree.school1, name="张三丰", id_number=ident(41))
    MemberFactory(union=tree.school1, name="李明", id_number=ident(43))
    login(page, live_server, "chair")
    open_menu(page, "members")
    table_rows = page.locator("#member-table tbody tr")
    expect(table_rows).to_have_count(2)
    page.locator("#id_q").fill("zsf")
    expect(page).to_have_url(re.compile(r"[?&]q=zsf"))
    expect(table_rows).to_have_count(1)
    _export, path = downloaded(page, page.get_by_role("link", name="导出Excel", exact=True), tmp_path)
    assert [r[0] for r in sheet_rows(path, "会员名单")[1:]] == ["张三丰"]
