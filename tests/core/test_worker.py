"""`manage.py worker` in-process (call_command) on the database task backend: it runs queued jobs
end to end, recovers what a killed worker left running before it takes new work, and leaves no
heartbeat behind when it stops."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gonghui.care.imports import period_start
from gonghui.care.models import AssistanceApplication
from gonghui.core import tasks
from gonghui.core.enums import Portfolio, Role
from gonghui.core.imports import jobs, kinds
from gonghui.core.imports.models import ImportJob
from gonghui.core.workers import WorkerBeat
from tests.conftest import DATABASE_TASKS
from tests.core.imports_support import xlsx
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = ["工会", "姓名*", "类别*", "金额(元)*", "发放日期*", "事由*"]


@pytest.fixture(autouse=True)
def _database_queue(settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def officer(tree):
    user = UserFactory(username="county_care")
    RoleAssignmentFactory(user=user, org=tree.county, role=Role.SUPERIOR_ADMIN, portfolio=Portfolio.WELFARE)
    return user


def upload(officer, tree, rows: int = 1) -> ImportJob:
    MemberFactory(union=tree.school1, name="王困难")
    day = (period_start(timezone.localdate()) - dt.timedelta(days=3)).strftime("%Y/%m/%d")
    content = xlsx(
        HEADERS, [["第一中学工会", "王困难", "困难帮扶", "300", day, f"病{n}"] for n in range(rows)]
    )
    kind = kinds.get("care-payouts")
    assert kind is not None
    return jobs.import_start(
        actor=officer, kind=kind, org=tree.county, upload=SimpleUploadedFile("帮扶.xlsx", content)
    )


def work() -> None:
    call_command("worker", "--batch", "--no-schedule", "--worker-id", "test-worker", verbosity=0)


def test_the_worker_validates_and_applies_a_queued_import(tree, officer):
    job = upload(officer, tree, rows=3)
    assert DBTaskResult.objects.get().status == "READY"

    work()

    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW and job.total_rows == 3 and job.error_rows == 0
    ran = DBTaskResult.objects.get()
    assert ran.status == "SUCCESSFUL" and ran.worker_ids == ["test-worker"]
    assert not WorkerBeat.objects.exists()  # a worker that stops takes its heartbeat with it

    jobs.import_apply(actor=officer, job=job)
    job.refresh_from_db()
    assert job.state == ImportJob.State.APPLYING and AssistanceApplication.objects.count() == 0
    work()

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and AssistanceApplication.objects.count() == 3


def test_a_starting_worker_recovers_the_job_a_killed_worker_left_running(tree, officer):
    job = upload(officer, tree)
    DBTaskResult.objects.get().claim("killed-worker")
    tasks.beat("killed-worker", now=timezone.now() - dt.timedelta(seconds=tasks.stale_seconds() + 1))

    work()

    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.retry_step == ImportJob.Step.VALIDATE
    assert DBTaskResult.objects.get().status == "FAILED"

    jobs.import_retry(actor=officer, job=job)
    work()

    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW and job.error_rows == 0


def test_a_worker_restarted_under_the_same_id_recovers_the_task_its_previous_process_left(tree, officer):
    job = upload(officer, tree)
    DBTaskResult.objects.get().claim("test-worker")
    tasks.beat("test-worker")  # the dead process's beat is still fresh

    work()  # the same id

    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.retry_step == ImportJob.Step.VALIDATE
