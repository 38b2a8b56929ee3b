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

YEAR = dt.date.today().year


def test_the_pdf_export_shows_it_is_busy_until_the_file_arrives(
    page: Page, live_server: Any, tree: Tree, chair: Any, tmp_path: Path
) -> None:
    known_year(tree.school1, chair)
    summary = services.summary_create(
        actor=chair, org=tree.school1, period_kind="calendar", year=YEAR, subtree=False
    )
    login(page, live_server, "chair")
    page.goto(f"{live_server.url}/reports/summaries/{summary.pk}/")
    link = page.get_by_role("link", name="导出PDF")
    expect(link).to_be_visible()

    with page.expect_download() as info:
        # Click and read the link in the same task, before the server can answer.
        busy = page.evaluate(
            """() => {
                const link = [...document.querySelectorAll("a")].find(a => a.textContent.trim() === "导出PDF");
                link.click();
                const state = {text: link.textContent.trim(), busy: link.getAttribute("aria-busy")};
                link.click();  // a second click while busy starts nothing
                return state;
            }"""
        )
    assert busy == {"text": "正在生成…", "busy": "true"}
    download = info.value
    assert download.failure() is None and download.suggested_filename.endswith(".pdf")
    target = tmp_path / "summary.pdf"
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    expect(page.get_by_role("link", name="导出PDF")).not_to_have_attribute("aria-busy", "true")
