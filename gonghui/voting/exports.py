"""The voting app's documents, built by the worker (core.exports): a poll's result document
(选举结果报告单 / 测评汇总表 / 评选结果) as Word and PDF, after release only."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from gonghui.core.access import get_from
from gonghui.core.exports.kinds import DOCX, PDF, Document, ExportKind, register
from gonghui.core.models import User

from . import documents, queries, services
from .models import Poll


def result_poll(user: User, pk: int, *, request: Any = None) -> Poll:
    """A poll whose results `user` may read once released (voters, officers), or 404."""
    return get_from(queries.public_polls(user) | queries.officer_polls(user), user, request=request, pk=pk)


def _result(build: Any, content_type: str) -> Any:
    def run(actor: User, params: dict[str, Any]) -> Document:
        poll = result_poll(actor, params["pk"])
        content, name = build(services.poll_tally(poll), services.turnout(poll))  # DomainError before release
        return Document(content, name, content_type)

    return run


RESULT_DOCX = register(
    ExportKind("voting.result_docx", gettext_lazy("结果报告(Word)"), _result(documents.result_docx, DOCX))
)
RESULT_PDF = register(
    ExportKind("voting.result_pdf", gettext_lazy("结果报告(PDF)"), _result(documents.result_pdf, PDF))
)
