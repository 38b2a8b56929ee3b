"""The import framework's journey in Chromium, on a desktop (1366 px) and a phone (390 px): the
county's care officer opens 批量导入 on the payout list, downloads the template, uploads it with
a mistake, reads the error by row, column and reason, downloads the error sheet (the rows given
back as uploaded), fixes the cell there, uploads the fixed sheet, checks the preview and applies
it: the payouts are recorded as approved and paid, all at once.

Background jobs run "inline": the live server runs them in the request, right after the commit.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from gonghui.care.enums import ApplicationState
from gonghui.care.imports import period_start
from gonghui.care.models import AssistanceApplication
from gonghui.core.enums import Portfolio, Role
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory

from ..conftest import Tree
from .conftest import PHONE, login

DESKTOP_1366 = {"width": 1366, "height": 900}
SHOTS = Path("/tmp/import-journey")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def no_overflow(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def download(page: Page, locator: Any, folder: Path) -> Path:
    with page.expect_download() as info:
        locator.click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


@pytest.mark.parametrize("page", [DESKTOP_1366, PHONE], indirect=True, ids=["desktop", "phone"])
def test_officer_uploads_a_mistake_fixes_it_in_the_error_sheet_previews_and_applies(
    page: Page, live_server: Any, tree: Tree, tmp_path: Path
) -> None:
    officer = UserFactory(username="county_care_e2e")
    RoleAssignmentFactory(
        user=officer, org=tree.county, role=Role.SUPERIOR_ADMIN, portfolio=Portfolio.WELFARE
    )
    MemberFactory(union=tree.school1, name="王困难")
    MemberFactory(union=tree.school2, name="赵二小")
    paid_on = (period_start(timezone.localdate()) - dt.timedelta(days=5)).strftime("%Y/%m/%d")
    width = page.viewport_size["width"] if page.viewport_size else 0
    SHOTS.mkdir(exist_ok=True)

    login(page, live_server, officer.username)
    page.goto(f"{live_server.url}/care/applications/")
    page.locator('[data-import="care-payouts"]').click()
    expect(page.locator("h1")).to_contain_text("批量导入帮扶助学发放")
    no_overflow(page)
    page.screenshot(path=str(SHOTS / f"start-{width}.png"), full_page=True)

    template = download(page, page.locator("#template-link"), tmp_path)
    wb = load_workbook(template)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    column = {str(h).rstrip("*"): i for i, h in enumerate(headers, start=1)}
    rows = [
        {"工会": "第一中学工会", "姓名": "王困难", "类别": "困难帮扶", "金额(元)": "1000元", "发放日期": paid_on, "事由": "住院"},
        {"工会": "第二小学工会", "姓名": "赵二小", "类别": "困难帮扶", "金额(元)": "500", "发放日期": paid_on, "事由": "因灾"},
    ]  # fmt: skip
    for offset, record in enumerate(rows):
        for header, value in record.items():
            ws.cell(row=2 + offset, column=column[header], value=value)
    first_upload = tmp_path / "帮扶发放.xlsx"
    wb.save(first_upload)

    page.locator("input[name=file]").set_input_files(str(first_upload))
    page.locator("#upload").click()
    expect(page.locator("#job-state")).to_have_text("待确认")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("金额(元)")
    expect(errors).to_contain_text("应为金额数字")
    expect(page.locator("#confirm-import")).to_have_count(0)  # one wrong row: nothing can be applied
    no_overflow(page)
    page.screenshot(path=str(SHOTS / f"errors-{width}.png"), full_page=True)

    sheet_path = download(page, page.locator("#error-file"), tmp_path)
    wb = load_workbook(sheet_path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers[-1] == "错误说明"
    amount_col = headers.index("金额(元)*") + 1
    assert ws.cell(row=2, column=amount_col).value == "1000元"  # given back as uploaded
    assert str(ws.cell(row=2, column=len(headers)).value).startswith("第2行 ")
    assert ws.cell(row=3, column=len(headers)).value is None  # the good row comes back unmarked
    ws.cell(row=2, column=amount_col, value="1000.00")
    fixed = tmp_path / "帮扶发放-已修正.xlsx"
    wb.save(fixed)

    page.locator("#upload-again").click()
    page.locator("input[name=file]").set_input_files(str(fixed))
    page.locator("#upload").click()
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("王困难")
    expect(preview).to_contain_text("1000.00")
    expect(preview).to_contain_text("第二小学工会")
    assert not AssistanceApplication.objects.exists()  # nothing before the confirmation
    no_overflow(page)
    page.screenshot(path=str(SHOTS / f"preview-{width}.png"), full_page=True)

    page.locator("#confirm-import").click()
    expect(page.locator("#job-state")).to_have_text("已完成")
    expect(page.locator("#job-message")).to_contain_text("共导入2行")
    assert set(AssistanceApplication.objects.values_list("state", flat=True)) == {ApplicationState.PAID}
    assert AssistanceApplication.objects.count() == 2
    page.locator("#to-list").click()
    expect(page.locator("main")).to_contain_text("王困难")


def test_the_template_link_follows_the_union_chosen_in_the_form(
    page: Page, live_server: Any, tree: Tree
) -> None:
    officer = UserFactory(username="county_care_e2e2")
    RoleAssignmentFactory(
        user=officer, org=tree.county, role=Role.SUPERIOR_ADMIN, portfolio=Portfolio.WELFARE
    )
    RoleAssignmentFactory(user=officer, org=tree.school2, role=Role.COMMITTEE, portfolio=Portfolio.WELFARE)
    login(page, live_server, officer.username)
    page.goto(f"{live_server.url}/imports/new/?kind=care-visits")
    link = page.locator("#template-link")
    assert f"union={tree.county.pk}" in (link.get_attribute("href") or "")
    page.locator("select[name=union]").select_option(str(tree.school2.pk))
    assert f"union={tree.school2.pk}" in (link.get_attribute("href") or "")
