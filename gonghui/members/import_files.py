"""The member import's columns, pick lists and notes (the template itself, the reading and the
error sheet are core.imports')."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from gonghui.core.imports.sheet import open_sheet
from gonghui.core.imports.workbook import Column

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

# The header spellings each column accepts (the provincial 会员信息采集表's among them).
KEY_BY_HEADER: dict[str, str] = {}
for _column in rows.COLUMNS:
    for _spelling in (_column.header, *_column.aliases):
        KEY_BY_HEADER.setdefault(_spelling, _column.key)
# clean_row reports errors by the column's own header.
KEY_OF_ERROR_HEADER = {c.header: c.key for c in rows.COLUMNS}


def columns() -> tuple[Column, ...]:
    return tuple(
        Column(c.key, c.header, required=c.required, note=c.note or "", example=_example(c.key),
               text=c.key in TEXT_COLUMNS, choices=tuple(CHOICE_LISTS.get(c.key, ())))
        for c in rows.COLUMNS
    )  # fmt: skip


def _example(key: str) -> Any:
    if key == "id_number":
        return EXAMPLE_ID
    return rows.COLUMN_BY_KEY[key].example or None


NOTES = (
    _("5. 身份证号、手机号列已设为“文本”格式，请保持文本格式，否则 Excel 会丢失身份证号后几位。"),
    _("6. 示例行（姓名“张三”）导入时自动忽略，可以删除或直接覆盖。"),
    _("7. 已在本工会登记的会员（按身份证号匹配）将更新其信息，不会重复登记；"
      "会籍状态的变化（转出、退会、退休等）请在系统中办理，导入不会修改已登记会员的会籍状态。"),
    _("8. 也可直接上传省级“会员信息采集表”：证件号码、移动电话、会籍变化日期等列会被自动识别。"),
    _("9. 上级工会导入下属工会的会员时，在“工会”列填写工会名称或组织代码（只能是您管理范围内的基层工会）。"),
)  # fmt: skip


def is_header(cells: list[Any]) -> bool:
    return not rows.header_map(cells)[1]


def read_rows(path: str | Path) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """The first sheet's header (row 1, or a later row among the first five when row 1 is a
    title) and its non-empty rows as (Excel row number, cells)."""
    sheet = open_sheet(Path(path), is_header=is_header)
    return sheet.headers, sheet.rows
