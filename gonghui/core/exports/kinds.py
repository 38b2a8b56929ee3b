"""What an app declares to have a document built in the background: an `ExportKind` with a key,
a title and a `build(actor, params)` that returns the `Document`.

`build` runs in the worker, minutes after the click maybe: it looks the object up again through
`core.access` with the requester's rights of that moment (a role revoked meanwhile means no
file), raises DomainError with a Chinese reason when the document cannot be built, and audits
what the document discloses (a member list) the way the app always did."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from gonghui.core.models import User

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


@dataclass(frozen=True)
class Document:
    content: bytes
    file_name: str  # what the browser saves, Chinese allowed ("2026年度工会工作总结.pdf")
    content_type: str


@dataclass(frozen=True)
class ExportKind:
    key: str  # "reports.summary_pdf"
    title: str | Promise  # "年度工作总结(PDF)": the status page's heading until the file is named
    build: Callable[[User, dict[str, Any]], Document]


_REGISTRY: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    _REGISTRY[kind.key] = kind
    return kind


def get(key: str) -> ExportKind | None:
    return _REGISTRY.get(key)


def all_kinds() -> list[ExportKind]:
    return list(_REGISTRY.values())
