"""The import pipeline every kind shares: upload (type, size) → background validation with
progress → preview (counts, first rows, every error naming its cell) → apply: re-validated, then
written in ONE transaction (all rows or none) and audited with who, which file and how many rows.

The uploaded file holds personal data in clear text: it lives under MEDIA_ROOT/imports/ only
until `prune_uploads` removes it; the job row keeps counts and errors, never an ID number."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from gonghui.core.audit import audit
from gonghui.core.enums import Outcome
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User
from gonghui.core.tasks import INTERRUPTED, enqueue, on_interrupt
from gonghui.core.uploads import max_upload_bytes  # the one upload limit of the site
from gonghui.core.writes import service

from . import kinds
from .kinds import UNION_KEY, Context, ImportKind, Row
from .models import ImportJob
from .sheet import Sheet, header_key, open_sheet, text_of
from .workbook import build_template, error_sheet

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 200
PREVIEW_ROWS = 20
MAX_ERRORS = 1000  # errors kept on a job (the rest are counted in its message)
_LONG_DIGITS = re.compile(r"\d{7,}[\dXx]?")


def kind_of(job: ImportJob) -> ImportKind:
    kind = kinds.get(job.kind)
    if kind is None:
        raise DomainError(_("未知的导入类别。"))
    return kind


# --- template -------------------------------------------------------------------------------------


def template_for(
    *, kind: ImportKind, org: Org, actor: User | None, options: dict[str, Any] | None = None
) -> bytes:
    """The kind's template for `org`: its columns, the union's pick lists (the unions `actor` may
    import into, for the 工会 column) and an example row."""
    options = options or {}
    lists = kind.lists(org, options)
    if kind.union_column:
        lists[UNION_KEY] = [u.name for u in importable_unions(kind=kind, actor=actor, org=org)][:1000]
    example = {UNION_KEY: org.name, **kind.example(org, options)}
    notes = [
        _("1. 请在第一个工作表中填写，第一行为标题行，请勿修改；列的顺序可以调整，标有 * 的列为必填。"),
        _("2. 第二行为示例，请覆盖或删除后再上传。"),
        _("3. 上传后系统逐行校验并列出错误（第几行、哪一列、原因），全部无误并确认后才一次性写入；"
          "有一行错误则一行也不写入。可下载错误说明表，按提示修正后重新上传。"),
        _("4. 单个文件不超过%(mb)sMB、%(rows)s行。") % {"mb": max_upload_bytes() // (1024 * 1024), "rows": kind.max_rows},
        *(str(note) for note in kind.notes),
    ]  # fmt: skip
    return build_template(sheet_name=kind.sheet_name, columns=kind.template_columns(org), lists=lists, example=example,
                          notes=notes)  # fmt: skip


# --- unions ---------------------------------------------------------------------------------------


def importable_unions(*, kind: ImportKind, actor: User | None, org: Org) -> list[Org]:
    """The unions of `org`'s subtree rows may go to (those the actor may import into)."""
    unions = Org.objects.filter(path__under=org.path).order_by("path")
    return [u for u in unions if kind.accepts_union(u) and (actor is None or kind.may_import(actor, u))]


@dataclass
class _Unions:
    default: Org | None
    by_name: dict[str, list[Org]]
    by_code: dict[str, Org]

    def resolve(self, row: Row) -> Org | None:
        value = text_of(row.raw(UNION_KEY))
        if not value:
            if self.default is None:
                row.error(UNION_KEY, _("请填写工会名称或组织代码。"))
            return self.default
        if value in self.by_code:
            return self.by_code[value]
        found = self.by_name.get(value, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            row.error(
                UNION_KEY, _("有%(n)s个工会叫“%(name)s”，请改填组织代码。") % {"n": len(found), "name": value}
            )
        else:
            # The same words whether the union exists elsewhere or not: nothing about it leaks.
            row.error(
                UNION_KEY, _("您管理范围内没有名称或组织代码为“%(name)s”的工会。") % {"name": value[:40]}
            )
        return None


def _unions(kind: ImportKind, actor: User | None, org: Org) -> tuple[_Unions, list[Org]]:
    allowed = importable_unions(kind=kind, actor=actor, org=org)
    by_name: dict[str, list[Org]] = {}
    for union in allowed:
        for name in {union.name, union.short_name} - {""}:
            by_name.setdefault(name, []).append(union)
    default = org if org in allowed else None
    return _Unions(default=default, by_name=by_name, by_code={u.code: u for u in allowed if u.code}), allowed


# --- upload ---------------------------------------------------------------------------------------


def _path(job: ImportJob) -> Path:
    path = Path(job.file_path)
    return path if path.is_absolute() else Path(settings.MEDIA_ROOT) / path


def read_upload(upload: Any, *, limit: int | None = None) -> tuple[str, int, bytes, Iterator[bytes]]:
    """Check an uploaded file (an .xlsx by name and content, not over `limit`): its name, size,
    first chunk and the remaining chunks. Raises DomainError with the reason in Chinese."""
    file_name = Path(str(getattr(upload, "name", "") or "")).name
    if not file_name.lower().endswith(".xlsx"):
        raise DomainError(
            _("只支持 .xlsx 格式的 Excel 文件；.xls、.csv 文件请先在 Excel 中“另存为” .xlsx 格式。")
        )
    size = int(getattr(upload, "size", 0) or 0)
    limit = limit if limit is not None else max_upload_bytes()
    if size > limit:
        raise DomainError(_("文件超过%(mb)sMB，请拆分后分批导入。") % {"mb": limit // (1024 * 1024)})
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter([upload.read()])
    first = next(chunks, b"")
    if not first.startswith(b"PK\x03\x04"):
        raise DomainError(_("文件不是有效的 .xlsx 文件，请用 Excel 打开后“另存为” .xlsx 格式再上传。"))
    return file_name, size, first, chunks


def store_upload(key: Any, first: bytes, chunks: Iterator[bytes]) -> str:
    """Write the upload under MEDIA_ROOT/imports/; the path relative to MEDIA_ROOT."""
    relative = Path("imports") / f"{key}.xlsx"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        out.write(first)
        for chunk in chunks:
            out.write(chunk)
    return str(relative)


@service(
    audited_elsewhere="an upload changes no one's records; applying it audits who, which file, how many rows"
)
def import_start(
    *, actor: User, kind: ImportKind, org: Org, upload: Any, options: dict[str, Any] | None = None
) -> ImportJob:
    """Save the uploaded .xlsx, create the job and validate it in the background."""
    if not kind.may_import(actor, org):
        raise DomainError(_("您没有在该工会导入%(what)s的权限。") % {"what": kind.title})
    if not kind.union_column and not kind.accepts_union(org):
        raise DomainError(_("请选择基层工会导入。"))
    clean = kind.clean_options(actor=actor, org=org, options=options or {})
    file_name, size, first, chunks = read_upload(upload)
    job = ImportJob.objects.create(kind=kind.key, org=org, actor=actor, options=clean, file_name=file_name[:200],
                                   file_path="", file_size=size)  # fmt: skip
    job.file_path = store_upload(job.key, first, chunks)
    job.save(update_fields=["file_path"])
    enqueue(validate_task, job.pk)
    return job


# --- checking -------------------------------------------------------------------------------------


@dataclass
class Scan:
    total_rows: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_rows: set[int] = field(default_factory=set)
    items: list[Any] = field(default_factory=list)
    fatal: str = ""  # a file-level problem: nothing was checked
    ctx: Context | None = None  # what the kind loaded while checking; `write` reuses it
    dropped_errors: int = 0  # errors past MAX_ERRORS: counted, not kept

    def reject(self, number: int, errors: list[dict[str, Any]]) -> None:
        """Record errors found after the row was checked (`ImportKind.finish`)."""
        self.keep(errors)
        self.error_rows.add(number)

    def keep(self, errors: list[dict[str, Any]]) -> None:
        """Keep the first MAX_ERRORS errors (a file wrong in every cell stays a small job row)."""
        room = max(0, MAX_ERRORS - len(self.errors))
        for error in errors[:room]:
            error["message"] = _LONG_DIGITS.sub("…", str(error["message"]))[:300]
        self.errors.extend(errors[:room])
        self.dropped_errors += max(0, len(errors) - room)


def _header_map(kind: ImportKind, headers: list[str]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    positions: dict[str, int] = {}
    spelled: dict[str, str] = {}
    for position, header in enumerate(headers):
        key = kind.match_header(header_key(header))
        if key is not None and key not in positions:
            positions[key] = position
            spelled[key] = header_key(header)
    missing = [c.header for c in kind.all_columns() if c.required and c.key not in positions]
    return positions, spelled, missing


def _open(job: ImportJob, kind: ImportKind) -> Sheet:
    required = {c.key for c in kind.all_columns() if c.required}
    return open_sheet(
        _path(job),
        is_header=lambda cells: required <= {kind.match_header(header_key(c)) for c in cells},
        cell_chars=kind.max_cell_chars,
    )


def scan(job: ImportJob, *, actor: User | None, report: Any = None) -> Scan:
    """Read and check every row of the job's file. No writes."""
    kind = kind_of(job)
    result = Scan()
    sheet = _open(job, kind)
    positions, spelled, missing = _header_map(kind, sheet.headers)
    if missing:
        sheet.close()
        result.fatal = _("缺少必填列：%(columns)s。请使用导入模板，第一行为列名。") % {
            "columns": "、".join(missing)
        }
        return result
    if report is not None:
        report(0, sheet.estimate)
    ctx = Context(job=job, actor=actor, org=job.org, today=timezone.localdate())
    unions, allowed = _unions(kind, actor, job.org) if kind.union_column else (None, [job.org])
    kind.prepare(ctx, allowed)
    result.ctx = ctx
    items = list(positions.items())
    example = _example_texts(kind, job.org, job.options or {})
    for number, cells in sheet.rows:
        width = len(cells)
        values = {key: cells[pos] if pos < width else None for key, pos in items}
        if all(v is None or v == "" for v in values.values()):
            continue
        if number == sheet.header_row + 1 and all(text_of(values[k]) == example.get(k, "") for k in values):
            continue  # the template's example row, left in place
        result.total_rows += 1
        if result.total_rows > kind.max_rows:
            sheet.close()
            result.fatal = _("文件超过%(n)s行，请拆分后分批导入。") % {"n": kind.max_rows}
            return result
        row = Row(number=number, cells=values, positions=positions, headers=spelled)
        row.union = unions.resolve(row) if unions is not None else job.org
        item = kind.check_row(ctx, row) if row.union is not None else None
        if row.errors:
            result.keep(row.errors)
            result.error_rows.add(number)
        elif item is not None:
            result.items.append(item)
        if report is not None and result.total_rows % PROGRESS_EVERY == 0:
            report(result.total_rows, None)
    kind.finish(ctx, result)
    result.errors.sort(key=lambda error: error["row"])  # stable: a row's errors keep their order
    if not result.total_rows:
        result.fatal = _("文件中没有数据行。")
    return result


def _example_texts(kind: ImportKind, org: Org, options: dict[str, Any]) -> dict[str, str]:
    """The template's example row as text, by column key."""
    texts = {c.key: text_of(c.example) for c in kind.all_columns()}
    texts.update({UNION_KEY: org.name})
    texts.update({k: text_of(v) for k, v in kind.example(org, options).items()})
    return texts


def _progress(job_id: int, done: int, total: int | None = None) -> None:
    values: dict[str, Any] = {"processed_rows": done}
    if total is not None:
        values["total_rows"] = max(total, done)
    ImportJob.objects.filter(pk=job_id).update(**values)


def _summary(kind: ImportKind, result: Scan) -> str:
    own = kind.summary(result.ctx, result) if result.ctx is not None else ""
    text = own or _("共%(total)s行，可导入%(ok)s行") % {"total": result.total_rows, "ok": len(result.items)}
    if result.error_rows:
        text += _("；%(n)s行有错误，修正后才能导入（一行有错则全部不导入）") % {"n": len(result.error_rows)}
    if result.dropped_errors:
        text += _("；错误过多，只列出前%(n)s条") % {"n": MAX_ERRORS}
    return text + _("。")


def import_validate(job_id: int) -> None:
    """Background step 1: check every row into a preview (state PREVIEW or FAILED)."""
    job = ImportJob.objects.select_related("org", "actor").filter(pk=job_id).first()
    if job is None or job.state != ImportJob.State.VALIDATING:
        return
    try:
        kind = kind_of(job)
        result = scan(job, actor=job.actor, report=lambda done, total: _progress(job_id, done, total))
    except DomainError as error:  # the reader refused the file (too large, a cell too long, …)
        _fail(job_id, str(error))
        return
    except Exception:
        logger.exception("import %s: validation failed", job_id)
        _fail(job_id, _("无法读取该文件，请确认是用 Excel 保存的 .xlsx 文件后重新上传。"))
        return
    if result.fatal:
        _fail(job_id, result.fatal)
        return
    ImportJob.states.move_rows(
        ImportJob.objects.filter(pk=job_id), to=ImportJob.State.PREVIEW, from_=[ImportJob.State.VALIDATING],
        total_rows=result.total_rows, processed_rows=result.total_rows,
        error_rows=len(result.error_rows), errors=result.errors, created_count=0, retry_step="",
        preview=[kind.preview_of(item) for item in result.items[:PREVIEW_ROWS]], message=_summary(kind, result)[:300],
    )  # fmt: skip


@task()
def validate_task(job_id: int) -> None:
    """The queue's task of step 1 (see `import_validate`)."""
    import_validate(job_id)


def _fail(job_id: int, message: str, *, retry_step: str = "") -> None:
    """Mark the job failed; `retry_step` ("validate", "apply") is what a 重试 runs again, when
    running it again may succeed (an interrupted or crashed step, not a refused file)."""
    ImportJob.states.move_rows(
        ImportJob.objects.filter(pk=job_id),
        to=ImportJob.State.FAILED,
        message=message[:300],
        retry_step=retry_step,
    )


@on_interrupt(validate_task)
def _validate_interrupted(job_id: int) -> None:
    if ImportJob.objects.filter(pk=job_id, state=ImportJob.State.VALIDATING).exists():
        _fail(job_id, str(INTERRUPTED), retry_step=ImportJob.Step.VALIDATE)


# --- apply ----------------------------------------------------------------------------------------


@service(audited_elsewhere="the background apply step audits the write (who, file, rows) or its rollback")
def import_apply(*, actor: User, job: ImportJob) -> ImportJob:
    """Confirm a previewed import without errors: applied in the background, all rows or none.
    Applying a job that is already applying or done does nothing (a double click, a retry)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.state in (ImportJob.State.APPLYING, ImportJob.State.DONE):
        return job
    if job.state != ImportJob.State.PREVIEW:
        raise DomainError(_("该导入当前为“%(state)s”，不能执行导入。") % {"state": job.get_state_display()})
    if job.error_rows:
        raise DomainError(_("文件中有%(n)s行错误：请下载错误说明表，修正后重新上传。一行有错则全部不导入。")
                          % {"n": job.error_rows})  # fmt: skip
    if not kind_of(job).may_import(actor, job.org):
        raise DomainError(_("您没有在该工会导入%(what)s的权限。") % {"what": kind_of(job).title})
    ImportJob.states.move(
        job, to=ImportJob.State.APPLYING, fields={"processed_rows": 0, "message": _("正在复核并导入…")}
    )
    enqueue(apply_task, job.pk, actor_id=actor.pk)
    return job


def _apply(job_id: int, *, actor_id: int | None = None) -> None:
    """Background step 2: check again (the database may have changed), then write in one
    transaction and audit who imported which file and how many rows."""
    job = ImportJob.objects.select_related("org", "actor").filter(pk=job_id).first()
    if job is None or job.state != ImportJob.State.APPLYING:
        return
    actor = User.objects.filter(pk=actor_id).first() if actor_id else job.actor
    kind = kind_of(job)
    try:
        result = scan(job, actor=actor, report=lambda done, total: _progress(job_id, done // 2, total))
        if result.fatal or result.error_rows:
            ImportJob.states.move_rows(
                ImportJob.objects.filter(pk=job_id), from_=[ImportJob.State.APPLYING],
                to=ImportJob.State.PREVIEW if not result.fatal else ImportJob.State.FAILED,
                total_rows=result.total_rows, processed_rows=result.total_rows, error_rows=len(result.error_rows),
                errors=result.errors,
                message=(_("导入前复核发现新的错误（数据已有变化），未导入任何数据。") + (result.fatal or _summary(kind, result)))[:300],
            )  # fmt: skip
            return
        ImportJob.objects.filter(pk=job_id).update(
            message=_("正在写入数据库…"), processed_rows=result.total_rows // 2
        )
        ctx = result.ctx or Context(job=job, actor=actor, org=job.org, today=timezone.localdate())
        with transaction.atomic():
            count = kind.write(ctx, result.items)
            audit(
                action=kind.audit_action, actor=actor, org=job.org, obj=job,
                after={"kind": kind.key, "file": job.file_name, "rows": count, "total_rows": result.total_rows,
                       **kind.audit_after(ctx, result.items)},
            )  # fmt: skip
            ImportJob.states.move_rows(
                ImportJob.objects.filter(pk=job_id), to=ImportJob.State.DONE, from_=[ImportJob.State.APPLYING],
                created_count=count, processed_rows=result.total_rows,
                total_rows=result.total_rows, error_rows=0, errors=[],
                message=kind.done_message(ctx, count)[:300],
            )  # fmt: skip
    except Exception as error:
        logger.exception("import %s: apply failed, rolled back", job_id)
        reason = str(error) if isinstance(error, DomainError) else ""
        _fail(job_id, _("导入失败，已全部撤销，没有写入任何数据。") + reason, retry_step=ImportJob.Step.APPLY)
        audit(action=kind.audit_action, actor=actor, org=job.org, obj=job, outcome=Outcome.FAILURE,
              detail="rolled back")  # fmt: skip


@task()
def apply_task(job_id: int, *, actor_id: int | None = None) -> None:
    """The queue's task of step 2 (see `_apply`)."""
    _apply(job_id, actor_id=actor_id)


@on_interrupt(apply_task)
def _apply_interrupted(job_id: int, *, actor_id: int | None = None) -> None:
    # The write is one transaction: a worker killed inside it wrote nothing.
    if ImportJob.objects.filter(pk=job_id, state=ImportJob.State.APPLYING).exists():
        _fail(job_id, str(INTERRUPTED), retry_step=ImportJob.Step.APPLY)


@service
def import_retry(*, actor: User, job: ImportJob) -> ImportJob:
    """重试 a job whose background step was interrupted or crashed: run that step again (a
    checked file is checked again before it is written, so retrying an apply is safe)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not job.retryable:
        raise DomainError(_("该导入不能重试，请重新上传。"))
    if not upload_exists(job):
        raise DomainError(_("上传的文件已按规定删除，请重新上传。"))
    if not kind_of(job).may_import(actor, job.org):
        raise DomainError(_("您没有在该工会导入%(what)s的权限。") % {"what": kind_of(job).title})
    step = job.retry_step
    again = {"processed_rows": 0, "retry_step": "", "finished_at": None}
    if step == ImportJob.Step.APPLY:
        ImportJob.states.move(
            job, to=ImportJob.State.APPLYING, fields={"message": _("正在复核并导入…"), **again}
        )
        enqueue(apply_task, job.pk, actor_id=actor.pk)
    else:
        ImportJob.states.move(job, to=ImportJob.State.VALIDATING, fields={"message": "", **again})
        enqueue(validate_task, job.pk)
    audit(action="import.retry", actor=actor, org=job.org, obj=job, after={"step": step})
    return job


# --- error sheet and housekeeping -----------------------------------------------------------------


@service
def error_file(*, job: ImportJob, user: User | None = None) -> bytes:
    """Every uploaded row, each cell exactly as uploaded, with the error column (row, column
    letter, column name and cause); the user fixes it and uploads it again. The kind's ID-number
    columns are masked for a `user` the kind does not let see them in full (as the member roll
    does); a full sheet given to such a column's reader is audited."""
    kind = kind_of(job)
    sheet = _open(job, kind)
    positions, _spelled, _missing = _header_map(kind, sheet.headers)
    masked = [positions[key] for key in kind.id_columns if key in positions]
    reveal = user is None or kind.may_reveal(user, job.org)
    content = error_sheet(
        sheet_name=kind.sheet_name, headers=sheet.headers, rows=sheet.rows, errors=job.errors or [],
        mask={} if reveal else {positions[key]: kind.mask_of(key) for key in kind.id_columns if key in positions},
        text_of=text_of,
    )  # fmt: skip
    if masked and reveal and user is not None:
        audit(action="import.errors_revealed", actor=user, org=job.org, obj=job, detail="错误说明表(未打码)")
    return content


def mask_number(text: str) -> str:
    """4301**********1234: an ID number with all but its first and last four characters hidden."""
    return text if len(text) <= 8 else f"{text[:4]}{'*' * (len(text) - 8)}{text[-4:]}"


def upload_exists(job: ImportJob) -> bool:
    return bool(job.file_path) and _path(job).is_file()


@service(
    audited_elsewhere="housekeeping on schedule: deletes uploads past their keeping time, no one's records"
)
def prune_uploads(*, days: int = 7) -> int:
    """Delete uploaded files of jobs older than `days` (they hold personal data in clear text)."""
    cutoff = timezone.now() - dt.timedelta(days=days)
    removed = 0
    for job in ImportJob.objects.filter(created_at__lt=cutoff).exclude(file_path=""):
        path = _path(job)
        if path.exists():
            path.unlink()
            removed += 1
        ImportJob.objects.filter(pk=job.pk).update(file_path="")
    return removed
