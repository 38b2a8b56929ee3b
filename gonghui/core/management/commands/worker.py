"""`gonghui worker`: the background worker. Runs the queued jobs (imports, summaries, exports)
of the database task backend, queues the scheduled jobs when due (core.schedule), and recovers
jobs a killed worker left behind (core.tasks.recover_interrupted).

Started beside the web server by the production command. SIGTERM/SIGINT: a running job is
finished first, then the worker exits (a second signal stops it at once; the job is then marked
interrupted, for a 重试). One or several workers may run."""

from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import OperationalError, close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from gonghui.core import schedule, tasks

logger = logging.getLogger("gonghui.worker")

# Housekeeping (scheduled jobs, recovery) runs at most this often between tasks (more often when
# workers are declared gone sooner: GONGHUI_WORKER_STALE_SECONDS).
HOUSEKEEPING_SECONDS = 15


class QueueWorker(Worker):
    """django-tasks-db's worker loop, with a heartbeat, recovery and the schedule."""

    def __init__(self, *, run_schedule: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.run_schedule = run_schedule
        self._stop_beating = threading.Event()
        self._housekept = float("-inf")

    def run(self) -> None:
        logger.info("worker %s started", self.worker_id)
        tasks.beat(self.worker_id)
        self.housekeeping(force=True)  # jobs a previous worker left RUNNING are recovered first
        beating = threading.Thread(target=self._beat, name="worker-heartbeat", daemon=True)
        beating.start()
        try:
            self._loop()
        finally:
            self._stop_beating.set()
            beating.join(timeout=5)
            try:
                tasks.forget(self.worker_id)
            except Exception:  # the database went away: the beat goes stale on its own
                logger.exception("worker %s: could not remove its heartbeat", self.worker_id)
            logger.info("worker %s stopped", self.worker_id)

    def _loop(self) -> None:
        while self.running:
            close_old_connections()
            self.housekeeping()
            task_result, retrieved = self._claim()
            if task_result is not None:
                self.run_task(task_result)
            elif self.batch and retrieved:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            close_old_connections()
            if self.running and task_result is None:
                time.sleep(self.interval)

    def _claim(self) -> tuple[DBTaskResult | None, bool]:
        queued = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            queued = queued.filter(queue_name__in=self.queue_names)
        try:
            with exclusive_transaction(queued.db):
                task_result = queued.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
        except OperationalError as error:
            if is_locked_database_exception(error):
                return None, False
            raise
        return task_result, True

    def housekeeping(self, *, force: bool = False) -> None:
        """Recover interrupted jobs and queue due scheduled jobs, every HOUSEKEEPING_SECONDS."""
        every = min(HOUSEKEEPING_SECONDS, tasks.stale_seconds())
        if not force and time.monotonic() - self._housekept < every:
            return
        self._housekept = time.monotonic()
        try:
            # Between tasks this worker runs none: a task RUNNING under its own id was left by a
            # previous process started with the same --worker-id.
            tasks.recover_interrupted(gone=frozenset({self.worker_id}))
            if self.run_schedule:
                schedule.run_due()
        except OperationalError as error:
            if not is_locked_database_exception(error):
                raise
            self._housekept = float("-inf")  # the database was busy: try again next round

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        db_task_result.refresh_from_db(fields=["status", "exception_class_path"])
        if db_task_result.status == "FAILED" and db_task_result.exception_class_path in (
            "builtins.SystemExit",
            "builtins.KeyboardInterrupt",
        ):
            # Stopped by a second signal in the middle of the job: its row is marked for 重试.
            tasks.interrupted(db_task_result)

    def _beat(self) -> None:
        try:
            while not self._stop_beating.wait(tasks.beat_seconds()):
                try:
                    tasks.beat(self.worker_id)
                except Exception:  # a locked SQLite file or a lost connection: beat next time
                    logger.warning("worker %s: heartbeat failed", self.worker_id, exc_info=True)
                    close_old_connections()
        finally:
            connection.close()


class Command(BaseCommand):
    help = "Run the background worker: queued jobs, scheduled jobs, recovery of interrupted jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="default", help="Queues, comma separated; * for all.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle.")
        parser.add_argument("--batch", action="store_true", help="Run every queued job, then exit.")
        parser.add_argument("--max-tasks", type=int, default=None, help="Exit after this many jobs.")
        parser.add_argument("--worker-id", default="", help="Unique id of this worker (default: random).")
        parser.add_argument("--no-schedule", action="store_false", dest="schedule",
                            help="Do not queue the scheduled jobs.")  # fmt: skip
        parser.add_argument("--backend", default="default", dest="backend_name")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verbosity"] > 0 and not logger.hasHandlers():
            logger.addHandler(logging.StreamHandler(self.stdout))
            logger.setLevel(logging.INFO)
        worker = QueueWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=False,
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] or get_random_string(32),
            excluded_queue_names=[],
            run_schedule=options["schedule"],
        )
        in_main = threading.current_thread() is threading.main_thread()
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)} if in_main else {}
        if in_main:
            worker.configure_signals()
        try:
            worker.run()
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)
