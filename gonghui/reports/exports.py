"""The reports app's documents, built by the worker (core.exports): the annual summary and the
work plan as Word and PDF, the statistics table as Excel."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.access import deny, get_for_user, in_scope, require_roles
from gonghui.core.audit import audit
from gonghui.core.enums import SUPERIOR_KINDS
from gonghui.core.exports.kinds import DOCX, PDF, XLSX, Document, ExportKind, register
from gonghui.core.models import Org, User

from . import statistics
from .documents import summary_docx, summary_pdf, workplan_docx, workplan_pdf
from .models import Summary
from .queries import plan_for


def _summary(actor: User, params: dict[str, Any]) -> Summary:
    return get_for_user(Summary, actor, params["pk"])


SUMMARY_DOCX = register(ExportKind(
    "reports.summary_docx", gettext_lazy("工作总结(Word)"),
    lambda actor, params: Document(summary_docx(s := _summary(actor, params)), f"{s.title}.docx", DOCX),
))  # fmt: skip
SUMMARY_PDF = register(ExportKind(
    "reports.summary_pdf", gettext_lazy("工作总结(PDF)"),
    lambda actor, params: Document(summary_pdf(s := _summary(actor, params)), f"{s.title}.pdf", PDF),
))  # fmt: skip
WORKPLAN_DOCX = register(ExportKind(
    "reports.workplan_docx", gettext_lazy("工作计划(Word)"),
    lambda actor, params: Document(workplan_docx(p := plan_for(actor, params["pk"])), f"{p.title}.docx", DOCX),
))  # fmt: skip
WORKPLAN_PDF = register(ExportKind(
    "reports.workplan_pdf", gettext_lazy("工作计划(PDF)"),
    lambda actor, params: Document(workplan_pdf(p := plan_for(actor, params["pk"])), f"{p.title}.pdf", PDF),
))  # fmt: skip


def _statistics(actor: User, params: dict[str, Any]) -> Document:
    from .views.dashboard import DASHBOARD_ROLES

    require_roles(actor, DASHBOARD_ROLES, what="reports.statistics_export")
    org = Org.objects.get(pk=params["org"])
    if not in_scope(actor, org, DASHBOARD_ROLES):
        deny(actor, what=f"core.org:{org.pk}")
    result = statistics.table(org, params["year"], superior=org.kind in SUPERIOR_KINDS)
    content = statistics.workbook(
        result, filled_by=actor.name or actor.get_username(), today=timezone.localdate()
    )
    audit(
        action="reports.statistics_export", actor=actor, org=result.org, obj=result.org,
        after={"year": result.year, "units": len(result.units)},
        detail=_("导出%(year)s年度工会统计表") % {"year": result.year},
    )  # fmt: skip
    return Document(
        content, _("%(org)s%(year)s年度工会统计表.xlsx") % {"org": org.name, "year": result.year}, XLSX
    )


STATISTICS = register(ExportKind("reports.statistics", gettext_lazy("工会统计表(Excel)"), _statistics))
