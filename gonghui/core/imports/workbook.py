"""Writing the spreadsheets of an import: the template (headers, an example row, the union's code
lists as drop-downs, text-formatted ID columns, a sheet of instructions) and the error sheet
(the uploaded rows, every cell as uploaded, with an error column naming row, column and cause)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

HELP_SHEET_NAME = "填写说明"
LISTS_SHEET_NAME = "选项"
ERROR_COLUMN = "错误说明"
TEMPLATE_TEXT_ROWS = 2000  # rows pre-formatted as text (the column style covers the rest)


@dataclass(frozen=True)
class Column:
    """One column of an import template."""

    key: str
    header: str
    required: bool = False
    note: str = ""
    example: Any = None
    text: bool = False  # formatted as text in the template: ID numbers, phones, codes
    choices: tuple[str, ...] = ()  # a fixed pick list; per-union lists come from the kind


def build_template(
    *,
    sheet_name: str,
    columns: Sequence[Column],
    lists: dict[str, list[str]] | None = None,
    example: dict[str, Any] | None = None,
    notes: Sequence[str] = (),
) -> bytes:
    """An .xlsx template: one header row (required columns marked *), one example row, drop-downs
    for every column with a pick list (kept on a hidden sheet: an inline list is limited to 255
    characters), text format for ID-like columns, and a 填写说明 sheet."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet_name
    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    required_fill = PatternFill("solid", fgColor="C00000")
    optional_fill = PatternFill("solid", fgColor="1F4E78")
    header_font = Font(bold=True, color="FFFFFF", name="宋体", size=11)
    example_font = Font(italic=True, color="808080", name="宋体", size=11)
    help_ws = wb.create_sheet(HELP_SHEET_NAME)
    lists_ws = wb.create_sheet(LISTS_SHEET_NAME)
    lists_ws.sheet_state = "hidden"
    pick = {c.key: list(c.choices) for c in columns if c.choices}
    pick.update({key: [v for v in values if v] for key, values in (lists or {}).items()})
    example = example or {}
    list_position = 0
    for position, column in enumerate(columns, start=1):
        letter = get_column_letter(position)
        cell = ws.cell(
            row=1, column=position, value=f"{column.header}*" if column.required else column.header
        )
        cell.font = header_font
        cell.fill = required_fill if column.required else optional_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        ws.column_dimensions[letter].width = (
            22 if column.text else max(10, min(30, 2.2 * len(column.header) + 4))
        )
        value = example.get(column.key, column.example)
        if value is not None:
            ws.cell(row=2, column=position, value=value).font = example_font
        if column.text:
            ws.column_dimensions[letter].number_format = "@"
            for row in range(2, TEMPLATE_TEXT_ROWS + 2):
                ws.cell(row=row, column=position).number_format = "@"
        values = pick.get(column.key)
        if values:
            list_position += 1
            list_letter = get_column_letter(list_position)
            lists_ws.cell(row=1, column=list_position, value=column.header)
            for index, choice in enumerate(values, start=2):
                lists_ws.cell(row=index, column=list_position, value=choice)
            validation = DataValidation(
                type="list",
                formula1=f"'{LISTS_SHEET_NAME}'!${list_letter}$2:${list_letter}${len(values) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("输入有误"),
                error=_("请从下拉列表中选择%(header)s。") % {"header": column.header},
                promptTitle=column.header[:32],
                prompt=column.note[:250] if column.note else None,
                showInputMessage=bool(column.note),
            )
            validation.add(f"{letter}2:{letter}1048576")
            ws.add_data_validation(validation)
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A2"
    _write_help(help_ws, columns, example, notes, header_font, optional_fill, border)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _write_help(
    ws: Any,
    columns: Sequence[Column],
    example: dict[str, Any],
    notes: Sequence[str],
    header_font: Font,
    fill: PatternFill,
    border: Border,
) -> None:
    for letter, width in zip("ABCD", (18, 10, 60, 22), strict=True):
        ws.column_dimensions[letter].width = width
    row = 0
    for row, note in enumerate(notes, start=1):
        ws.cell(row=row, column=1, value=note)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    row += 2
    for position, title in enumerate([_("列名"), _("是否必填"), _("填写说明"), _("示例")], start=1):
        cell = ws.cell(row=row, column=position, value=title)
        cell.font, cell.fill, cell.border = header_font, fill, border
    for column in columns:
        row += 1
        value = example.get(column.key, column.example)
        values = [column.header, _("必填") if column.required else _("选填"), column.note,
                  "" if value is None else str(value)]  # fmt: skip
        for position, text in enumerate(values, start=1):
            cell = ws.cell(row=row, column=position, value=text)
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def error_message(error: dict[str, Any]) -> str:
    """ "第5行 C列 身份证号：校验位错误。" (the column letter where the file has the column)."""
    where = _("第%(row)s行") % {"row": error["row"]}
    if error.get("letter"):
        where += " " + _("%(letter)s列") % {"letter": error["letter"]}
    if error.get("column"):
        where += " " + str(error["column"])
    return f"{where}：{error['message']}"


def error_sheet(
    *,
    sheet_name: str,
    headers: list[str],
    rows: Iterable[tuple[int, list[Any]]],
    errors: Iterable[dict[str, Any]],
    only_errors: bool = False,
    mask: dict[int, Callable[[str], str]] | None = None,
    text_of: Callable[[Any], str] | None = None,
) -> bytes:
    """The uploaded rows (all of them, or `only_errors`) with an 错误说明 column. Every cell is
    written back with the type it was uploaded with: text as the same text, a number as the same
    number (so a float-mangled ID reads exactly as it did in the user's file, never as another
    ID), a date as a date. Cells in error are highlighted. `mask` replaces the text of some
    positions (ID numbers for a viewer without the reveal right)."""
    import xlsxwriter

    by_row: dict[int, list[dict[str, Any]]] = {}
    for error in errors:
        by_row.setdefault(int(error["row"]), []).append(error)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet(sheet_name[:31])
    header_format = book.add_format(
        {"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "border": 1}
    )
    error_header = book.add_format(
        {"bold": True, "bg_color": "#C00000", "font_color": "#FFFFFF", "border": 1}
    )
    plain = {"text": book.add_format({"num_format": "@"}), "date": book.add_format({"num_format": "yyyy/mm/dd"}),
             "number": book.add_format({})}  # fmt: skip
    bad = {
        "text": book.add_format({"num_format": "@", "bg_color": "#FFC7CE"}),
        "date": book.add_format({"num_format": "yyyy/mm/dd", "bg_color": "#FFC7CE"}),
        "number": book.add_format({"bg_color": "#FFC7CE"}),
    }
    wrap = book.add_format({"font_color": "#C00000", "text_wrap": True})
    mask = mask or {}
    for position, header in enumerate(headers):
        sheet.write_string(0, position, header, header_format)
        sheet.set_column(position, position, 20)
    sheet.write_string(0, len(headers), ERROR_COLUMN, error_header)
    sheet.set_column(len(headers), len(headers), 60)
    sheet.freeze_panes(1, 0)
    sheet.set_paper(9)  # A4, landscape, every column on one page wide
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    out_row = 0
    for row, cells in rows:
        row_errors = by_row.get(row, [])
        if only_errors and not row_errors:
            continue
        out_row += 1
        explanation = "；".join(error_message(e) for e in row_errors)
        if explanation:  # wrapped in a 60-wide column: about 28 Chinese characters a line
            sheet.set_row(out_row, 15 * max(1, -(-len(explanation) // 28)))
        bad_positions = {e.get("position") for e in row_errors}
        for position, cell in enumerate(cells[: len(headers)]):
            formats = bad if position in bad_positions else plain
            if position in mask:
                text = text_of(cell) if text_of is not None else str(cell)
                sheet.write_string(out_row, position, mask[position](text), formats["text"])
            elif cell is None or cell == "":
                sheet.write_blank(out_row, position, None, formats["text"])
            elif isinstance(cell, bool):
                sheet.write_boolean(out_row, position, cell, formats["number"])
            elif isinstance(cell, int | float):
                sheet.write_number(out_row, position, cell, formats["number"])
            elif isinstance(cell, dt.datetime | dt.date):
                sheet.write_datetime(out_row, position, cell, formats["date"])
            else:
                sheet.write_string(out_row, position, str(cell), formats["text"])
        if explanation:
            sheet.write_string(out_row, len(headers), explanation, wrap)
    book.close()
    return buffer.getvalue()
