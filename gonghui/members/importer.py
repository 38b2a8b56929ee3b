"""Member import from Excel (.xlsx): template → upload → validated preview → apply on confirm.

The pipeline, and why it is shaped this way:

- Reading uses python-calamine (a Rust reader, many times faster than openpyxl), so a 50,000-row
  file costs well under a second to read; the rest of the time goes to validation, pinyin and
  encryption, all done once per row with no per-row query.
- Every row goes through `rows.clean_row`, the same validator as the edit form, so a mistake gets
  the same Chinese message whichever way it was entered.
- Duplicates are looked up in batches (`id_hash__in`, 1,000 at a time). A number already
  registered in this union is an update (re-importing a file never duplicates anyone); one
  registered in another union is an error whose message names that union only if the user may
  see it.
- Apply re-reads and re-validates the file (the database may have changed since the preview),
  prepares every row outside the transaction (with visible progress), then writes everything in
  ONE transaction: all of it or nothing.
- ID numbers and phone numbers never enter the job, its errors, the audit log or the logs.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import in_scope
from gonghui.core.audit import audit
from gonghui.core.enums import OrgKind, Outcome
from gonghui.core.errors import DomainError
from gonghui.core.imports import bulk
from gonghui.core.imports.jobs import read_upload, store_upload
from gonghui.core.imports.sheet import column_letter, header_key
from gonghui.core.imports.workbook import ERROR_COLUMN, HELP_SHEET_NAME  # noqa: F401  (public names)
from gonghui.core.models import Org, User
from gonghui.core.tasks import run_in_background

from . import rows
from .enums import (
    ChangeType,
)
from .import_files import (  # noqa: F401  (the import's public names stay importable from here)
    CHOICE_LISTS,
    EXAMPLE_ID,
    SHEET_NAME,
    TEXT_COLUMNS,
    UNION_HEADER,
    _job_path,
    _open,
    build_template,
    error_file,
    prune_uploads,
    read_rows,
)
from .import_targets import Targets
from .import_updates import changes_of as _changes
from .models import MEMBER_CHANGE_ROLES, ImportJob, Member, MembershipChange
from .privacy import lookup_hash, mask_id
from .services import duplicate_message, set_identity, set_name

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 30 * 1024 * 1024
PROGRESS_EVERY = 500
LOOKUP_CHUNK = 1000
WRITE_BATCH = 1000


_LONG_DIGITS = re.compile(r"\d{7,}[\dXx]?")
_SCIENTIFIC = re.compile(r"\d(\.\d+)?[Ee]\+\d+")  # 4.30121E+17, as Excel displays a long number


# --- upload (the template, reading and the error file: import_files) ------------------------------


def import_start(*, actor: User, union: Org, upload: Any) -> ImportJob:
    """Save the uploaded .xlsx, create the job and validate it in the background. `union` is a
    grassroots union, or a superior union whose rows name their union in the 工会 column."""
    if union.kind == OrgKind.GROUP:
        raise DomainError(_("请选择基层工会导入会员，再分配到工会小组。"))
    if not union.is_active:
        raise DomainError(_("该工会已撤销，不能导入会员。"))
    if not in_scope(actor, union, MEMBER_CHANGE_ROLES):
        raise DomainError(_("您没有在该工会导入会员的权限。"))
    file_name, _size, first, chunks = read_upload(upload, limit=MAX_UPLOAD_BYTES)
    with transaction.atomic():
        job = ImportJob.objects.create(
            state=ImportJob.State.VALIDATING, org=union, actor=actor, file_name=file_name[:200], file_path=""
        )
        job.file_path = store_upload(job.key, first, chunks)
        job.save(update_fields=["file_path"])
        run_in_background(import_validate, job.pk)
    return job


# --- validation ---------------------------------------------------------------------------------


@dataclass
class _Planned:
    row: int
    data: dict[str, Any]
    existing: Member | None = None  # a member of this union, matched by ID number
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Scan:
    total_rows: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_rows: set[int] = field(default_factory=set)
    planned: list[_Planned] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def creates(self) -> int:
        return sum(1 for p in self.planned if p.existing is None)

    @property
    def updates(self) -> int:
        return sum(1 for p in self.planned if p.existing is not None and p.changes)

    @property
    def unchanged(self) -> int:
        return sum(1 for p in self.planned if p.existing is not None and not p.changes)


def _scrub(message: str) -> str:
    """No long digit runs (an ID or phone pasted into the wrong column) in stored messages."""
    return _LONG_DIGITS.sub(lambda m: mask_id(m.group()), message)


def _progress(job_id: int, done: int, *, total: int | None = None) -> None:
    values: dict[str, Any] = {"processed_rows": done}
    if total is not None:
        values["total_rows"] = total
    ImportJob.objects.filter(pk=job_id).update(**values)


Report = Callable[[int, int | None], None]  # (rows done, estimated total or None)


def _scan(job: ImportJob, *, actor: User | None, report: Report | None = None) -> _Scan:
    """Read and validate every row of the job's file; plan creates and updates. No writes."""
    union = job.org
    today = timezone.localdate()
    sheet = _open(_job_path(job))
    scan = _Scan()
    index, missing = rows.header_map(sheet.headers)
    if missing:
        scan.missing = missing
        sheet.close()
        return scan
    if report is not None:
        report(0, sheet.estimate)
    # Errors name the column as the file spells it (证件号码, not our 身份证号).
    file_header = {
        rows.COLUMN_BY_KEY[key].header: re.sub(r"[\s*＊]", "", sheet.headers[pos])
        for key, pos in index.items()
    }
    order = {file_header[rows.COLUMN_BY_KEY[key].header]: pos for key, pos in index.items()}
    targets = Targets(actor=actor, union=union)
    union_pos = next((i for i, h in enumerate(sheet.headers) if header_key(h) == UNION_HEADER), None)
    target_of: dict[int, Org] = {}  # row -> its union
    items = list(index.items())
    id_header = rows.COLUMN_BY_KEY["id_number"].header
    first_row_of: dict[str, int] = {}  # id hash -> first row carrying it
    candidates: list[_Planned] = []
    processed = 0

    def add_error(row: int, header: str, message: str) -> None:
        column = file_header.get(header, header)
        position = order.get(column, union_pos if header == UNION_HEADER else None)
        letter = column_letter(position) if position is not None else ""
        scan.errors.append({"row": row, "letter": letter, "column": column, "message": _scrub(message)})
        scan.error_rows.add(row)

    for row, cells in sheet.rows:
        width = len(cells)
        raw = {key: cells[pos] if pos < width else None for key, pos in items}
        if all(value is None or value == "" for value in raw.values()):
            continue
        id_cell = raw["id_number"]
        # 16+ digits typed as a number: Excel keeps 15 significant digits, the rest are gone.
        float_id = (isinstance(id_cell, float) and abs(id_cell) >= 1e15) or (
            isinstance(id_cell, str) and _SCIENTIFIC.fullmatch(id_cell.strip()) is not None
        )
        if float_id:
            raw["id_number"] = None
        target, problem = targets.resolve(
            rows.text_of(cells[union_pos]) if union_pos is not None and union_pos < width else ""
        )
        result = rows.clean_row(raw, groups=targets.groups(target) if target else {}, today=today)
        number = result.data.get("id_number")
        if number == EXAMPLE_ID:
            continue
        scan.total_rows += 1
        if target is None:
            add_error(row, UNION_HEADER, problem)
        else:
            target_of[row] = target
            result.data["union"] = target
        for header, message in result.errors:
            if float_id and header == id_header:
                continue
            add_error(row, header, message)
        if float_id:
            add_error(
                row, id_header,
                _("身份证号被 Excel 存成了数字，后几位已经丢失。请把该列设置为“文本”格式后重新填写身份证号"
                  "（或在号码前加英文单引号 '）。"),
            )  # fmt: skip
        elif number:
            digest = lookup_hash(number)
            first = first_row_of.get(digest)
            if first is not None:
                add_error(row, id_header, _("与第%(row)s行的身份证号重复。") % {"row": first})
            else:
                first_row_of[digest] = row
        if row not in scan.error_rows:
            candidates.append(_Planned(row=row, data=result.data))
        processed += 1
        if report is not None and processed % PROGRESS_EVERY == 0:
            report(processed, None)

    # Numbers already registered: an update in this union, an error anywhere else.
    existing_by_row: dict[int, Member] = {}
    digests = list(first_row_of)
    for start in range(0, len(digests), LOOKUP_CHUNK):
        chunk = digests[start : start + LOOKUP_CHUNK]
        for existing in Member.objects.filter(id_hash__in=chunk).select_related("org"):
            row = first_row_of[existing.id_hash]
            target = target_of.get(row)
            if target is not None and existing.org.path.startswith(target.path):
                existing_by_row[row] = existing
            else:
                add_error(row, id_header, duplicate_message(existing, actor))
    present = set(index)
    for planned in candidates:
        if planned.row in scan.error_rows:
            continue
        planned.existing = existing_by_row.get(planned.row)
        if planned.existing is not None:
            planned.changes = _changes(planned.existing, planned.data, present)
        scan.planned.append(planned)
    scan.errors.sort(key=lambda e: (e["row"], order.get(e["column"], 0)))
    return scan


def _summary(scan: _Scan) -> str:
    text = _("共%(total)s行：可新增%(created)s人，更新%(updated)s人，无变化%(same)s人") % {
        "total": scan.total_rows, "created": scan.creates, "updated": scan.updates, "same": scan.unchanged,
    }  # fmt: skip
    if scan.error_rows:
        text += _("；%(n)s行有错误") % {"n": len(scan.error_rows)}
    return text + _("。")


def import_validate(job_id: int) -> None:
    """Background step 1: validate every row into a preview (state PREVIEW or FAILED)."""
    job = ImportJob.objects.select_related("org", "actor").filter(pk=job_id).first()
    if job is None or job.state != ImportJob.State.VALIDATING:
        return
    try:
        scan = _scan(job, actor=job.actor, report=lambda done, total: _progress(job_id, done, total=total))
    except Exception:
        logger.exception("import %s: validation failed", job_id)
        _fail(job_id, _("无法读取该文件，请确认是用 Excel 保存的 .xlsx 文件后重新上传。"))
        return
    if scan.missing:
        _fail(
            job_id,
            _("缺少必填列：%(columns)s。请使用导入模板，第一行为列名。")
            % {"columns": "、".join(scan.missing)},
        )
        return
    ImportJob.objects.filter(pk=job_id).update(
        state=ImportJob.State.PREVIEW,
        total_rows=scan.total_rows,
        processed_rows=scan.total_rows,
        error_rows=len(scan.error_rows),
        errors=scan.errors,
        created_count=scan.creates,
        updated_count=scan.updates,
        message=_summary(scan)[:300],
    )


def _fail(job_id: int, message: str) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        state=ImportJob.State.FAILED, message=message[:300], finished_at=timezone.now()
    )


# --- apply --------------------------------------------------------------------------------------


def import_apply(*, actor: User, job: ImportJob, include_valid_only: bool) -> ImportJob:
    """Confirm a previewed import: applied in the background, in one transaction.

    Applying a job that is already applying or done does nothing (a double click, a retry)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.state in (ImportJob.State.APPLYING, ImportJob.State.DONE):
            return job
        if job.state != ImportJob.State.PREVIEW:
            raise DomainError(
                _("该导入当前为“%(state)s”，不能执行导入。") % {"state": job.get_state_display()}
            )
        if job.error_rows and not include_valid_only:
            raise DomainError(_("请先修正错误后重新上传，或确认仅导入无误的行。"))
        if job.error_rows >= job.total_rows:
            raise DomainError(_("没有可以导入的行。"))
        job.state = ImportJob.State.APPLYING
        job.processed_rows = 0
        job.message = _("正在复核并导入…")
        job.save(update_fields=["state", "processed_rows", "message"])
        run_in_background(_apply, job.pk, include_valid_only=include_valid_only, actor_id=actor.pk)
    return job


def _apply(job_id: int, *, include_valid_only: bool = False, actor_id: int | None = None) -> None:
    """Background step 2: re-validate, then create and update members in one transaction."""
    job = ImportJob.objects.select_related("org", "actor").filter(pk=job_id).first()
    if job is None or job.state != ImportJob.State.APPLYING:
        return
    actor = User.objects.filter(pk=actor_id).first() if actor_id else job.actor
    union = job.org
    try:
        # Progress: the first half re-validates, the second prepares the rows (pinyin, encryption).
        estimate = [max(job.total_rows, 1)]

        def validating(done: int, total: int | None) -> None:
            if total:
                estimate[0] = total
            _progress(job_id, min(done, estimate[0]) * job.total_rows // (2 * estimate[0]))

        def preparing(done: int) -> None:
            _progress(job_id, job.total_rows // 2 + done * job.total_rows // (2 * max(len(scan.planned), 1)))

        scan = _scan(job, actor=actor, report=validating)
        if scan.missing:
            _fail(job_id, _("缺少必填列：%(columns)s。") % {"columns": "、".join(scan.missing)})
            return
        if scan.error_rows and not include_valid_only:
            # The database changed since the preview: show the new errors and ask again.
            ImportJob.objects.filter(pk=job_id).update(
                state=ImportJob.State.PREVIEW, total_rows=scan.total_rows, processed_rows=scan.total_rows,
                error_rows=len(scan.error_rows), errors=scan.errors, created_count=scan.creates,
                updated_count=scan.updates,
                message=(_("导入前复核发现新的错误（数据已有变化），未导入任何数据。") + _summary(scan))[:300],
            )  # fmt: skip
            return
        new_members, updates = _prepare(scan, union=union, today=timezone.localdate(), report=preparing)
        ImportJob.objects.filter(pk=job_id).update(message=_("正在写入数据库…"))
        with transaction.atomic():
            created, updated = _write(
                union=union,
                actor=actor,
                new_members=new_members,
                updates=updates,
            )
            skipped = len(scan.error_rows)
            audit(
                action="member.import", actor=actor, org=union, object_type="members.importjob", object_id=str(job.pk),
                after={"created": created, "updated": updated, "unchanged": scan.unchanged,
                       "skipped_error_rows": skipped, "total_rows": scan.total_rows},
            )  # fmt: skip
            message = _("导入完成：新增%(created)s人，更新%(updated)s人，无变化%(same)s人") % {
                "created": created, "updated": updated, "same": scan.unchanged,
            }  # fmt: skip
            if skipped:
                message += _("；跳过有错误的%(n)s行") % {"n": skipped}
            ImportJob.objects.filter(pk=job_id).update(
                state=ImportJob.State.DONE, created_count=created, updated_count=updated,
                processed_rows=scan.total_rows, total_rows=scan.total_rows, error_rows=skipped, errors=scan.errors,
                message=(message + _("。"))[:300], finished_at=timezone.now(),
            )  # fmt: skip
    except Exception:
        logger.exception("import %s: apply failed, rolled back", job_id)
        _fail(job_id, _("导入失败，已全部撤销，没有写入任何数据。请稍后重试；如仍失败请联系管理员。"))
        audit(
            action="member.import",
            actor=actor,
            org=union,
            object_type="members.importjob",
            object_id=str(job_id),
            outcome=Outcome.FAILURE,
            detail="rolled back",
        )


def _prepare(
    scan: _Scan, *, union: Org, today: dt.date, report: Callable[[int], None] | None = None
) -> tuple[list[Member], list[tuple[Member, tuple[str, ...]]]]:
    """Build the rows to write (pinyin, encryption) outside the transaction: the new members, and
    the changed ones with the fields (attnames) that changed."""
    new_members: list[Member] = []
    updates: list[tuple[Member, tuple[str, ...]]] = []
    now = timezone.now()
    for done, planned in enumerate(scan.planned, start=1):
        if report is not None and done % PROGRESS_EVERY == 0:
            report(done)
        data = planned.data
        if planned.existing is None:
            join_date = data["join_date"] or today
            member = Member(
                org_id=(data["group"] or data.get("union") or union).pk, sex=data["sex"], ethnicity=data["ethnicity"],
                birth_date=data["birth_date"], mobile=data["mobile"], political=data["political"],
                education=data["education"], position=data["position"], join_date=join_date,
                card_number=data["card_number"], employment=data["employment"],
                hardship_level=data["hardship_level"], hardship_cert_no=data["hardship_cert_no"],
                single_parent=data["single_parent"], model_worker_level=data["model_worker_level"],
                status=data["status"], status_date=join_date, created_at=now, updated_at=now,
            )  # fmt: skip
            set_name(member, data["name"])
            set_identity(member, data["id_number"])
            member._import_union_id = (data.get("union") or union).pk  # type: ignore[attr-defined]
            new_members.append(member)
        elif planned.changes:
            member = planned.existing
            fields = set(planned.changes)
            for name, value in planned.changes.items():
                setattr(member, name, value)
            if "name" in planned.changes:
                set_name(member, planned.changes["name"])
                fields.update(("name_pinyin", "name_initials"))
            member.updated_at = now
            fields.add("updated_at")
            updates.append((member, tuple(sorted(fields))))
    return new_members, updates


def _write(
    *,
    union: Org,
    actor: User | None,
    new_members: list[Member],
    updates: list[tuple[Member, tuple[str, ...]]],
) -> tuple[int, int]:
    """Insert the new members and their 入会 events, update the changed ones (inside the caller's
    transaction)."""
    created = 0
    actor_id = actor.pk if actor is not None else None
    for start in range(0, len(new_members), WRITE_BATCH):
        batch = new_members[start : start + WRITE_BATCH]
        _insert(Member, batch)
        ids = dict(Member.objects.filter(id_hash__in=[m.id_hash for m in batch]).values_list("id_hash", "id"))
        changes = []
        for member in batch:
            member.pk = ids[member.id_hash]
            member._state.adding = False
            changes.append(
                MembershipChange(
                    member_id=member.pk,
                    org_id=getattr(member, "_import_union_id", union.pk),
                    change_type=ChangeType.JOIN,
                    date=cast(dt.date, member.join_date),  # set by _prepare
                    status_before="",
                    status_after=member.status,
                    actor_id=actor_id,
                )
            )
        _insert(MembershipChange, changes)
        created += len(batch)
    by_fields: dict[tuple[str, ...], list[Member]] = {}
    for member, fields in updates:
        by_fields.setdefault(fields, []).append(member)
    for fields, members in by_fields.items():
        for start in range(0, len(members), WRITE_BATCH):
            _update(Member, members[start : start + WRITE_BATCH], fields)
    return created, len(updates)


# Module names the tests patch: the fast writers shared by every import (core.imports.bulk).
_insert = bulk.insert
_update = bulk.update
