"""The reports journey in Chromium (issue 7, "Playwright").

A known year of records in 第一中学工会 (two 春节 visits and one 住院 visit, a congress with two
proposals, an award poll; built by factories and services, not the UI). The chair opens 统计看板,
clicks the 提案数 figure and lands on the proposals behind it; goes on to 工作总结, generates the
summary for the union and this year (waiting for the background job's progress to finish), edits
the care paragraph inline (HTMX) and saves it; exports DOCX (read with python-docx) and PDF (read
with pypdf), each with the edited words and the figures; and the PDF's first page is rendered to
PNG (pypdfium2) and kept in test-artifacts/e2e/ to be looked at.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from docx import Document
from playwright.sync_api import Page, expect

from gonghui.congress.models import Proposal
from tests.reports.summary_data import known_year
from tests.voting.pdf_reader import pdf_text

from ..conftest import Tree
from .conftest import ARTIFACTS, _artifact_name, export_download, login, open_menu


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def this_year() -> int:
    return dt.date.today().year


EDITED = "全年走访慰问职工3人次，把组织的关怀送到每一位困难职工和离退休老同志身边。"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def download(page: Page, link: str, target_dir: Path) -> Path:
    return export_download(page, link, target_dir)


def render_first_page(pdf_path: Path, png_path: Path) -> tuple[int, int, float]:
    """Render page 1 at 100 dpi; return its size and the share of dark pixels (text)."""
    document = pdfium.PdfDocument(str(pdf_path))
    try:
        image = document[0].render(scale=100 / 72).to_pil().convert("L")
    finally:
        document.close()
    png_path.parent.mkdir(parents=True, exist_ok=True)
    image.save(png_path)
    histogram = image.histogram()
    dark = sum(histogram[:128]) / (image.width * image.height)
    return image.width, image.height, dark


def test_chair_goes_from_the_dashboard_to_an_edited_summary_exported_as_docx_and_pdf(
    page: Page,
    live_server: Any,
    tree: Tree,
    chair: Any,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    record_property: Any,
) -> None:
    known_year(tree.school1, chair)
    proposals = list(Proposal.objects.filter(org=tree.school1).values_list("title", flat=True))
    assert len(proposals) == 2

    # 统计看板: 提案数 2 this year; clicking the figure opens the proposals behind it.
    login(page, live_server, "chair")
    open_menu(page, "reports")
    expect(page.locator("main h1")).to_contain_text("第一中学工会")
    figure = page.locator('#headlines .fact-value[data-key="congress.proposals"]')
    expect(figure).to_have_text("2")
    expect(page.locator('#headlines .fact-value[data-key="care.condolence.times"]')).to_have_text("3")
    figure.click()
    expect(page.locator("main h1")).to_have_text("提案")
    # the page says which union and period it shows, and how many records: the figure's
    banner = page.locator(".drilldown")
    expect(banner).to_contain_text("第一中学工会")
    expect(banner).to_have_attribute("data-record-count", "2")
    rows = page.locator("#proposal-table tbody tr")
    expect(rows).to_have_count(2)
    for title in proposals:
        expect(page.locator("#proposal-table")).to_contain_text(title)

    # 工作总结: generate for the union and the year; wait for the job's progress to finish.
    page.go_back()
    page.get_by_role("link", name="工作总结").click()
    expect(page.locator("main h1")).to_have_text("工作总结")
    page.get_by_label("工会", exact=True).select_option(label=tree.school1.name)
    page.get_by_label("统计口径", exact=True).select_option("calendar")
    page.get_by_label("年度", exact=True).fill(str(this_year()))
    page.get_by_role("button", name="生成工作总结").click()
    expect(page.locator("#job-status [data-state]")).to_have_attribute("data-state", "done", timeout=30_000)
    expect(page.locator("main h1")).to_contain_text(str(this_year()))
    care = page.locator(".summary-paragraph", has_text="全年共走访慰问职工3人次")
    expect(care).to_have_count(1)

    # Edit the care paragraph inline and save: the new words show, marked as edited.
    care.get_by_role("button", name="编辑").click()
    editor = page.locator(".summary-paragraph textarea[name=text]")
    expect(editor).to_be_visible()
    editor.fill(EDITED)
    page.locator(".summary-paragraph form").get_by_role("button", name="保存").click()
    edited = page.locator(".summary-paragraph", has_text=EDITED)
    expect(edited.locator(".summary-text")).to_have_attribute("data-edited", "1")
    expect(edited.get_by_role("button", name="恢复自动生成")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("全年共走访慰问职工3人次")
    page.reload()
    expect(page.locator(".summary-paragraph", has_text=EDITED)).to_have_count(1)

    # DOCX: the edited paragraph as written, and the figures (the appendix table of figures).
    docx_path = download(page, "导出Word", tmp_path)
    assert docx_path.suffix == ".docx"
    document = Document(str(docx_path))
    assert any(p.text == EDITED for p in document.paragraphs)
    docx_all = (
        "\n".join(p.text for p in document.paragraphs)
        + "\n"
        + "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    )
    assert "全年共走访慰问职工3人次" not in docx_all
    assert "共征集提案2件" in docx_all
    rows_docx = [[cell.text for cell in row.cells] for t in document.tables for row in t.rows]
    assert any("提案数" in row[0] and "2" in row[1:] for row in rows_docx), rows_docx

    # PDF: the same words and figures, read back with pypdf.
    pdf_path = download(page, "导出PDF", tmp_path)
    assert pdf_path.suffix == ".pdf"
    text = pdf_text(pdf_path.read_bytes()).replace("\n", "").replace(" ", "")
    assert EDITED in text
    assert "共征集提案2件" in text and "提案数" in text

    # The first page rendered to PNG, kept with the run's artefacts to be looked at.
    png_path = ARTIFACTS / f"{_artifact_name(request.node.name)}-summary-page1.png"
    width, height, dark = render_first_page(pdf_path, png_path)
    print(f"summary PDF page 1 rendered to {png_path}")
    record_property("summary_pdf_page1_png", str(png_path))
    assert png_path.stat().st_size > 10_000
    assert 700 < width < 900 and 1000 < height < 1300, (width, height)  # A4 at 100 dpi: 827 x 1169
    assert 0.002 < dark < 0.5, f"page 1 looks blank or black: {dark:.4f} dark, see {png_path}"
