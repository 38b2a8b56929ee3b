"""Generated documents on the queue (core.exports): the page checks access and queues; the worker
builds with the requester's rights of then; the requester alone downloads, audited; interrupted
or crashed builds fail in Chinese with 重试; files are pruned."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gonghui.core import schedule, tasks
from gonghui.core.exports import jobs
from gonghui.core.exports.models import ExportJob
from gonghui.core.models import AuditEvent, RoleAssignment
from tests.conftest import DATABASE_TASKS
from tests.exporting import fetch_export, job_of, start_export

pytestmark = pytest.mark.django_db

STATISTICS = reverse("reports:statistics_export")
INTERRUPTED = "任务因服务器重启而中断，请重试。"


def status_url(job: ExportJob) -> str:
    return reverse("core:export_status", args=[job.key])


def file_url(job: ExportJob) -> str:
    return reverse("core:export_file", args=[job.key])


def queued(client, url: str) -> ExportJob:
    """Click the export link; the worker has not run yet (its on-commit queueing is held back)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=False) as held:
        response = client.get(url)
    job = job_of(response)
    assert job is not None and job.state == ExportJob.State.QUEUED
    queued.held = held  # type: ignore[attr-defined]
    return job


def run_worker() -> None:
    for callback in queued.held:  # type: ignore[attr-defined]
        callback()


def test_the_export_link_answers_at_once_and_the_worker_builds_the_file(chair, client_for):
    client = client_for(chair)

    job = queued(client, STATISTICS)

    waiting = client.get(status_url(job)).content.decode()
    assert f'hx-get="{status_url(job)}" hx-trigger="every 1s"' in waiting  # the page polls
    assert "正在后台生成" in waiting and file_url(job) not in waiting
    assert not list((Path(settings.MEDIA_ROOT) / "exports").glob(f"{job.key}*"))

    run_worker()

    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.file_name.endswith(".xlsx") and job.file_size > 0
    page = client.get(status_url(job)).content.decode()
    assert f'hx-get="{status_url(job)}"' not in page  # done: it stops polling
    assert f'href="{file_url(job)}"' in page and f'data-auto-download="{job.key}"' in page


def test_the_file_is_the_requesters_download_and_each_download_is_audited(chair, client_for):
    response = fetch_export(client_for(chair), STATISTICS)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content[:4] == b"PK\x03\x04"
    event = AuditEvent.objects.get(action="export.download")
    assert event.actor_id == chair.pk and ".xlsx" in event.detail


def test_another_user_of_the_same_union_cannot_open_the_chairs_document(chair, committee_member, client_for):
    start_export(client_for(chair), STATISTICS)
    job = ExportJob.objects.get()

    colleague = client_for(committee_member)
    assert colleague.get(status_url(job)).status_code == 404
    assert colleague.get(file_url(job)).status_code == 404


def test_a_double_click_while_the_file_is_being_built_gives_the_same_job(chair, client_for):
    client = client_for(chair)

    first = queued(client, STATISTICS)
    second = queued(client, STATISTICS)

    assert first.pk == second.pk and ExportJob.objects.count() == 1


def test_the_worker_checks_access_again_a_role_revoked_after_the_click_gets_no_file(chair, client_for):
    job = queued(client_for(chair), STATISTICS)
    RoleAssignment.objects.filter(user=chair).delete()

    run_worker()

    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and not job.retryable and not job.file_path
    assert job.message == "内容不存在或您已无权获取该文件。"


def test_a_crashed_build_says_so_in_chinese_and_retry_builds_it(chair, client_for, monkeypatch):
    from gonghui.reports import statistics

    client = client_for(chair)
    real = statistics.workbook
    monkeypatch.setattr(statistics, "workbook", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk")))
    job = job_of(start_export(client, STATISTICS))
    assert job is not None
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and job.retryable
    page = client.get(status_url(job)).content.decode()
    assert "生成文件时出错，请重试" in page and 'id="retry-export"' in page

    monkeypatch.setattr(statistics, "workbook", real)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("core:export_retry", args=[job.key]))

    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert client.get(file_url(job)).status_code == 200


def test_a_build_interrupted_by_a_worker_restart_is_failed_with_a_retry(
    settings, chair, client_for, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    client = client_for(chair)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_of(client.get(STATISTICS))
    assert job is not None
    row = DBTaskResult.objects.get(task_path="gonghui.core.exports.jobs.export_task")
    row.claim("killed-worker")
    tasks.beat("killed-worker", now=timezone.now() - dt.timedelta(seconds=tasks.stale_seconds() + 1))

    assert tasks.recover_interrupted() == 1

    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and job.message == INTERRUPTED and job.can_retry
    assert 'id="retry-export"' in client.get(status_url(job)).content.decode()


def test_a_retry_of_a_refused_job_is_refused_in_chinese(chair, client_for):
    client = client_for(chair)
    job = queued(client, STATISTICS)
    RoleAssignment.objects.filter(user=chair).delete()
    run_worker()

    response = client.post(reverse("core:export_retry", args=[job.key]), follow=True)

    assert "该文件不能重试生成" in response.content.decode()


def test_files_are_deleted_after_the_keeping_time_and_the_page_says_export_again(chair, client_for):
    client = client_for(chair)
    fetch_export(client, STATISTICS)
    job = ExportJob.objects.get()
    stored = Path(settings.MEDIA_ROOT) / job.file_path
    assert stored.exists()

    assert jobs.prune_files(now=timezone.now() + dt.timedelta(hours=jobs.keep_hours() - 1)) == 0
    assert jobs.prune_files(now=timezone.now() + dt.timedelta(hours=jobs.keep_hours() + 1)) == 1

    assert not stored.exists()
    response = client.get(file_url(job), follow=True)
    assert "文件已按规定删除，请重新导出" in response.content.decode()
    assert file_url(job) not in client.get(status_url(job)).content.decode()


def test_pruning_runs_on_the_schedule():
    assert "gonghui.core.schedule.exports_prune" in {job.task.module_path for job in schedule.SCHEDULE}


def test_every_document_link_of_the_site_goes_through_the_queue():
    """No page builds a PDF, Word or Excel document in the web request any more."""
    from gonghui.core.exports import kinds

    assert {kind.key for kind in kinds.all_kinds()} >= {
        "reports.summary_docx", "reports.summary_pdf", "reports.workplan_docx", "reports.workplan_pdf",
        "reports.statistics", "members.export", "voting.result_docx", "voting.result_pdf",
        "congress.resolution", "congress.proposal_report",
    }  # fmt: skip
