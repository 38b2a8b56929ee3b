"""Scheduled jobs (core.schedule): `run_due` queues each job once within its interval (the queue
is the record of the last run), and each job, run, does its work: old audit events pruned, old
import files deleted, an ended 公示 made final, an overdue proposal's department reminded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gonghui.care.imports import period_start
from gonghui.congress.enums import ProposalState, SessionStatus
from gonghui.congress.models import Assignment
from gonghui.core import schedule
from gonghui.core.imports import jobs
from gonghui.core.imports.models import ImportJob
from gonghui.core.models import AuditEvent, LoginThrottle, Notification
from gonghui.notices.enums import NoticeState
from gonghui.notices.models import Notice
from tests.conftest import DATABASE_TASKS
from tests.congress.factories import ProposalFactory, SessionFactory, TermFactory
from tests.core.imports_support import run_upload, xlsx
from tests.members.factories import MemberFactory
from tests.notices.factories import NoticeFactory

# core's own jobs, and those the notices and congress apps register (core imports no app)
HOURLY = ["gonghui.core.schedule.imports_prune", "gonghui.core.schedule.exports_prune",
          "gonghui.notices.tasks.notices_finalise", "gonghui.congress.tasks.deadline_remind"]  # fmt: skip
DAILY = [
    "gonghui.core.schedule.audit_prune",
    "gonghui.core.schedule.tasks_prune",
    "gonghui.core.schedule.login_throttles_prune",
    "gonghui.core.schedule.holiday_data_check",
]


def queued() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


def test_each_due_job_is_queued_once_within_its_interval(db, settings):
    settings.TASKS = DATABASE_TASKS
    now = timezone.now()

    assert len(schedule.run_due(now=now)) == len(schedule.SCHEDULE) == 8
    assert schedule.run_due(now=now) == []
    assert schedule.run_due(now=now + dt.timedelta(minutes=59)) == []
    assert queued() == sorted(HOURLY + DAILY)


def test_an_hourly_job_is_due_again_after_an_hour_a_daily_one_after_a_day(db, settings):
    settings.TASKS = DATABASE_TASKS
    schedule.run_due()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(hours=1, minutes=1))

    again = schedule.run_due()

    assert sorted(again) == sorted(path.rsplit(".", 1)[1] for path in HOURLY)
    assert queued() == sorted(HOURLY * 2 + DAILY)


def test_the_scheduled_jobs_do_their_work(
    settings, tmp_path, tree, chair, department_handler, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    old_event = AuditEvent.objects.create(action="test.event", at=timezone.now() - dt.timedelta(days=400))
    recent_event = AuditEvent.objects.create(action="test.event")
    MemberFactory(union=tree.school1, name="王困难")
    day = (period_start(timezone.localdate()) - dt.timedelta(days=3)).strftime("%Y/%m/%d")
    content = xlsx(["工会", "姓名*", "类别*", "金额(元)*", "发放日期*", "事由*"],
                   [["第一中学工会", "王困难", "困难帮扶", "300", day, "病"]])  # fmt: skip
    old_import = run_upload(django_capture_on_commit_callbacks, chair, "care-payouts", tree.school1, content)
    new_import = run_upload(django_capture_on_commit_callbacks, chair, "care-payouts", tree.school1, content)
    ImportJob.objects.filter(pk=old_import.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    ended = NoticeFactory(org=tree.school1, starts_on=timezone.localdate() - dt.timedelta(days=20),
                          state=NoticeState.PUBLISHED)  # fmt: skip
    session = SessionFactory(term=TermFactory(org=tree.school1), status=SessionStatus.IN_SESSION)
    overdue = ProposalFactory(session=session, state=ProposalState.ASSIGNED, committee=chair,
                              departments=[department_handler])  # fmt: skip
    Assignment.objects.filter(proposal=overdue).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    LoginThrottle.objects.create(identifier="name:13900000000", failures=3,
                                 last_failure_at=timezone.now() - dt.timedelta(days=2))  # fmt: skip
    LoginThrottle.objects.create(identifier="name:13900000001", failures=3, last_failure_at=timezone.now())

    ran = schedule.run_due()  # the test settings' ImmediateBackend runs each job at once

    assert len(ran) == 8
    assert list(AuditEvent.objects.filter(action="test.event").values_list("pk", flat=True)) == [
        recent_event.pk
    ]
    assert not AuditEvent.objects.filter(pk=old_event.pk).exists()
    old_import.refresh_from_db()
    new_import.refresh_from_db()
    assert not jobs.upload_exists(old_import) and old_import.file_path == ""
    assert jobs.upload_exists(new_import)
    assert Notice.objects.get(pk=ended.pk).state == NoticeState.FINAL
    assert Notification.objects.filter(user=department_handler, title="督办：提案答复已超期").count() == 1
    assert list(LoginThrottle.objects.values_list("identifier", flat=True)) == ["name:13900000001"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_schedule_once_per_interval(settings, tree):
    from django.core.management import call_command

    settings.TASKS = DATABASE_TASKS
    call_command("worker", "--batch", verbosity=0)
    call_command("worker", "--batch", verbosity=0)

    assert queued() == sorted(HOURLY + DAILY)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
