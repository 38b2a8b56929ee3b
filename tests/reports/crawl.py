"""Reports URL fillers for the cross-organisation crawl (merged into tests/test_crawl.py)."""

from __future__ import annotations

from typing import Any


def _school2_summary(tree: Any, p: Any) -> int:
    from gonghui.reports.models import Summary, SummaryParagraph

    existing = Summary.objects.filter(org=tree.school2).first()
    if existing is None:
        existing = Summary.objects.create(org=tree.school2, period_kind="calendar", year=2026,
                                          start="2026-01-01", end="2026-12-31", title="第二小学工会2026年工作总结",
                                          job_state="done")  # fmt: skip
        SummaryParagraph.objects.create(
            summary=existing, section="opening", order=0, generated_text="一年来……"
        )
    return existing.pk


def _school2_paragraph(tree: Any, p: Any) -> dict[str, int]:
    from gonghui.reports.models import Summary

    summary = Summary.objects.get(pk=_school2_summary(tree, p))
    return {"pk": summary.pk, "section_pk": summary.paragraphs.first().pk}  # type: ignore[union-attr]


FOREIGN_OBJECTS: dict[str, Any] = {
    "reports:summary_detail": _school2_summary,
    "reports:summary_regenerate": _school2_summary,
    "reports:summary_plan": _school2_summary,
    "reports:summary_docx": _school2_summary,
    "reports:summary_pdf": _school2_summary,
    "reports:summary_paragraph_edit": _school2_paragraph,
    "reports:summary_paragraph_restore": _school2_paragraph,
}


def _school2_workplan(tree: Any, p: Any) -> int:
    from gonghui.reports.models import MonthlyActivity, WorkPlan, WorkPlanItem

    existing = WorkPlan.objects.filter(org=tree.school2).first()
    if existing is None:
        existing = WorkPlan.objects.create(org=tree.school2, year=2027, title="第二小学工会2027年工作计划")
        WorkPlanItem.objects.create(plan=existing, section="democracy", order=0, text="提案答复率达到100%")
        MonthlyActivity.objects.create(plan=existing, month=3, text="召开第六届教代会第二次会议")
    return existing.pk


def _school2_workplan_item(tree: Any, p: Any) -> dict[str, int]:
    from gonghui.reports.models import WorkPlan

    plan = WorkPlan.objects.get(pk=_school2_workplan(tree, p))
    return {"pk": plan.pk, "item_pk": plan.items.first().pk}  # type: ignore[union-attr]


def _school2_workplan_month(tree: Any, p: Any) -> dict[str, int]:
    from gonghui.reports.models import WorkPlan

    plan = WorkPlan.objects.get(pk=_school2_workplan(tree, p))
    return {"pk": plan.pk, "month_pk": plan.months.first().pk}  # type: ignore[union-attr]


FOREIGN_OBJECTS.update(
    {
        "reports:workplan_create": _school2_summary,
        "reports:workplan_detail": _school2_workplan,
        "reports:workplan_regenerate": _school2_workplan,
        "reports:workplan_docx": _school2_workplan,
        "reports:workplan_pdf": _school2_workplan,
        "reports:workplan_guiding_edit": _school2_workplan,
        "reports:workplan_item_edit": _school2_workplan_item,
        "reports:workplan_month_edit": _school2_workplan_month,
    }
)
