"""Background jobs on the task queue (core.tasks): a job whose worker stopped beating is found and
marked failed with the Chinese message and a 重试; 重试 runs the step again; jobs that cannot be
retried say so; a failed summary offers 重试 too. The queue rows are django_tasks_db's real rows."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gonghui.care.models import AssistanceApplication
from gonghui.core import tasks
from gonghui.core.imports.models import ImportJob
from gonghui.core.models import AuditEvent
from gonghui.core.workers import WorkerBeat
from gonghui.reports import services as reports
from gonghui.reports.models import JobState, PeriodKind, Summary
from tests.conftest import DATABASE_TASKS, IMMEDIATE_TASKS
from tests.core.import_fixtures import HEADERS, county_welfare_officer, payout_day, uploads_in_tmp  # noqa: F401
from tests.core.imports_support import run_apply, run_upload, xlsx
from tests.members.factories import MemberFactory

INTERRUPTED = "任务因服务器重启而中断，请重试。"


def payouts(amount: str = "300") -> bytes:
    return xlsx(HEADERS, [["第一中学工会", "王困难", "困难帮扶", amount, payout_day(), "病"]])


def queued_import(settings, capture, officer, tree) -> tuple[ImportJob, DBTaskResult]:
    """An import uploaded while the database backend is the queue: the job VALIDATING, its task READY."""
    MemberFactory(union=tree.school1, name="王困难")
    settings.TASKS = DATABASE_TASKS
    job = run_upload(capture, officer, "care-payouts", tree.county, payouts())
    assert job.state == ImportJob.State.VALIDATING
    return job, DBTaskResult.objects.get(task_path="gonghui.core.imports.jobs.validate_task")


def polls(page: str, url: str) -> bool:
    """The page asks for `url` again every second (htmx), as a running job's page does."""
    return f'hx-get="{url}" hx-trigger="every 1s"' in page


def claimed_by(row: DBTaskResult, worker: str, *, seen_seconds_ago: float) -> None:
    """A worker took the task and was last seen beating `seen_seconds_ago`."""
    row.claim(worker)
    tasks.beat(worker, now=timezone.now() - dt.timedelta(seconds=seen_seconds_ago))


def test_a_task_left_running_by_a_worker_that_stopped_beating_is_failed_for_a_retry(
    settings, tree, officer, django_capture_on_commit_callbacks
):
    job, row = queued_import(settings, django_capture_on_commit_callbacks, officer, tree)
    claimed_by(row, "killed-worker", seen_seconds_ago=tasks.stale_seconds() + 1)

    assert tasks.recover_interrupted() == 1

    row.refresh_from_db()
    job.refresh_from_db()
    assert row.status == "FAILED" and row.exception_class_path == "gonghui.core.tasks.Interrupted"
    assert job.state == ImportJob.State.FAILED and job.message == INTERRUPTED
    assert job.retry_step == ImportJob.Step.VALIDATE and job.retryable
    assert not WorkerBeat.objects.filter(worker_id="killed-worker").exists()
    assert tasks.recover_interrupted() == 0  # recovered once


def test_a_task_of_a_worker_still_beating_is_left_alone(
    settings, tree, officer, django_capture_on_commit_callbacks
):
    job, row = queued_import(settings, django_capture_on_commit_callbacks, officer, tree)
    claimed_by(row, "busy-worker", seen_seconds_ago=tasks.stale_seconds() - 5)

    assert tasks.recover_interrupted() == 0

    row.refresh_from_db()
    job.refresh_from_db()
    assert row.status == "RUNNING" and job.state == ImportJob.State.VALIDATING and not job.retryable


def test_retry_validates_the_interrupted_import_again_and_it_then_imports(
    settings, tree, officer, client_for, django_capture_on_commit_callbacks
):
    job, row = queued_import(settings, django_capture_on_commit_callbacks, officer, tree)
    claimed_by(row, "killed-worker", seen_seconds_ago=tasks.stale_seconds() + 1)
    client = client_for(officer)
    status = reverse("core:import_status", args=[job.key])
    assert polls(client.get(status).content.decode(), status)
    tasks.recover_interrupted()
    settings.TASKS = IMMEDIATE_TASKS
    page = client.get(status).content.decode()
    assert INTERRUPTED in page and 'id="retry-import"' in page and not polls(page, status)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:import_retry", args=[job.key]))

    assert response.status_code == 302 and response["Location"] == reverse(
        "core:import_status", args=[job.key]
    )
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW and job.retry_step == "" and job.error_rows == 0
    assert AuditEvent.objects.filter(action="import.retry", actor=officer, after__step="validate").exists()
    job = run_apply(django_capture_on_commit_callbacks, officer, job)
    assert job.state == ImportJob.State.DONE and AssistanceApplication.objects.count() == 1


def test_retry_of_an_interrupted_apply_writes_the_rows_once(
    settings, tree, officer, client_for, django_capture_on_commit_callbacks
):
    MemberFactory(union=tree.school1, name="王困难")
    job = run_upload(django_capture_on_commit_callbacks, officer, "care-payouts", tree.county, payouts())
    assert job.state == ImportJob.State.PREVIEW
    settings.TASKS = DATABASE_TASKS
    job = run_apply(django_capture_on_commit_callbacks, officer, job)
    row = DBTaskResult.objects.get(task_path="gonghui.core.imports.jobs.apply_task")
    claimed_by(row, "killed-worker", seen_seconds_ago=tasks.stale_seconds() + 1)
    tasks.recover_interrupted()
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.retry_step == ImportJob.Step.APPLY
    assert AssistanceApplication.objects.count() == 0
    settings.TASKS = IMMEDIATE_TASKS
    client = client_for(officer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import_retry", args=[job.key]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import_retry", args=[job.key]))  # a second click changes nothing

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and AssistanceApplication.objects.count() == 1
    assert AuditEvent.objects.filter(action="import.retry", after__step="apply").count() == 1


def test_a_refused_file_offers_no_retry_and_a_retry_post_is_refused(
    tree, officer, client_for, django_capture_on_commit_callbacks
):
    content = xlsx(["姓名"], [["王困难"]])  # not the template: refused, a retry would say the same
    job = run_upload(django_capture_on_commit_callbacks, officer, "care-payouts", tree.county, content)
    assert job.state == ImportJob.State.FAILED and not job.retryable
    client = client_for(officer)
    assert (
        'id="retry-import"' not in client.get(reverse("core:import_status", args=[job.key])).content.decode()
    )

    response = client.post(reverse("core:import_retry", args=[job.key]), follow=True)

    assert "该导入不能重试，请重新上传。" in response.content.decode()
    job.refresh_from_db()
    assert (
        job.state == ImportJob.State.FAILED and not AuditEvent.objects.filter(action="import.retry").exists()
    )


def test_someone_else_cannot_retry_an_import_job(
    settings, tree, officer, chair, client_for, django_capture_on_commit_callbacks
):
    job, row = queued_import(settings, django_capture_on_commit_callbacks, officer, tree)
    claimed_by(row, "killed-worker", seen_seconds_ago=tasks.stale_seconds() + 1)
    tasks.recover_interrupted()

    assert client_for(chair).post(reverse("core:import_retry", args=[job.key])).status_code == 404
    assert client_for(officer).get(reverse("core:import_retry", args=[job.key])).status_code == 405

    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.retryable


def test_an_interrupted_summary_is_failed_and_retry_drafts_it(
    settings, tree, chair, other_union_chair, client_for, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        summary = reports.summary_create(
            actor=chair,
            org=tree.school1,
            period_kind=PeriodKind.CALENDAR,
            year=timezone.localdate().year,
            subtree=True,
        )
    row = DBTaskResult.objects.get(task_path="gonghui.reports.services.summary_task")
    claimed_by(row, "killed-worker", seen_seconds_ago=tasks.stale_seconds() + 1)
    tasks.recover_interrupted()
    summary.refresh_from_db()
    assert summary.job_state == JobState.FAILED and summary.message == INTERRUPTED
    client = client_for(chair)
    detail = reverse("reports:summary_detail", args=[summary.pk])
    page = client.get(detail).content.decode()
    assert INTERRUPTED in page and 'id="retry-summary"' in page and not polls(page, detail)
    settings.TASKS = IMMEDIATE_TASKS
    assert (
        client_for(other_union_chair)
        .post(reverse("reports:summary_regenerate", args=[summary.pk]))
        .status_code
        == 404
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:summary_regenerate", args=[summary.pk]))

    summary.refresh_from_db()
    assert summary.job_state == JobState.DONE and Summary.objects.get().paragraphs.exists()
    assert AuditEvent.objects.filter(
        action="reports.summary_regenerate", actor=chair, detail="失败后重试"
    ).exists()


def test_a_second_click_on_regenerate_while_the_draft_is_queued_queues_nothing(
    settings, tree, chair, client_for, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        summary = reports.summary_create(
            actor=chair, org=tree.school1, period_kind=PeriodKind.CALENDAR,
            year=timezone.localdate().year, subtree=True,
        )  # fmt: skip
    client = client_for(chair)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:summary_regenerate", args=[summary.pk]))

    assert response.status_code == 302
    assert DBTaskResult.objects.filter(task_path="gonghui.reports.services.summary_task").count() == 1
    assert not AuditEvent.objects.filter(action="reports.summary_regenerate").exists()
    summary.refresh_from_db()
    assert summary.job_state == JobState.PENDING


def test_imports_left_running_by_the_old_thread_runner_are_failed_for_a_retry_by_the_migration(
    settings, tree, officer, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    MemberFactory(union=tree.school1, name="王困难")
    run_upload(  # left validating
        django_capture_on_commit_callbacks, officer, "care-payouts", tree.county, payouts()
    )
    applying = run_upload(django_capture_on_commit_callbacks, officer, "care-payouts", tree.county, payouts())
    ImportJob.objects.filter(pk=applying.pk).update(state=ImportJob.State.APPLYING)
    migration = importlib.import_module("gonghui.core.migrations.0003_worker_beat_import_retry")

    migration.fail_thread_jobs(django_apps, None)

    assert [(j.state, j.retry_step, j.message) for j in ImportJob.objects.order_by("pk")] == [
        (ImportJob.State.FAILED, ImportJob.Step.VALIDATE, INTERRUPTED),
        (ImportJob.State.FAILED, ImportJob.Step.APPLY, INTERRUPTED),
    ]
    assert str(tasks.INTERRUPTED) == INTERRUPTED  # the migration's copy of the message is the same
