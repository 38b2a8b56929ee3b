"""Background work on Django's task framework (the django-tasks backport).

Each job is a real `@task` beside the code it runs (imports: core.imports.jobs; the annual
summary: reports.services; the scheduled jobs: core.schedule). Callers hand it to `enqueue`,
which queues it when the current transaction commits, so the worker never sees a row the web
request has not written yet. In production the database backend stores the task and
`manage.py worker` runs it; tests use the ImmediateBackend (it runs at once, in-process).

Jobs record their own progress and outcome on their domain row (ImportJob, Summary), so a page
can be left and returned to. A job whose worker died (killed, out of memory, a restart) is left
RUNNING in the queue: `recover_interrupted` finds it by the worker's missing heartbeat, marks
the task failed and lets the job's module mark its row failed with `INTERRUPTED`, for a 重试.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tasks.base import Task

logger = logging.getLogger(__name__)

# Shown on a job's page when its worker stopped under it.
INTERRUPTED = gettext_lazy("任务因服务器重启而中断，请重试。")

_interrupt_handlers: dict[str, Callable[..., None]] = {}


class Interrupted(Exception):
    """The error recorded on a queue row whose worker stopped while running it (never raised)."""


def enqueue(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Queue `task(*args, **kwargs)` once the current transaction commits (at once outside one).
    Arguments must be JSON values (ids, not objects)."""
    transaction.on_commit(partial(task.enqueue, *args, **kwargs))


def on_interrupt(task: Task[Any, Any]) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register what to do with the job's own row when `task` was interrupted: the handler gets
    the task's arguments and marks the row failed (or picks it up again)."""

    def register(handler: Callable[..., None]) -> Callable[..., None]:
        _interrupt_handlers[task.module_path] = handler
        return handler

    return register


# --- workers and their heartbeats -----------------------------------------------------------------


def beat_seconds() -> int:
    return int(getattr(settings, "GONGHUI_WORKER_BEAT_SECONDS", 5))


def stale_seconds() -> int:
    """A worker not seen for this long is gone; its running tasks were interrupted."""
    return int(getattr(settings, "GONGHUI_WORKER_STALE_SECONDS", 60))


def beat(worker_id: str, *, now: dt.datetime | None = None) -> None:
    from .workers import WorkerBeat

    now = now or timezone.now()
    if not WorkerBeat.objects.filter(worker_id=worker_id).update(seen_at=now):
        WorkerBeat.objects.create(worker_id=worker_id, started_at=now, seen_at=now)


def forget(worker_id: str) -> None:
    from .workers import WorkerBeat

    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def live_workers(*, now: dt.datetime | None = None) -> set[str]:
    from .workers import WorkerBeat

    cutoff = (now or timezone.now()) - dt.timedelta(seconds=stale_seconds())
    WorkerBeat.objects.filter(seen_at__lt=cutoff).delete()
    return set(WorkerBeat.objects.values_list("worker_id", flat=True))


def recover_interrupted(*, now: dt.datetime | None = None, gone: frozenset[str] = frozenset()) -> int:
    """Fail every task left RUNNING by a worker that stopped beating (or is named in `gone`: a
    worker starting under the id of one that died), and mark its job's row failed through the
    handler its module registered. The number of tasks recovered."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    live = live_workers(now=now) - gone
    recovered = 0
    for row in DBTaskResult.objects.running():
        worker = row.worker_ids[-1] if row.worker_ids else ""
        if worker in live:
            continue
        with transaction.atomic():
            claimed = DBTaskResult.objects.filter(pk=row.pk, status=row.status).update(
                status="FAILED", finished_at=now, return_value=None,
                exception_class_path=f"{Interrupted.__module__}.{Interrupted.__qualname__}",
                traceback=f"Interrupted: worker {worker or '?'} stopped while running this task.",
            )  # fmt: skip
            if not claimed:
                continue  # another worker recovered it meanwhile
            interrupted(row)
        recovered += 1
        logger.warning("task %s (%s) was interrupted: its worker %s stopped", row.pk, row.task_path, worker)
    return recovered


def interrupted(row: Any) -> None:
    """Let the module of queue row `row`'s task mark its job's row as interrupted."""
    try:
        task_of_row = row.task  # imports the task's module, which registers its handler
    except Exception:  # the task's code is gone: nothing of it to mark
        logger.exception("interrupted task %s: cannot load %s", row.pk, row.task_path)
        return
    handler = _interrupt_handlers.get(task_of_row.module_path)
    if handler is not None:
        arguments = row.args_kwargs or {}
        handler(*arguments.get("args", []), **arguments.get("kwargs", {}))
