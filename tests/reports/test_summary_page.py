"""The summary page while and after its job runs (issue 12 §4): the poll brings the finished
summary by itself, rates print one percent sign, and the slow PDF export is built by the worker."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document

from gonghui.reports.models import Summary
from tests.exporting import fetch_export, job_of

from .summary_data import known_year

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def this_year() -> int:
    return dt.date.today().year


HTMX = {"HX-Request": "true"}
CARE_TEXT = "全年共走访慰问职工3人次"


def _start(client, org, django_capture_on_commit_callbacks):
    """Ask for a summary; the background job is held back and returned to be run later."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("reports:summary_list"),
                               {"org": org.pk, "period_kind": "calendar", "year": this_year()})  # fmt: skip
    assert response.status_code == 302
    return Summary.objects.get(org=org), callbacks


def test_the_polled_page_brings_the_finished_summary_without_a_reload(
    tree, chair, client_for, django_capture_on_commit_callbacks
):
    known_year(tree.school1, chair)
    client = client_for(chair)
    summary, job = _start(client, tree.school1, django_capture_on_commit_callbacks)
    url = reverse("reports:summary_detail", args=[summary.pk])

    waiting = client.get(url, headers=HTMX).content.decode()
    assert 'hx-trigger="every 1s"' in waiting and 'hx-target="#summary-body"' in waiting
    assert waiting.lstrip().startswith('<div id="summary-body">')
    assert CARE_TEXT not in waiting
    assert "导出PDF" not in waiting and "生成下一年工作计划" not in waiting  # nothing to export yet

    for callback in job:
        callback()
    finished = client.get(url, headers=HTMX).content.decode()

    assert finished.lstrip().startswith('<div id="summary-body">') and "<html" not in finished
    assert 'data-state="done"' in finished and "every 1s" not in finished  # the polling stops
    assert CARE_TEXT in finished and "导出PDF" in finished  # the paragraphs and buttons arrive


def test_a_rate_prints_one_percent_sign_on_the_page_and_in_the_word_appendix(
    tree, chair, client_for, django_capture_on_commit_callbacks
):
    known_year(tree.school1, chair)  # 2 registered proposals, 1 answered: 答复率 50.0%
    client = client_for(chair)
    summary, job = _start(client, tree.school1, django_capture_on_commit_callbacks)
    for callback in job:
        callback()

    page = client.get(reverse("reports:summary_detail", args=[summary.pk])).content.decode()
    assert "50.0%" in page and "%%" not in page
    document = Document(
        io.BytesIO(fetch_export(client, reverse("reports:summary_docx", args=[summary.pk])).content)
    )
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    answer_rate = next(row for row in rows if row[0] == "答复率")
    assert answer_rate[1:3] == ["50.0", "%"]
    assert not any("%%" in cell for row in rows for cell in row)


def test_the_slow_pdf_export_answers_at_once_with_a_page_that_waits_for_the_worker(
    tree, chair, client_for, django_capture_on_commit_callbacks
):
    client = client_for(chair)
    summary, job = _start(client, tree.school1, django_capture_on_commit_callbacks)
    for callback in job:
        callback()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.get(reverse("reports:summary_pdf", args=[summary.pk]))

    export = job_of(response)
    assert export is not None and export.state == "queued" and len(queued) == 1
    waiting = client.get(response["Location"]).content.decode()
    assert f"{summary.title}.pdf" in waiting and "文件正在后台生成，完成后会自动下载" in waiting


@pytest.mark.django_db(transaction=True)
def test_each_progress_step_is_committed_so_the_polling_page_sees_it_move(tree, chair, monkeypatch):
    from django.db import connection

    from gonghui.reports import services
    from gonghui.reports import summary as drafting

    known_year(tree.school1, chair)
    summary = Summary.objects.create(org=tree.school1, period_kind="calendar", year=this_year(),
                                     start=dt.date(this_year(), 1, 1), end=dt.date(this_year(), 12, 31), subtree=False,
                                     title="进度", created_by=chair)  # fmt: skip
    seen: list[tuple[int, bool]] = []
    real_collect = drafting.collect_facts

    def watched(org, period, *, subtree, progress=None):
        def step(percent):
            progress(percent)
            seen.append((percent, connection.in_atomic_block))

        return real_collect(org, period, subtree=subtree, progress=step)

    monkeypatch.setattr(drafting, "collect_facts", watched)
    services.summary_generate(Summary.objects.select_related("org").get(pk=summary.pk))

    assert seen and not any(in_transaction for _percent, in_transaction in seen)
    summary.refresh_from_db()
    assert summary.job_state == "done" and summary.paragraphs.exists()


def test_the_summary_form_starts_on_the_union_the_user_works_in(tree, chair, client_for):
    page = client_for(chair).get(reverse("reports:summary_list")).content.decode()

    assert f'<option value="{tree.school1.pk}" selected>' in page
