"""`manage.py worker` as the real process it is in production: killed with SIGKILL in the middle
of an import's validation, then started again. The new worker finds the task of the dead one (its
heartbeat went stale), fails it, marks the import failed with the Chinese message and a 重试;
the 重试 then runs the validation again in that worker, to the preview.

The worker runs on a copy of the test database in a file (SQLite: the in-memory test database
is copied with SQLite's backup API) or on the test database itself (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from gonghui.care.imports import period_start
from gonghui.core.enums import Portfolio, Role
from gonghui.core.imports import jobs, kinds
from gonghui.core.imports.models import ImportJob
from tests.conftest import DATABASE_TASKS
from tests.core.imports_support import xlsx
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
ROWS = 20_000  # the kind's row limit: validation takes seconds, long enough to be killed in
INTERRUPTED = "任务因服务器重启而中断，请重试。"


class Database:
    """What the worker subprocess sees: its DATABASE_URL, and SQL on it from this test."""

    def __init__(self, tmp_path: Path) -> None:
        if connection.vendor == "sqlite":
            self.path = tmp_path / "worker.sqlite3"
            target = sqlite3.connect(self.path)
            connection.ensure_connection()
            connection.connection.backup(target)
            target.close()
            self.url = f"sqlite:///{self.path}"
        else:
            url = urlsplit(os.environ["DATABASE_URL"])
            self.url = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))

    def one(self, sql: str, *params: Any) -> Any:
        if connection.vendor == "sqlite":
            with sqlite3.connect(self.path, timeout=10) as reader:
                return reader.execute(sql, params).fetchone()
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), params)
            return cursor.fetchone()


@pytest.fixture
def officer(tree):
    user = UserFactory(username="county_care")
    RoleAssignmentFactory(user=user, org=tree.county, role=Role.SUPERIOR_ADMIN, portfolio=Portfolio.WELFARE)
    return user


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "GONGHUI_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "gonghui.config.settings",
           "GONGHUI_WORKER_BEAT_SECONDS": "1", "GONGHUI_WORKER_STALE_SECONDS": "3"}  # fmt: skip
    env.pop("GONGHUI_TASKS_BACKEND", None)
    return env


@pytest.fixture
def workers(
    environment: dict[str, str], tmp_path: Path
) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    """`start(name)`: a `manage.py worker` process (its output in tmp_path/<name>.log)."""
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--no-schedule", "--interval", "0.2", "--worker-id", name],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(what: Callable[[], Any], *, timeout: float, step: float = 0.05, logs: Path | None = None) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(step)
    shown = "".join(
        f"\n--- {log.name}\n{log.read_text()[-3000:]}" for log in sorted((logs or Path()).glob("*.log"))
    )
    raise AssertionError(f"still waiting after {timeout} s{shown if logs else ''}")


def test_a_worker_killed_mid_import_leaves_a_failed_job_whose_retry_finishes_in_the_next_worker(
    settings, tmp_path, tree, officer, workers, environment
):
    settings.TASKS = DATABASE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"  # where the worker (GONGHUI_VAR_DIR=tmp_path) looks
    MemberFactory(union=tree.school1, name="王困难")
    day = (period_start(timezone.localdate()) - dt.timedelta(days=3)).strftime("%Y/%m/%d")
    content = xlsx(["工会", "姓名*", "类别*", "金额(元)*", "发放日期*", "事由*"],
                   [["第一中学工会", "王困难", "困难帮扶", "300", day, f"病{n}"] for n in range(ROWS)])  # fmt: skip
    kind = kinds.get("care-payouts")
    assert kind is not None
    job = jobs.import_start(
        actor=officer, kind=kind, org=tree.county, upload=SimpleUploadedFile("帮扶.xlsx", content)
    )
    database = Database(tmp_path)
    environment["DATABASE_URL"] = database.url

    def task_status() -> str:
        row = database.one("SELECT status FROM django_tasks_database_dbtaskresult")
        return row[0] if row else ""

    def job_row() -> tuple[str, str, str, int]:
        return database.one(
            "SELECT state, retry_step, message, processed_rows FROM core_importjob WHERE id = ?", job.pk
        )

    first = workers("first-worker")
    wait_for(lambda: task_status() == "RUNNING", timeout=60, logs=tmp_path)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert task_status() == "RUNNING" and job_row()[0] == ImportJob.State.VALIDATING  # as a crash leaves it

    workers("second-worker")
    state, retry_step, message, _rows = wait_for(
        lambda: (row := job_row())[0] == ImportJob.State.FAILED and row, timeout=60, logs=tmp_path
    )

    assert (retry_step, message) == (ImportJob.Step.VALIDATE, INTERRUPTED)
    assert task_status() == "FAILED"

    retry = (
        "from gonghui.core.imports import jobs; from gonghui.core.imports.models import ImportJob; "
        f"job = ImportJob.objects.get(pk={job.pk}); jobs.import_retry(actor=job.actor, job=job)"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", retry], cwd=ROOT, env=environment, check=True,
                   capture_output=True, timeout=60)  # fmt: skip
    state, retry_step, message, rows = wait_for(
        lambda: (row := job_row())[0] not in (ImportJob.State.VALIDATING, ImportJob.State.FAILED) and row,
        timeout=120,
        step=0.5,
        logs=tmp_path,
    )
    assert (state, retry_step, rows) == (ImportJob.State.PREVIEW, "", ROWS), message
