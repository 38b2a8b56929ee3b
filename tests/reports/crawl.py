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
