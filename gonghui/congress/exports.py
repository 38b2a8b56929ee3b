"""The congress app's documents, built by the worker (core.exports): a session's draft
resolution and its report on the handling of proposals, as Word, for its officers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from gonghui.core.access import deny, get_from, in_scope, visible
from gonghui.core.enums import OFFICER_ROLES
from gonghui.core.exports.kinds import DOCX, Document, ExportKind, register
from gonghui.core.models import User

from . import documents
from .models import CongressSession


def officer_session(user: User, pk: int, *, request: Any = None) -> CongressSession:
    """A session the user sees and runs as an officer of its union, or 404."""
    queryset = CongressSession.objects.select_related("term", "org")
    session = get_from(visible(queryset, user), user, request=request, pk=pk)
    if not in_scope(user, session.org, OFFICER_ROLES):
        deny(user, request=request, what=f"congress.congresssession:{pk}")
    return session


def resolution_name(session: CongressSession) -> str:
    return f"{documents.congress_name(session)}决议（草案）.docx"


def proposal_report_name(session: CongressSession) -> str:
    return f"关于{documents.session_name(session)}提案办理情况的报告.docx"


def _resolution(actor: User, params: dict[str, Any]) -> Document:
    session = officer_session(actor, params["pk"])
    return Document(documents.session_resolution_docx(session), resolution_name(session), DOCX)


def _proposal_report(actor: User, params: dict[str, Any]) -> Document:
    session = officer_session(actor, params["pk"])
    return Document(documents.proposal_report_docx(session), proposal_report_name(session), DOCX)


RESOLUTION = register(ExportKind("congress.resolution", gettext_lazy("决议草案(Word)"), _resolution))
PROPOSAL_REPORT = register(
    ExportKind("congress.proposal_report", gettext_lazy("提案办理情况报告(Word)"), _proposal_report)
)
