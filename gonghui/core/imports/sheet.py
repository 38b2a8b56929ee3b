"""Reading an uploaded .xlsx with python-calamine, cells kept exactly as they were uploaded.

Cells arrive as str, int, float, bool, date or datetime. Validation reads them as text
(`text_of`); the error sheet writes them back with their own type (`core.imports.workbook`), so
a number comes back as the same number and a text ID as the same text, never re-formatted.

Reading is bounded: `limits.check_package` refuses, before calamine opens the file, a zip that
would inflate past the limits (headers that lie included), too much shared text or a cell range
too large to hold; as rows are read, a cell longer than the per-cell limit is refused with its
row and column named. Every refusal is a DomainError in Chinese (the job ends FAILED).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from gonghui.core.errors import DomainError

from .limits import Limits, check_package, limits

HEADER_SEARCH_ROWS = 5  # a provincial form may carry a title row above the header
_SCIENTIFIC = re.compile(r"\d(\.\d+)?[Ee]\+\d+")  # 4.30121E+17, as Excel displays a long number


def text_of(value: Any) -> str:
    """A cell as plain text: a whole float loses its ".0", a date is ISO, text is stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def header_key(value: Any) -> str:
    """A header cell without spaces and the required-column star: "身份证号*" → "身份证号"."""
    return re.sub(r"[\s*＊]", "", text_of(value))


def mangled_number(value: Any) -> bool:
    """A long number (an ID, a card number) that Excel stored as a float: 16+ digits keep only 15
    significant ones, so the number in the file is no longer the one that was typed."""
    if isinstance(value, float):
        return abs(value) >= 1e15
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) >= 10**15
    return isinstance(value, str) and _SCIENTIFIC.fullmatch(value.strip()) is not None


def column_letter(position: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Sheet:
    headers: list[str]  # as written in the file
    header_row: int  # Excel row number of the header
    estimate: int  # rows below the header, empty ones included
    rows: Iterator[tuple[int, list[Any]]]  # (Excel row number, cells), non-empty rows only
    close: Callable[[], None]


def open_sheet(
    path: str | Path,
    *,
    is_header: Callable[[list[Any]], bool] | None = None,
    cell_chars: int | None = None,
    limit: Limits | None = None,
) -> Sheet:
    """The first sheet: its header (row 1, or the first of the first five rows `is_header`
    accepts) and its non-empty rows with their Excel row numbers. Close it, or exhaust `rows`.

    Raises DomainError when the file is over the limits (`limits.limits(cell_chars=…)` unless
    `limit` is given): at once for the package, while reading `rows` for a cell too long."""
    limit = limit or limits(cell_chars=cell_chars)
    check_package(path, limit)
    workbook = CalamineWorkbook.from_path(str(path))
    try:
        sheet = workbook.get_sheet_by_index(0)
        # iter_rows() starts at Excel row 1 (leading empty rows come as empty lists) and at the
        # sheet's first used column; header and data share that offset, so positions agree.
        source = iter(sheet.iter_rows())
        head: list[list[Any]] = []
        for cells in source:
            head.append(cells)
            if len(head) == HEADER_SEARCH_ROWS:
                break
    except BaseException:
        workbook.close()
        raise
    header_index = 0
    if is_header is not None:
        header_index = next((i for i, cells in enumerate(head) if is_header(cells)), 0)
    try:  # the rows down to the header here; the rows below it as they are read, by column name
        for index, cells in enumerate(head[: header_index + 1]):
            _check_cells(index + 1, cells, [], limit.cell_chars)
    except BaseException:
        workbook.close()
        raise
    headers = [text_of(cell) for cell in head[header_index]] if head else []
    header_row = header_index + 1

    def close() -> None:  # idempotent: the caller may close before the rows are exhausted
        try:
            workbook.close()
        except Exception:  # python_calamine.WorkbookClosed
            return

    def generate() -> Iterator[tuple[int, list[Any]]]:
        try:
            number = header_row
            for cells in _chain(head[header_index + 1 :], source):
                number += 1
                _check_cells(number, cells, headers, limit.cell_chars)
                for cell in cells:
                    if cell != "" and cell is not None:
                        yield number, cells
                        break
        finally:
            close()

    end = sheet.end
    estimate = max(0, (end[0] + 1 if end else 0) - header_row)
    return Sheet(headers=headers, header_row=header_row, estimate=estimate, rows=generate(), close=close)


def _check_cells(number: int, cells: list[Any], headers: list[str], most: int) -> None:
    """Refuse the file at the first cell longer than `most` characters, naming it."""
    for position, cell in enumerate(cells):
        if isinstance(cell, str) and len(cell) > most:
            header = header_key(headers[position]) if position < len(headers) else ""
            raise DomainError(
                _("第%(row)s行“%(column)s”列超过%(n)s字，请精简后重新上传。")
                % {"row": number, "column": header[:20] or column_letter(position), "n": most}
            )


def _chain(first: list[list[Any]], rest: Iterator[list[Any]]) -> Iterator[list[Any]]:
    yield from first
    yield from rest
