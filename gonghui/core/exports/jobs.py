"""Export jobs: queued by a page after its access check, built by the worker with the
requester's rights checked again, stored under MEDIA_ROOT/exports/ for their requester alone,
pruned after GONGHUI_EXPORT_KEEP_HOURS (a member list holds personal data)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from pathlib import Path, PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from gonghui.core.audit import audit
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User
from gonghui.core.tasks import INTERRUPTED, enqueue, on_interrupt
from gonghui.core.writes import service

from . import kinds
from .kinds import ExportKind
from .models import ExportJob

logger = logging.getLogger(__name__)

KEEP_ROWS_DAYS = 30  # job rows (no file, no personal data) are kept this long, then deleted


def keep_hours() -> int:
    return int(getattr(settings, "GONGHUI_EXPORT_KEEP_HOURS", 24))


_QUEUED_ONLY = "queuing discloses nothing: the kind's build audits what it discloses, open_file each download"


@service(audited_elsewhere=_QUEUED_ONLY)
def export_start(
    *, actor: User, kind: ExportKind, org: Org, params: dict[str, Any], title: str = "", back_url: str = ""
) -> ExportJob:
    """Queue the document `kind` builds from `params`. The caller has checked that `actor` may
    have it (the worker checks again). Asking again for the same document while it is still
    being built gives that job, not a second one (a double click, an impatient reload)."""
    waiting = ExportJob.objects.filter(
        actor=actor,
        kind=kind.key,
        params=params,
        state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING],
    ).first()
    if waiting is not None:
        return waiting
    job = ExportJob.objects.create(kind=kind.key, org=org, actor=actor, params=params,
                                   title=str(title or kind.title)[:200], back_url=back_url[:300])  # fmt: skip
    enqueue(export_task, job.pk)
    return job


@service(audited_elsewhere=_QUEUED_ONLY)
def export_retry(*, actor: User, job: ExportJob) -> ExportJob:
    """重试 a job that was interrupted or crashed; anything else is left as it is."""
    job = ExportJob.objects.select_for_update().get(pk=job.pk)
    if job.running:
        return job
    if not job.can_retry:
        raise DomainError(_("该文件不能重试生成，请回到原页面重新导出。"))
    ExportJob.states.move(
        job, to=ExportJob.State.QUEUED, fields={"message": "", "retryable": False, "finished_at": None}
    )
    enqueue(export_task, job.pk)
    return job


# --- the worker's side ----------------------------------------------------------------------------


def export_run(job_id: int) -> None:
    """Build the job's document with its requester's rights of now and store it (DONE), or say
    in Chinese why not (FAILED)."""
    claimed = ExportJob.states.move_rows(
        ExportJob.objects.filter(pk=job_id), to=ExportJob.State.RUNNING, message=_("正在生成…")
    )
    if not claimed:  # gone, already built, or taken by another worker
        return
    job = ExportJob.objects.select_related("actor").get(pk=job_id)
    kind = kinds.get(job.kind)
    try:
        if kind is None:
            raise DomainError(_("未知的文件类别。"))
        document = kind.build(job.actor, job.params)
    except DomainError as error:
        _fail(job_id, str(error))
        return
    except (Http404, PermissionDenied):  # the object is gone, or the requester lost the right to it
        _fail(job_id, _("内容不存在或您已无权获取该文件。"))
        return
    except Exception:
        logger.exception("export %s (%s) failed", job_id, job.kind)
        _fail(job_id, _("生成文件时出错，请重试；如仍失败，请联系管理员。"), retryable=True)
        return
    relative = _store(job, document.content, PurePath(document.file_name).suffix)
    ExportJob.states.move_rows(
        ExportJob.objects.filter(pk=job_id), to=ExportJob.State.DONE, file_name=document.file_name[:200],
        file_path=relative, content_type=document.content_type, file_size=len(document.content), message="",
    )  # fmt: skip


@task()
def export_task(job_id: int) -> None:
    """The queue's task of an export (see `export_run`)."""
    export_run(job_id)


@on_interrupt(export_task)
def _interrupted(job_id: int) -> None:
    ExportJob.states.move_rows(
        ExportJob.objects.filter(pk=job_id),
        to=ExportJob.State.FAILED,
        message=str(INTERRUPTED),
        retryable=True,
    )


def _fail(job_id: int, message: str, *, retryable: bool = False) -> None:
    ExportJob.states.move_rows(
        ExportJob.objects.filter(pk=job_id),
        to=ExportJob.State.FAILED,
        message=message[:300],
        retryable=retryable,
    )


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


def _store(job: ExportJob, content: bytes, suffix: str) -> str:
    """Write the file whole or not at all (a temporary file renamed into place)."""
    root = _root()
    root.mkdir(parents=True, exist_ok=True)
    name = f"{job.key}{suffix.lower()[:10]}"
    handle, temporary = tempfile.mkstemp(dir=root, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, root / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return f"exports/{name}"


# --- download and pruning -------------------------------------------------------------------------


@service
def open_file(*, actor: User, job: ExportJob, ip: str | None = None) -> IO[bytes] | None:
    """The built file for its requester, audited as a download; None once it has been pruned."""
    if not job.ready:
        return None
    try:
        handle = (Path(settings.MEDIA_ROOT) / job.file_path).open("rb")
    except FileNotFoundError:
        return None
    audit(action="export.download", actor=actor, org=job.org_id, obj=job,
          after={"kind": job.kind, "file": job.file_name, "bytes": job.file_size},
          detail=_("下载%(what)s") % {"what": job.file_name}, ip=ip)  # fmt: skip
    return handle


@service(
    audited_elsewhere="housekeeping on schedule: deletes files past their keeping time, no one's records"
)
def prune_files(*, hours: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete built files older than `hours` (their rows say so) and rows older than a month;
    the number of files deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=keep_hours() if hours is None else hours)
    old = ExportJob.objects.filter(state=ExportJob.State.DONE, finished_at__lt=cutoff).exclude(file_path="")
    deleted = 0
    for job_id, relative in old.values_list("pk", "file_path"):
        (Path(settings.MEDIA_ROOT) / relative).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job_id).update(file_path="", message=_("文件已按规定删除，请重新导出。"))
        deleted += 1
    ExportJob.objects.filter(created_at__lt=now - dt.timedelta(days=KEEP_ROWS_DAYS)).exclude(
        state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING]
    ).delete()
    for stray in _root().glob(".part-*") if _root().exists() else []:  # a worker killed mid-write
        if dt.datetime.fromtimestamp(stray.stat().st_mtime, tz=dt.UTC) < cutoff:
            stray.unlink(missing_ok=True)
    return deleted
