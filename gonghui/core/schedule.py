"""Scheduled jobs: housekeeping that must happen without anyone clicking, run as tasks by
`manage.py worker`.

Each job has an interval. The queue itself is the record of when a job last ran: the newest
task row of that job (its enqueue time) says whether it is due, so restarting the worker, or
running several, does not repeat a job within its interval.

Core's housekeeping jobs are listed here; an app adds its own in `AppConfig.ready()`, so core
imports no app:

    schedule.register(tasks.notices_finalise, dt.timedelta(hours=1))   # gonghui/notices/apps.py

A job is a django-tasks `@task()` defined at module level of the app (the worker imports it by
its path), taking no arguments and returning a count for the log."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db.utils import exclusive_transaction

logger = logging.getLogger(__name__)

_LOCK_KEY = 0x676F6E67  # "gong": the PostgreSQL advisory lock of the scheduler


@task()
def audit_prune() -> int:
    """Delete audit events past their retention period."""
    from gonghui.core.audit import prune_expired

    return prune_expired()


@task()
def imports_prune() -> int:
    """Delete uploaded import files after GONGHUI_IMPORT_KEEP_DAYS days: they hold ID numbers in
    clear text. The job rows (counts, errors without ID numbers) stay."""
    from gonghui.core.imports.jobs import prune_uploads

    return prune_uploads(days=int(getattr(settings, "GONGHUI_IMPORT_KEEP_DAYS", 7)))


@task()
def exports_prune() -> int:
    """Delete generated documents after GONGHUI_EXPORT_KEEP_HOURS hours: a member list holds
    personal data, and every document can be generated again from its page."""
    from gonghui.core.exports.jobs import prune_files

    return prune_files()


@task()
def holiday_data_check() -> int:
    """Log (for the operator) when the holiday data does not cover the year the 公示 periods need."""
    from gonghui.core.checks import holiday_calendar_check

    messages = holiday_calendar_check()
    for message in messages:
        logger.warning("%s %s", message.msg, message.hint)
    return len(messages)


@task()
def login_throttles_prune() -> int:
    """Delete login counters that hold nothing back any more (each made-up login name leaves one)."""
    from gonghui.core.auth import prune_login_throttles

    return prune_login_throttles()


@task()
def tasks_prune() -> int:
    """Delete finished task rows after a month (the newest of each scheduled job is younger)."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - dt.timedelta(days=30)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


@dataclass(frozen=True)
class Scheduled:
    task: Task[Any, Any]
    every: dt.timedelta

    @property
    def name(self) -> str:
        return self.task.name


SCHEDULE: list[Scheduled] = [
    Scheduled(audit_prune, dt.timedelta(days=1)),
    Scheduled(imports_prune, dt.timedelta(hours=1)),
    Scheduled(exports_prune, dt.timedelta(hours=1)),
    Scheduled(tasks_prune, dt.timedelta(days=1)),
    Scheduled(login_throttles_prune, dt.timedelta(days=1)),
    Scheduled(holiday_data_check, dt.timedelta(days=1)),
]


def register(job: Task[Any, Any], every: dt.timedelta) -> Scheduled:
    """Add an app's job to SCHEDULE (from its AppConfig.ready()); registering it again replaces it."""
    scheduled = Scheduled(job, every)
    SCHEDULE[:] = [s for s in SCHEDULE if s.task.module_path != job.module_path] + [scheduled]
    return scheduled


def last_run(job: Scheduled) -> dt.datetime | None:
    """When the job was last queued (the newest of its task rows)."""
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.filter(task_path=job.task.module_path)
        .order_by("-enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )


def run_due(*, now: dt.datetime | None = None, schedule: list[Scheduled] | None = None) -> list[str]:
    """Queue every scheduled job whose interval has passed since it last ran; their names."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    using = DBTaskResult.objects.db
    queued = []
    with exclusive_transaction(using):  # one scheduler at a time across workers (SQLite: EXCLUSIVE)
        if connections[using].vendor == "postgresql":
            with connections[using].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        for job in SCHEDULE if schedule is None else schedule:
            last = last_run(job)
            if last is not None and now - last < job.every:
                continue
            job.task.enqueue()
            queued.append(job.name)
    if queued:
        logger.info("scheduled jobs queued: %s", ", ".join(queued))
    return queued
