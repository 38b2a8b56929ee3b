"""The summary page in Chromium (issue 12 §4): the PDF export says "正在生成…" and cannot be
clicked twice while the file is made, then saves the PDF and shows its label again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from gonghui.reports import services
from tests.reports.summary_data import known_year

from ..conftest import Tree
from .conftest import login


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def this_year() -> int:
    return dt.date.today().year


def test_the_pdf_export_goes_to_a_page_that_downloads_the_file_once_the_worker_built_it(
    page: Page, live_server: Any, tree: Tree, chair: Any, tmp_path: Path
) -> None:
    known_year(tree.school1, chair)
    summary = services.summary_create(
        actor=chair, org=tree.school1, period_kind="calendar", year=this_year(), subtree=False
    )
    login(page, live_server, "chair")
    page.goto(f"{live_server.url}/reports/summaries/{summary.pk}/")
    link = page.get_by_role("link", name="导出PDF")
    expect(link).to_be_visible()

    with page.expect_download(timeout=60_000) as info:  # a PDF takes seconds on a loaded machine
        link.click()
    download = info.value
    assert download.failure() is None and download.suggested_filename == f"{summary.title}.pdf"
    target = tmp_path / "summary.pdf"
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    # The page the link led to: the file is ready, with a button for a second copy and a way back.
    expect(page.locator("#export-state")).to_have_text("已完成")
    expect(page.locator("#export-download")).to_contain_text(f"{summary.title}.pdf")
    page.locator("#export-back").click()
    expect(page.locator("main h1")).to_have_text(summary.title)
    # Back on the status page through the browser's history, it does not download a second time.
    downloads: list[Any] = []
    page.on("download", lambda download: downloads.append(download))
    page.go_back()
    expect(page.locator("#export-state")).to_have_text("已完成")
    page.wait_for_timeout(500)
    assert downloads == []
