"""The member import's files: the template, the header search when reading, the error sheet
(all built on core.imports)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit
from gonghui.core.imports import workbook
from gonghui.core.imports.kinds import UNION_KEY
from gonghui.core.imports.sheet import Sheet, column_letter, open_sheet
from gonghui.core.imports.workbook import Column
from gonghui.core.models import User

from . import idcard, rows
from .enums import (
    ETHNICITY_CHOICES,
    Education,
    Employment,
    HardshipLevel,
    MemberStatus,
    ModelWorkerLevel,
    Political,
)
from .models import ImportJob
from .privacy import mask_id, mask_mobile

SHEET_NAME = "会员信息"
UNION_HEADER = "工会"

# The template's example row: a valid synthetic number; rows carrying it are skipped on import,
# so a user who forgets to delete the example does not register "张三".
EXAMPLE_ID = idcard.make("110101", dt.date(1985, 3, 7), 121)

# Pick lists of the template (the labels `rows.clean_row` accepts).
YES_NO = ["是", "否"]
CHOICE_LISTS: dict[str, list[str]] = {
    "sex": ["男", "女"],
    "ethnicity": [name for _code, name in ETHNICITY_CHOICES],
    "political": [str(label) for label in Political.labels],
    "education": [str(label) for label in Education.labels],
    "employment": [str(label) for label in Employment.labels],
    "hardship_level": [str(label) for value, label in HardshipLevel.choices if value],
    "single_parent": YES_NO,
    "model_worker_level": [str(label) for value, label in ModelWorkerLevel.choices if value],
    "status": [str(label) for label in MemberStatus.labels],
    "migrant": YES_NO,
}
TEXT_COLUMNS = ("id_number", "mobile", "card_number", "hardship_cert_no")
DATE_COLUMNS = ("birth_date", "join_date")


def build_template(*, groups: list[str] | None = None, unions: list[str] | None = None) -> bytes:
    """The import template (core.imports.workbook): header row (required columns marked *), one
    example row, pick lists, text-formatted ID and phone columns, and a sheet of instructions.
    `groups` (the union's group names) adds a pick list to the 工会小组 column; `unions` (the
    unions of a superior union's subtree) adds a 工会 column in front."""
    columns = [
        Column(c.key, c.header, required=c.required, note=c.note or "", example=_example(c.key),
               text=c.key in TEXT_COLUMNS, choices=tuple(CHOICE_LISTS.get(c.key, ())))
        for c in rows.COLUMNS
    ]  # fmt: skip
    lists = {"group": [g for g in groups if g]} if groups else {}
    if unions:
        columns.insert(
            0, Column(UNION_KEY, UNION_HEADER, note=_("工会名称或组织代码；留空为导入时选择的工会。"))
        )
        lists[UNION_KEY] = unions
    return workbook.build_template(sheet_name=SHEET_NAME, columns=columns, lists=lists, notes=_notes())


def _example(key: str) -> Any:
    if key == "id_number":
        return EXAMPLE_ID
    return rows.COLUMN_BY_KEY[key].example or None


def _notes() -> list[str]:
    return [
        _("1. 请在“会员信息”表中填写，第一行为标题行，请勿修改或删除；列的顺序可以调整。"),
        _("2. 标有 * 的列为必填。身份证号、手机号列已设为“文本”格式，请保持文本格式，否则 Excel 会丢失身份证号后几位。"),
        _("3. 第二行为示例（姓名“张三”），导入时自动忽略，可以删除或直接覆盖。"),
        _("4. 已在本工会登记的会员（按身份证号匹配）将更新其信息，不会重复登记；"
          "会籍状态的变化（转出、退会、退休等）请在系统中办理，导入不会修改已登记会员的会籍状态。"),
        _("5. 上传后系统先逐行校验并列出错误（行号、列名、原因），确认后才写入；有错误时可下载错误说明表，修正后重新上传。"),
        _("6. 也可直接上传省级“会员信息采集表”：证件号码、移动电话、会籍变化日期等列会被自动识别。"),
        _("7. 上级工会导入下属工会的会员时，在“工会”列填写工会名称或组织代码（只能是您管理范围内的基层工会）。"),
    ]  # fmt: skip


def _open(path: Path) -> Sheet:
    return open_sheet(path, is_header=lambda cells: not rows.header_map(cells)[1])


def read_rows(path: str | Path) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """The first sheet's header (row 1, or a later row among the first five when row 1 is a
    title) and its non-empty rows as (Excel row number, cells). Cells are str, int, float, bool,
    date or datetime as calamine gives them; `rows.text_of` / `rows.parse_date` take them all."""
    sheet = _open(Path(path))
    return sheet.headers, sheet.rows


def _job_path(job: ImportJob) -> Path:
    path = Path(job.file_path)
    return path if path.is_absolute() else Path(settings.MEDIA_ROOT) / path


def error_file(*, job: ImportJob, reveal: bool, actor: User | None = None) -> bytes:
    """The rows with errors, every cell as uploaded (core.imports.workbook.error_sheet: a number
    stays the same number, so a float-mangled ID never comes back as another ID), plus an 错误说明
    column naming row, column and cause; ID and phone numbers masked unless `reveal` (pass
    `actor` to have a reveal audited)."""
    try:
        sheet = _open(_job_path(job))
    except Exception:
        sheet = None
    headers = sheet.headers if sheet is not None else []
    index, _missing = rows.header_map(headers)
    masked: dict[int, Callable[[str], str]] = {
        index[k]: f for k, f in (("id_number", mask_id), ("mobile", mask_mobile)) if k in index
    }
    position_of = {re.sub(r"[\s*＊]", "", h): i for i, h in enumerate(headers)}
    errors = []
    for error in job.errors or []:
        position = position_of.get(error["column"])
        letter = column_letter(position) if position is not None else ""
        errors.append({**error, "position": position, "letter": letter})
    content = workbook.error_sheet(
        sheet_name=SHEET_NAME, headers=headers, rows=sheet.rows if sheet is not None else [], errors=errors,
        only_errors=True, mask={} if reveal else masked, text_of=_cell_text,
    )  # fmt: skip
    if reveal and actor is not None:
        audit(
            action="member.import_errors", actor=actor, org=job.org_id, object_type="members.importjob",
            object_id=str(job.pk), detail="错误说明表(未打码)",
        )  # fmt: skip
    return content


def _cell_text(cell: Any) -> str:
    if isinstance(cell, dt.datetime):
        cell = cell.date()
    if isinstance(cell, dt.date):
        return cell.strftime("%Y/%m/%d")
    return rows.text_of(cell)


def prune_uploads(*, days: int = 7) -> int:
    """Delete uploaded files of jobs older than `days`: they hold full ID numbers in clear text.

    The job row (counts, errors without personal data) stays; only its error file can no longer
    be downloaded.
    """
    cutoff = timezone.now() - dt.timedelta(days=days)
    removed = 0
    for job in ImportJob.objects.filter(created_at__lt=cutoff).exclude(file_path=""):
        path = _job_path(job)
        if path.exists():
            path.unlink()
            removed += 1
        ImportJob.objects.filter(pk=job.pk).update(file_path="")
    return removed
