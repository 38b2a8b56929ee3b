"""Helpers for the import framework's tests: real .xlsx files and a job run to its next state."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from gonghui.core.imports import jobs, kinds
from gonghui.core.imports.models import ImportJob


def xlsx(headers: list[str], rows: list[list[Any]], *, text_columns: tuple[int, ...] = ()) -> bytes:
    """A workbook as a user's Excel writes it: a header row, then the rows (values keep their
    Python type: a str is a text cell, an int or float a number cell)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    for row in rows:
        ws.append(row)
    for column in text_columns:
        for cells in ws.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            for cell in cells:
                cell.number_format = "@"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def run_upload(capture: Any, actor: Any, kind: str, org: Any, content: bytes, *, options: dict[str, Any] | None = None,
               name: str = "导入.xlsx") -> ImportJob:  # fmt: skip
    import_kind = kinds.get(kind)
    assert import_kind is not None
    with capture(execute=True):
        job = jobs.import_start(actor=actor, kind=import_kind, org=org, upload=SimpleUploadedFile(name, content),
                                options=options)  # fmt: skip
    job.refresh_from_db()
    return job


def run_apply(capture: Any, actor: Any, job: ImportJob) -> ImportJob:
    with capture(execute=True):
        jobs.import_apply(actor=actor, job=job)
    job.refresh_from_db()
    return job


def error_rows(job: ImportJob) -> list[list[Any]]:
    """The error sheet's rows as Excel reads them (header first)."""
    ws = load_workbook(io.BytesIO(jobs.error_file(job=job))).active
    assert ws is not None
    return [list(row) for row in ws.iter_rows(values_only=True)]
